/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"

static int spawn_internal(char * const *argv, char * const *env_extra, bool quiet, int stdin_fd, int stdout_fd) {
        int status;
        pid_t pid;

        assert_return(argv && argv[0], -EINVAL);

        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
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
                for (char * const *e = env_extra; e && *e; e++)
                        putenv(*e);
                execvp(argv[0], argv);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (WIFEXITED(status)) {
                if (WEXITSTATUS(status) == 127)
                        return -ENOENT;
                return WEXITSTATUS(status);
        }
        return 128 + WTERMSIG(status);
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

static void on_sigint_wait(int sig) {
        /* Nothing: waitpid() goes on (SA_RESTART) until the children are done. */
}

void spawn_wait_on_sigint(void) {
        struct sigaction wait_for_children = { .sa_handler = on_sigint_wait, .sa_flags = SA_RESTART };
        (void) sigaction(SIGINT, &wait_for_children, NULL);
}
