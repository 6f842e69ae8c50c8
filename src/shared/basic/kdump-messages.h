/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The MESSAGE_IDs of kdump's journal entries: kdumpd-arm writes them,
 * kdumpctl tells the admin how to find them. */
#pragma once

/* After a crash, on the next boot: one entry per new dump (dump-report.h).
 * journalctl MESSAGE_ID=… finds every report. */
#define KDUMP_DUMP_REPORT_MESSAGE_ID "109ef012a5fb4181ba7bbdf96ae01345"
