/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* After a crash, on the next boot: what a dump directory says about its
 * crash, and the journal entry told once per crash record (a fixed
 * MESSAGE_ID), with the same words for a local dump as before records
 * existed. */
#pragma once

#include "crash-record.h"
#include "kdump-messages.h" /* KDUMP_DUMP_REPORT_MESSAGE_ID */

/* Reads what the dump directory dir holds into a record that is not in
 * the store yet: DUMP=dir, LOCATION=dir, its identity, complete (a vmcore
 * or vmcore.flat and no vmcore-incomplete), the crashed kernel and the
 * panic line (vmcore-dmesg.txt), why the capture failed (its
 * kexec-dmesg.log). */
int dump_dir_read(const char *dir, CrashRecord *ret);

/* Fills what r does not say from its dump directory (dir, raw): the
 * directory's files win over a trace, which the capture wrote before it
 * knew everything. Nothing for the other kinds. */
int crash_record_fill_from_dir(CrashRecord *r);

/* One line for the journal and kdumpctl. */
int crash_report_format(const CrashRecord *r, char **ret);
