/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deadline.h"
#include "macro.h"

/* Forks and exec's argv; the child's pid, or -1 with errno. */
static pid_t spawn_start(char * const *argv, char * const *env_extra, bool quiet, int stdin_fd, int stdout_fd,
                         bool stderr_too, bool new_group) {
        /* What we printed comes before what the child prints. */
        (void) fflush(NULL);
        pid_t pid = fork();
        if (pid != 0)
                return pid;
        /* A group of its own: its whole tree can be stopped at once. */
        if (new_group)
                (void) setpgid(0, 0);
        if (quiet) {
                int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
                if (null >= 0) {
                        dup2(null, STDOUT_FILENO);
                        dup2(null, STDERR_FILENO);
                }
        }
        if (stdin_fd >= 0)
                dup2(stdin_fd, STDIN_FILENO);
        if (stdout_fd >= 0)
                dup2(stdout_fd, STDOUT_FILENO);
        if (stdout_fd >= 0 && stderr_too)
                dup2(stdout_fd, STDERR_FILENO);
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

static int spawn_internal(char * const *argv, char * const *env_extra, bool quiet, int stdin_fd, int stdout_fd) {
        int status;
        pid_t pid;

        assert_return(argv && argv[0], -EINVAL);
        pid = spawn_start(argv, env_extra, quiet, stdin_fd, stdout_fd, false, false);
        if (pid < 0)
                return negative_errno();
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        return status_to_result(status);
}

int spawn_and_wait(char * const *argv, char * const *env_extra) {
        return spawn_internal(argv, env_extra, false, -1, -1);
}

int spawn_and_wait_quiet(char * const *argv, char * const *env_extra) {
        return spawn_internal(argv, env_extra, true, -1, -1);
}

int spawn_and_wait_io(char * const *argv, char * const *env_extra, int stdin_fd, int stdout_fd) {
        return spawn_internal(argv, env_extra, false, stdin_fd, stdout_fd);
}

/* Set by SIGINT (spawn_wait_on_sigint()): a child in a process group of
 * its own (spawn_and_wait_deadline()) does not get the signal from the
 * terminal or from kdumpd's worker_stop(), so the wait passes it on. */
static volatile sig_atomic_t interrupted;

static void on_sigint_wait(int sig) {
        /* waitpid() goes on (SA_RESTART) until the children are done. */
        interrupted = 1;
}

void spawn_wait_on_sigint(void) {
        struct sigaction wait_for_children = { .sa_handler = on_sigint_wait, .sa_flags = SA_RESTART };
        (void) sigaction(SIGINT, &wait_for_children, NULL);
}

/* Stops a process group: SIGINT, which lets dracut and the like remove
 * their temporary files, then SIGKILL to whatever is left after grace. */
static void group_stop(pid_t pid, uint64_t grace_usec) {
        uint64_t until = now_usec() + grace_usec;

        (void) kill(-pid, SIGINT);
        while (now_usec() < until) {
                if (waitpid(pid, NULL, WNOHANG) == pid)
                        break;
                (void) usleep(100 * 1000);
        }
        (void) kill(-pid, SIGKILL);
        (void) waitpid(pid, NULL, 0);
}

static int spawn_deadline_internal(char * const *argv, char * const *env_extra, uint64_t timeout_usec, int output_fd) {
        uint64_t deadline = timeout_usec > 0 ? now_usec() + timeout_usec : 0;
        int status;
        pid_t pid;

        assert_return(argv && argv[0], -EINVAL);

        pid = spawn_start(argv, env_extra, false, -1, output_fd, true, true);
        if (pid < 0)
                return negative_errno();
        (void) setpgid(pid, pid); /* both sides: no race with the kill below */
        for (;;) {
                pid_t p = waitpid(pid, &status, WNOHANG);
                if (p == pid)
                        break;
                if (p < 0 && errno != EINTR)
                        return negative_errno();
                if (interrupted) {
                        group_stop(pid, SPAWN_STOP_GRACE_USEC);
                        return -EINTR;
                }
                if (deadline > 0 && now_usec() >= deadline) {
                        group_stop(pid, SPAWN_STOP_GRACE_USEC);
                        return -ETIME;
                }
                (void) usleep(100 * 1000);
        }
        return status_to_result(status);
}

int spawn_and_wait_deadline(char * const *argv, char * const *env_extra, uint64_t timeout_usec) {
        return spawn_deadline_internal(argv, env_extra, timeout_usec, -1);
}

int spawn_and_wait_deadline_output(char * const *argv, char * const *env_extra, uint64_t timeout_usec, int output_fd) {
        assert_return(output_fd >= 0, -EBADF);
        return spawn_deadline_internal(argv, env_extra, timeout_usec, output_fd);
}
