/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* After a crash, on the next boot: what the capture left in the dump
 * directories, told once per dump (a journal entry with a fixed
 * MESSAGE_ID). The dumps already told are listed in a state file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kdump-messages.h" /* KDUMP_DUMP_REPORT_MESSAGE_ID */

typedef struct DumpReport {
        char *dir;        /* the dump directory, full path */
        bool complete;    /* a vmcore (or vmcore.flat) and no vmcore-incomplete */
        char *panic;      /* the panic line of vmcore-dmesg.txt, or NULL */
        char *kernel;     /* the crashed kernel's release, or NULL */
        char *failure;    /* why the capture failed (kexec-dmesg.log), or NULL */
} DumpReport;

void dump_report_done(DumpReport *r);
void dump_reports_free(DumpReport *r, size_t n);

/* Reads what one dump directory holds. */
int dump_report_read(const char *dir, DumpReport *ret);

/* The dumps under base not listed in state_file, oldest first; with
 * mark true, they are added to state_file (written atomically). */
int dump_reports_new(const char *base, const char *state_file, bool mark, DumpReport **ret, size_t *ret_n);

/* One line for the journal and kdumpctl. */
int dump_report_format(const DumpReport *r, char **ret);
