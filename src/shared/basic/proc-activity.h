/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a session of processes has done, read from /proc: the bytes its
 * processes passed to read(2) and write(2) (/proc/PID/io's rchar and wchar,
 * whatever the file, pipe or socket) and their CPU time (/proc/PID/stat's
 * utime and stime, and those of the children they reaped). A watchdog
 * compares two readings: equal means that nothing in the session read,
 * wrote or computed in between, which is what a writer blocked on a target
 * that stopped taking data looks like. The bytes need the kernel's
 * CONFIG_TASK_IO_ACCOUNTING (/proc/self/io). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct ProcActivity {
        uint64_t io_bytes;
        uint64_t cpu_ticks;
        unsigned n_processes;
} ProcActivity;

/* Sums the activity of every process whose session is sid, from proc
 * ("/proc", or a fake one). Processes that end while it reads are left
 * out. Returns 0 (an empty session is all zeros), or -errno when proc
 * cannot be listed. */
int proc_session_activity(const char *proc, pid_t sid, ProcActivity *ret);

bool proc_activity_equal(const ProcActivity *a, const ProcActivity *b);
