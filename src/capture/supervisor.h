/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* PID 1 of the capture boot does not run the dump itself: a worker does,
 * and reports each step with its deadline over a pipe. PID 1 reaps every
 * process (orphans come to it), and when the worker crashes or overruns
 * its step, ends it, so that the emergency hooks and failure_action always
 * run. Whatever happens to the worker, PID 1 itself cannot die with it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The worker's exit status: final_action, or failure_action after it ran
 * the emergency hooks itself. Anything else is a crash. */
#define WORKER_EXIT_SUCCESS 0
#define WORKER_EXIT_FAILURE 1

typedef enum WorkerEnd {
        WORKER_SUCCEEDED,
        WORKER_FAILED,
        WORKER_CRASHED,   /* killed by a signal, or an exit status it never uses */
        WORKER_TIMED_OUT, /* overran its step's deadline and was killed */
} WorkerEnd;

/* What the worker said of the dump before its last step (the trace): how
 * the capture ends even when that step never does. */
typedef enum WorkerOutcome {
        WORKER_OUTCOME_UNKNOWN,
        WORKER_OUTCOME_OK,     /* "outcome ok": final_action */
        WORKER_OUTCOME_FAILED, /* "outcome failed": failure_action, the emergency hooks ran */
} WorkerOutcome;

typedef struct Supervision {
        WorkerEnd end;
        WorkerOutcome outcome;
        int status;     /* the worker's wait status */
        char step[32];  /* the last step it reported ("" before the first) */
        char *dump_dir; /* the dump directory it reported, or NULL */
        bool mounted;   /* whether it said the target is mounted */
} Supervision;

/* Ends the worker and everything it started. In the capture kernel:
 * kill(-1, SIGKILL), every process but PID 1. */
typedef void (*KillAllFunc)(pid_t worker);

/* Waits for the worker, reading its reports from report_fd, reaping every
 * child that ends meanwhile. A step overrunning its deadline by more than
 * grace_usec (the worker enforces its deadlines itself; this is the
 * backstop) gets kill_all(). first_deadline_usec bounds the time before the
 * first report. Returns 0 with *ret filled, or -errno. */
int supervise(pid_t worker, int report_fd, uint64_t first_deadline_usec, uint64_t grace_usec, KillAllFunc kill_all,
              Supervision *ret);

void supervision_done(Supervision *s);

const char *worker_end_to_string(WorkerEnd e);
