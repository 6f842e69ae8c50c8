/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "macro.h"

/* A worker that SIGKILL cannot end (stuck in the kernel, in D state) is
 * left behind after this: PID 1 goes on with the failure action. */
#define KILL_GIVE_UP_USEC (5 * 1000000ULL)
#define POLL_MSEC 100

const char *worker_end_to_string(WorkerEnd e) {
        static const char *const names[] = {
                [WORKER_SUCCEEDED] = "succeeded",
                [WORKER_FAILED] = "failed",
                [WORKER_CRASHED] = "crashed",
                [WORKER_TIMED_OUT] = "timed out",
        };
        return e >= 0 && e < (WorkerEnd) ELEMENTSOF(names) ? names[e] : NULL;
}

void supervision_done(Supervision *s) {
        free(s->dump_dir);
        s->dump_dir = NULL;
}

typedef struct Reports {
        char buf[8192];
        size_t used;
        uint64_t deadline;
} Reports;

static void apply_report(Supervision *s, Reports *r, char *line) {
        char name[sizeof(s->step)];
        uint64_t deadline;
        int mounted;

        if (sscanf(line, "step %31s %" SCNu64, name, &deadline) == 2) {
                snprintf(s->step, sizeof(s->step), "%s", name);
                r->deadline = deadline;
        } else if (strncmp(line, "dir ", 4) == 0) {
                char *d = strdup(line + 4);
                if (d) {
                        free(s->dump_dir);
                        s->dump_dir = d;
                }
        } else if (sscanf(line, "mounted %d", &mounted) == 1)
                s->mounted = mounted != 0;
        else if (strcmp(line, "outcome ok") == 0)
                s->outcome = WORKER_OUTCOME_OK;
        else if (strcmp(line, "outcome failed") == 0)
                s->outcome = WORKER_OUTCOME_FAILED;
}

/* Reads what is there: 1 when it read something, 0 when nothing is there
 * now (EAGAIN), -1 at EOF or on an error. */
static int read_reports(int fd, Supervision *s, Reports *r) {
        ssize_t n = read(fd, r->buf + r->used, sizeof(r->buf) - 1 - r->used);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -1;
        if (n == 0)
                return -1;
        r->used += (size_t) n;
        r->buf[r->used] = 0;
        char *start = r->buf, *nl;
        while ((nl = strchr(start, '\n'))) {
                *nl = 0;
                apply_report(s, r, start);
                start = nl + 1;
        }
        r->used -= (size_t) (start - r->buf);
        memmove(r->buf, start, r->used);
        /* A line longer than the buffer is garbage: drop it. */
        if (r->used == sizeof(r->buf) - 1)
                r->used = 0;
        return 1;
}

/* Reaps everything that has ended; true when the worker is among them. */
static bool reap(pid_t worker, int *ret_status) {
        bool found = false;
        for (;;) {
                int status;
                pid_t p = waitpid(-1, &status, WNOHANG);
                if (p <= 0)
                        return found;
                if (p == worker) {
                        *ret_status = status;
                        found = true;
                }
        }
}

int supervise(pid_t worker, int report_fd, uint64_t first_deadline_usec, uint64_t grace_usec, KillAllFunc kill_all,
              Supervision *ret) {
        Reports reports = { .deadline = first_deadline_usec };
        Supervision s = {};
        bool killed = false, open = report_fd >= 0;
        uint64_t give_up = 0;
        int status = 0;

        assert_return(worker > 0 && kill_all && ret, -EINVAL);
        if (open)
                (void) fcntl(report_fd, F_SETFL, fcntl(report_fd, F_GETFL) | O_NONBLOCK);

        for (;;) {
                if (reap(worker, &status)) {
                        /* The last reports may still be in the pipe; a process
                         * the worker left behind may hold it open: read what
                         * is there, never wait for more. */
                        while (open && read_reports(report_fd, &s, &reports) > 0)
                                ;
                        if (killed)
                                s.end = WORKER_TIMED_OUT;
                        else if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_SUCCESS)
                                s.end = WORKER_SUCCEEDED;
                        else if (WIFEXITED(status) && WEXITSTATUS(status) == WORKER_EXIT_FAILURE)
                                s.end = WORKER_FAILED;
                        else
                                s.end = WORKER_CRASHED;
                        break;
                }

                uint64_t now = now_usec();
                if (!killed && reports.deadline > 0 && now >= reports.deadline + grace_usec) {
                        log_error("step %s did not end by its deadline; stopping it.",
                                  s.step[0] ? s.step : "start");
                        kill_all(worker);
                        killed = true;
                        give_up = now + KILL_GIVE_UP_USEC;
                } else if (killed && now >= give_up) {
                        log_error("the capture worker did not end after SIGKILL; going on without it.");
                        s.end = WORKER_TIMED_OUT;
                        status = -1;
                        break;
                }

                struct pollfd p = { .fd = report_fd, .events = POLLIN };
                int n = poll(&p, open ? 1 : 0, POLL_MSEC);
                if (n > 0 && read_reports(report_fd, &s, &reports) < 0)
                        open = false;
        }
        /* Orphans that ended together with the worker. */
        (void) reap(0, &(int) { 0 });
        s.status = status;
        *ret = s;
        return 0;
}
