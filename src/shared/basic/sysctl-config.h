/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Which of the machine's own sysctl settings names a sysctl: what
 * systemd-sysctl(8) applies at boot (sysctl.d(5): *.conf in /etc/sysctl.d,
 * /run/sysctl.d, /usr/local/lib/sysctl.d, /usr/lib/sysctl.d and
 * /lib/sysctl.d, a file of a name in an earlier directory hiding the others
 * of that name, a link to /dev/null masking it, later files winning),
 * /etc/sysctl.conf (procps' sysctl --system reads it), and "sysctl.NAME=" on
 * the kernel command line. kdumpd never changes a sysctl that one of them
 * sets: that value is the admin's.
 *
 * Keys are matched as systemd does: '/' or '.' separated, a leading '-'
 * (ignore failures) dropped, glob patterns (fnmatch(3)) allowed.
 * Library code: returns -errno, never logs. */
#pragma once

/* Where the sysctl name ("kernel.panic_on_oops") is set, under root (""
 * for the running system): the file (its path without root), or
 * "the kernel command line", and the value it gives. The last setting
 * wins, as when they are applied. Returns 1 and fills what is not NULL
 * when it is set, 0 when nothing sets it. Unreadable files are skipped. */
int sysctl_config_find(const char *root, const char *name, char **ret_source, char **ret_value);
