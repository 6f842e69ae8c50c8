/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"

#define LINE_MAX_BYTES 4096

struct Worker {
        pid_t pid;
        int fd; /* the pipe's read end */
        sd_event_source *io, *child;
        char buf[LINE_MAX_BYTES];
        size_t len;
        worker_line_t on_line;
        worker_exit_t on_exit;
        void *userdata;
};

/* Complete lines go to on_line; an over-long one is cut. */
static void worker_consume(Worker *w, const char *data, size_t n) {
        for (size_t i = 0; i < n; i++) {
                if (data[i] != '\n' && w->len < sizeof(w->buf) - 1) {
                        w->buf[w->len++] = data[i];
                        continue;
                }
                if (data[i] != '\n')
                        continue; /* the rest of an over-long line */
                w->buf[w->len] = 0;
                w->len = 0;
                w->on_line(w, w->buf, w->userdata);
        }
}

/* Returns false at EOF or on an error, true when more may come. */
static bool worker_drain(Worker *w) {
        char data[1024];

        for (;;) {
                ssize_t k = read(w->fd, data, sizeof(data));
                if (k > 0) {
                        worker_consume(w, data, (size_t) k);
                        continue;
                }
                if (k < 0 && errno == EINTR)
                        continue;
                return k < 0 && errno == EAGAIN;
        }
}

static int on_worker_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Worker *w = userdata;

        if (!worker_drain(w))
                /* EOF: the exit comes through the child source. */
                (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        return 0;
}

static int on_worker_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Worker *w = userdata;
        int status = si->si_code == CLD_EXITED ? si->si_status : 128 + si->si_status;

        /* Whatever it wrote before it ended is read before its end is told;
         * a grandchild that kept the pipe open does not hold us (O_NONBLOCK). */
        (void) worker_drain(w);
        if (w->len > 0)
                worker_consume(w, "\n", 1);
        w->pid = 0;
        w->on_exit(w, status, w->userdata);
        return 0;
}

static void worker_child(int report_fd, worker_work_t work, void *userdata) {
        struct sigaction dfl = { .sa_handler = SIG_DFL };
        sigset_t none;

        /* kdumpd blocks these for its event loop; dracut must see them. */
        for (int sig = 1; sig < _NSIG; sig++)
                (void) sigaction(sig, &dfl, NULL);
        sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
        spawn_wait_on_sigint();
        _exit(work(report_fd, userdata));
}

int worker_start(sd_event *e, worker_work_t work, worker_line_t on_line, worker_exit_t on_exit, void *userdata,
                 Worker **ret) {
        _cleanup_free_ Worker *w = NULL;
        int pipefd[2];
        int r;

        assert_return(e && work && on_line && on_exit && ret, -EINVAL);
        w = calloc(1, sizeof(*w));
        if (!w)
                return -ENOMEM;
        w->fd = -EBADF;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return negative_errno();
        w->pid = fork();
        if (w->pid < 0) {
                r = negative_errno();
                close(pipefd[0]);
                close(pipefd[1]);
                return r;
        }
        if (w->pid == 0) {
                (void) setpgid(0, 0);
                close(pipefd[0]);
                worker_child(pipefd[1], work, userdata);
        }
        (void) setpgid(w->pid, w->pid); /* either side may run first */
        close(pipefd[1]);
        w->fd = pipefd[0];
        (void) fcntl(w->fd, F_SETFL, fcntl(w->fd, F_GETFL) | O_NONBLOCK);
        w->on_line = on_line;
        w->on_exit = on_exit;
        w->userdata = userdata;

        r = sd_event_add_io(e, &w->io, w->fd, EPOLLIN, on_worker_io, w);
        if (r >= 0)
                r = sd_event_add_child(e, &w->child, w->pid, WEXITED, on_worker_exit, w);
        if (r < 0) {
                worker_stop(w, 0);
                worker_free(TAKE_PTR(w));
                return r;
        }
        *ret = TAKE_PTR(w);
        return 0;
}

void worker_stop(Worker *w, uint64_t timeout_usec) {
        uint64_t deadline = now_usec() + timeout_usec;
        siginfo_t si;

        if (!w || w->pid <= 0)
                return;
        /* The child source must not reap it behind our back. */
        w->child = sd_event_source_disable_unref(w->child);
        (void) kill(-w->pid, SIGINT);
        for (;;) {
                si = (siginfo_t) {};
                if (waitid(P_PID, w->pid, &si, WEXITED | WNOHANG) < 0 && errno != EINTR)
                        break;
                if (si.si_pid == w->pid)
                        break;
                if (now_usec() >= deadline) {
                        log_warning("The worker (process %d) did not end within %llu s of SIGINT; killing it.",
                                    (int) w->pid, (unsigned long long) (timeout_usec / 1000000));
                        (void) kill(-w->pid, SIGKILL);
                        (void) waitid(P_PID, w->pid, &si, WEXITED);
                        break;
                }
                (void) usleep(100 * 1000);
        }
        /* Its children too: nothing of the group may outlive kdumpd. */
        (void) kill(-w->pid, SIGKILL);
        w->pid = 0;
}

Worker *worker_free(Worker *w) {
        if (!w)
                return NULL;
        w->io = sd_event_source_disable_unref(w->io);
        w->child = sd_event_source_disable_unref(w->child);
        if (w->fd >= 0)
                close(w->fd);
        free(w);
        return NULL;
}
