/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Children of the capture program with a deadline: nobody watches the
 * capture boot, so a helper that hangs (a server that never answers, an
 * ssh client asking a question nobody can answer) is killed when its time
 * is up, and the collector also when it stopped making progress. Children
 * run in their own session: no controlling terminal. */
#pragma once

#include <stdint.h>

/* Runs argv with stdin from stdin_fd and stdout to stdout_fd (-1: /dev/null
 * for stdin, the console for stdout), env_extra added to the environment.
 * Returns its exit status (0…255), 128+signal, -ETIME when it was killed at
 * deadline_usec (CLOCK_MONOTONIC; 0: no deadline), or -errno. */
int child_run(char * const *argv, char * const *env_extra, int stdin_fd, int stdout_fd, uint64_t deadline_usec);

/* child_run() with a stall watchdog: the child is also killed, and
 * -ECOMM returned (an errno nothing else on a dump's path returns, where
 * -ETIMEDOUT may come from an NFS soft mount), when its session (it and
 * what it started) read, wrote and computed nothing for stall_usec (0: no
 * watchdog; see proc-activity.h). A writer blocked on a target that
 * stopped taking data looks so; a slow one does not. */
int child_run_watched(char * const *argv, char * const *env_extra, int stdin_fd, int stdout_fd, uint64_t deadline_usec,
                      uint64_t stall_usec);

/* Runs producer | consumer. Returns 0 when both exit 0; otherwise the
 * first failure, producer's first, in child_run_watched()'s terms, with
 * *ret_which set to 0 (producer) or 1 (consumer). The watchdog watches the
 * producer: the consumer may stay busy (an ssh client's keepalives) while
 * the stream does not move. */
int child_run_pipe(char * const *producer, char * const *consumer, char * const *env_extra, uint64_t deadline_usec,
                   uint64_t stall_usec, int *ret_which);

/* Runs f(userdata) in a forked child: its own memory, the same mounts and
 * files. For a system call that may hang in the kernel, mount(2) on a disk
 * or server that stopped answering, which PID 1 must never make itself.
 * Returns what f returned (0 or -errno, passed as the exit status), -ETIME
 * when the child was killed at deadline_usec (0: none), -EIO when it died
 * otherwise, or -errno. */
int child_call(int (*f)(void *userdata), void *userdata, uint64_t deadline_usec);
