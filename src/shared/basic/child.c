/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "macro.h"
#include "proc-activity.h"

static pid_t child_start(char * const *argv, char * const *env_extra, int stdin_fd, int stdout_fd, int close_fd) {
        pid_t pid = fork();
        if (pid != 0)
                return pid < 0 ? -1 : pid;

        (void) setsid();
        if (stdin_fd < 0)
                stdin_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (stdin_fd >= 0 && stdin_fd != STDIN_FILENO)
                dup2(stdin_fd, STDIN_FILENO);
        if (stdout_fd >= 0 && stdout_fd != STDOUT_FILENO)
                dup2(stdout_fd, STDOUT_FILENO);
        if (close_fd >= 0)
                close(close_fd);
        for (char * const *e = env_extra; e && *e; e++)
                putenv(*e);
        execvp(argv[0], argv);
        _exit(127);
}

static int status_to_result(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status) == 127 ? -ENOENT : WEXITSTATUS(status);
        return 128 + WTERMSIG(status);
}

/* How often the stall watchdog reads /proc: often enough to end within a
 * second of its time, rarely enough to cost nothing. */
#define STALL_SAMPLE_USEC (1000 * 1000ULL)

/* The stall watchdog over one session (sid: the session of the child it
 * watches, its pid since child_start() calls setsid()). */
typedef struct StallWatch {
        pid_t sid;
        uint64_t stall_usec; /* 0: off */
        uint64_t next_sample, last_change;
        ProcActivity last;
} StallWatch;

/* True when the session did nothing for stall_usec. */
static bool stall_check(StallWatch *w, uint64_t now) {
        ProcActivity a;
        int r;

        if (w->stall_usec == 0 || now < w->next_sample)
                return false;
        w->next_sample = now + STALL_SAMPLE_USEC;
        r = proc_session_activity("/proc", w->sid, &a);
        /* An unreadable /proc is no proof of a stall. */
        if (r < 0 || !proc_activity_equal(&a, &w->last)) {
                if (r >= 0)
                        w->last = a;
                w->last_change = now;
                return false;
        }
        return now - w->last_change >= w->stall_usec;
}

/* Waits for every pid in pids (n of them), killing those left at the
 * deadline (they get -ETIME) or when w saw a stall (-ECOMM).
 * results[i] gets child_run_watched()'s value for pids[i]. */
static void wait_all(pid_t *pids, int *results, size_t n, uint64_t deadline_usec, StallWatch *w) {
        size_t left = n;
        bool killed = false;
        uint64_t give_up = 0;

        while (left > 0) {
                for (size_t i = 0; i < n; i++) {
                        int status;
                        if (pids[i] <= 0)
                                continue;
                        pid_t p = waitpid(pids[i], &status, WNOHANG);
                        if (p == pids[i] || (p < 0 && errno == ECHILD)) {
                                if (results[i] == 0) /* not killed by us */
                                        results[i] = p == pids[i] ? status_to_result(status) : -ECHILD;
                                pids[i] = 0;
                                left--;
                        }
                }
                if (left == 0)
                        break;
                /* A child that SIGKILL cannot reach (stuck in the kernel)
                 * is left behind after a grace period: PID 1 goes on. */
                uint64_t now = now_usec();
                if (killed && now >= give_up)
                        break;
                int why = 0;
                if (!killed && deadline_usec > 0 && now >= deadline_usec)
                        why = -ETIME;
                else if (!killed && w && stall_check(w, now))
                        why = -ECOMM;
                if (why < 0) {
                        for (size_t i = 0; i < n; i++)
                                if (pids[i] > 0) {
                                        kill(-pids[i], SIGKILL);
                                        kill(pids[i], SIGKILL);
                                        results[i] = why;
                                }
                        killed = true;
                        give_up = now + 5 * 1000000ULL;
                }
                usleep(20 * 1000);
        }
}

static StallWatch stall_watch(pid_t sid, uint64_t stall_usec) {
        uint64_t now = now_usec();
        return (StallWatch) { .sid = sid, .stall_usec = stall_usec, .next_sample = now, .last_change = now };
}

int child_run_watched(char * const *argv, char * const *env_extra, int stdin_fd, int stdout_fd, uint64_t deadline_usec,
                      uint64_t stall_usec) {
        int result = 0;

        assert_return(argv && argv[0], -EINVAL);
        pid_t pid = child_start(argv, env_extra, stdin_fd, stdout_fd, -1);
        if (pid < 0)
                return negative_errno();
        StallWatch w = stall_watch(pid, stall_usec);
        wait_all(&pid, &result, 1, deadline_usec, &w);
        return result;
}

int child_run(char * const *argv, char * const *env_extra, int stdin_fd, int stdout_fd, uint64_t deadline_usec) {
        return child_run_watched(argv, env_extra, stdin_fd, stdout_fd, deadline_usec, 0);
}

int child_run_pipe(char * const *producer, char * const *consumer, char * const *env_extra, uint64_t deadline_usec,
                   uint64_t stall_usec, int *ret_which) {
        int fds[2], results[2] = {};
        pid_t pids[2];

        assert_return(producer && producer[0] && consumer && consumer[0], -EINVAL);
        if (pipe2(fds, O_CLOEXEC) < 0)
                return negative_errno();
        pids[0] = child_start(producer, env_extra, -1, fds[1], fds[0]);
        pids[1] = pids[0] > 0 ? child_start(consumer, env_extra, fds[0], -1, fds[1]) : -1;
        close(fds[0]);
        close(fds[1]);
        if (pids[0] < 0 || pids[1] < 0) {
                int r = negative_errno();
                if (pids[0] > 0) {
                        kill(pids[0], SIGKILL);
                        (void) waitpid(pids[0], NULL, 0);
                }
                return r;
        }
        StallWatch w = stall_watch(pids[0], stall_usec);
        wait_all(pids, results, 2, deadline_usec, &w);
        /* A producer killed by SIGPIPE only says that the consumer went away. */
        if (results[0] == 128 + SIGPIPE && results[1] != 0)
                results[0] = 0;
        for (int i = 0; i < 2; i++)
                if (results[i] != 0) {
                        if (ret_which)
                                *ret_which = i;
                        return results[i];
                }
        return 0;
}

int child_call(int (*f)(void *userdata), void *userdata, uint64_t deadline_usec) {
        int result = 0;

        assert_return(f, -EINVAL);
        pid_t pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                int r = f(userdata);
                /* 1…126: the errno; 127 and above mean exec failures and
                 * signals to status_to_result(). */
                _exit(r >= 0 ? 0 : -r < 127 ? -r : EIO);
        }
        wait_all(&pid, &result, 1, deadline_usec, NULL);
        if (result <= 0) /* 0, -ETIME, -ECHILD */
                return result;
        return result < 127 ? -result : -EIO;
}
