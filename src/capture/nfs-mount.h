/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Mounting the NFS dump target with the kernel's own NFS client: mount(2)
 * with a text option string, no mount.nfs, no rpc.statd (nolock). */
#pragma once

#include <stdint.h>

/* location is "10.0.0.1:/export" or "[fd00::1]:/export" (an address:
 * there is no resolver in the capture image). kind "nfs4" tries NFSv4.2,
 * 4.1, 4.0; "nfs" goes on to NFSv3 too. A refused connection is tried
 * again until deadline_usec; the mount itself runs in a child that is
 * killed at the deadline. Soft mounts: a server that goes away fails the
 * dump instead of hanging it. */
int nfs_mount(const char *kind, const char *location, const char *where, uint64_t deadline_usec);

/* The option string for one attempt; for the unit tests. */
int nfs_mount_options(const char *server, const char *version, char **ret);
