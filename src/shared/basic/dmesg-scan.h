/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a crashed kernel's log (vmcore-dmesg.txt) and the capture's own
 * (kexec-dmesg.log) say about a crash: the capture program reads it for
 * its trace, the next boot for its record. Each finder returns a new
 * string, or NULL when the lines do not say (or on ENOMEM). */
#pragma once

/* The file's lines, or NULL when it cannot be read. */
char **dmesg_read_lines(const char *path);

/* A line's text without what the kernel puts before it: a syslog
 * priority ("<6>", in pstore's copy), the timestamp, the caller
 * ("[  T337]", CONFIG_PRINTK_CALLER). */
const char *dmesg_line_text(const char *line);

/* The line that says why the kernel died, without its timestamp: the
 * panic itself, or what led to it when the panic line is missing. */
char *dmesg_find_panic(char * const *lines);

/* What a "CPU: 0 UID: 0 PID: 337 Comm: bash Kdump: loaded Tainted: G  OE
 * 6.12.117+deb13-amd64 #1 …" line says (older kernels: no UID; a hung
 * task's "      Not tainted 6.12…" line has only the last two). */
typedef struct DmesgContext {
        char *comm;    /* NULL: not on the line */
        char *pid;
        char *taint;   /* the taint letters without blanks ("GOE"); "" for "Not tainted" */
        char *release;
} DmesgContext;

void dmesg_context_done(DmesgContext *c);
/* 1 and *ret filled when text (a line's text) says any of it, else 0. */
int dmesg_context_parse(const char *text, DmesgContext *ret);

/* The release of "Linux version RELEASE …", or else of the first line that
 * names the running task's taint and release (a log's tail, as pstore
 * keeps it, lacks the first). */
char *dmesg_find_kernel(char * const *lines);

/* The capture program's "dump failed in step …" to the line's end. */
char *dmesg_find_failure(char * const *lines);
