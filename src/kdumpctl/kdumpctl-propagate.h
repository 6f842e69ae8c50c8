/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl propagate: makes the ssh dump target usable by the capture
 * kernel: kdump's own key (created when missing), installed on the
 * server with the admin's ssh login, and the server's host keys recorded
 * for the image to check against. */
#pragma once

#include "kdump-config.h"

/* The lines of scanned (ssh-keyscan's "HOST TYPE KEY") whose type and key
 * trusted (known_hosts lines, hashed host names or not) has too: the keys
 * a checked login vouches for. Returns how many, -ENOENT for none. */
int known_hosts_vouched(const char *scanned, const char *trusted, char **ret);

/* Returns a sysexits code; says on stdout what it did. */
int propagate_ssh_key(const KdumpConfig *c);

/* kdumpctl propagate: the same, for /etc/kdump.conf. */
int verb_propagate(int argc, char *argv[]);
