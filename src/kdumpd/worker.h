/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Slow work (dracut, restoring a raw dump) off kdumpd's event loop: a
 * forked child in its own process group runs a function and reports lines
 * over a pipe; the loop stays free to answer signals and file changes.
 * The child starts with the default signal mask and handlers, so what it
 * runs (dracut and its children) can be interrupted and clean up. */
#pragma once

#include <stdint.h>
#include <systemd/sd-event.h>

typedef struct Worker Worker;

/* Runs in the child; report_fd takes lines (arm_line_write()). Returns
 * the exit status. */
typedef int (*worker_work_t)(int report_fd, void *userdata);
/* One complete line the child wrote, without its newline. */
typedef void (*worker_line_t)(Worker *w, const char *line, void *userdata);
/* After the last line: status is the exit status, or 128 + the signal
 * that killed it. The worker may be freed from here. */
typedef void (*worker_exit_t)(Worker *w, int status, void *userdata);

/* SIGCHLD must be blocked (sd_event_add_child). The work runs with the
 * default signal handlers and mask, but for SIGINT: spawn_wait_on_sigint()
 * (a program it exec's sets that again), so that worker_stop() lets its
 * children clean up first. */
int worker_start(sd_event *e, worker_work_t work, worker_line_t on_line, worker_exit_t on_exit, void *userdata,
                 Worker **ret);

/* Interrupts the worker's process group (SIGINT: dracut removes its
 * temporary files on it), waits up to timeout_usec, then kills the group.
 * Returns once the worker is reaped; on_exit is not called. */
void worker_stop(Worker *w, uint64_t timeout_usec);

Worker *worker_free(Worker *w);
