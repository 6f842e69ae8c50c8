/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a crashed kernel's log (vmcore-dmesg.txt) and the capture's own
 * (kexec-dmesg.log) say about a crash: the capture program reads it for
 * its trace, the next boot for its record. Each finder returns a new
 * string, or NULL when the lines do not say (or on ENOMEM). */
#pragma once

/* The file's lines, or NULL when it cannot be read. */
char **dmesg_read_lines(const char *path);

/* The line that says why the kernel died, without its timestamp: the
 * panic itself, or what led to it when the panic line is missing. */
char *dmesg_find_panic(char * const *lines);

/* The release of "Linux version RELEASE …". */
char *dmesg_find_kernel(char * const *lines);

/* The capture program's "dump failed in step …" to the line's end. */
char *dmesg_find_failure(char * const *lines);
