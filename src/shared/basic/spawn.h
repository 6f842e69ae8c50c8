/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a helper program from an argv (never through a shell). */
#pragma once

#include <stdint.h>

/* Runs argv[0] (PATH is searched) with env_extra ("NAME=value") added to
 * the environment, waits for it, and returns its exit status (0…255), or
 * 128+signal if it was killed, or a negative errno if it could not run. */
int spawn_and_wait(char * const *argv, char * const *env_extra);

/* The same, with the child's stdout and stderr sent to /dev/null: for
 * programs asked a yes/no question whose chatter is not ours to show. */
int spawn_and_wait_quiet(char * const *argv, char * const *env_extra);

/* The same, with stdin and stdout from the given fds (-1: inherited). */
int spawn_and_wait_io(char * const *argv, char * const *env_extra, int stdin_fd, int stdout_fd);

/* How long a stopped child (SIGINT) has to clean up before SIGKILL:
 * less than kdumpd's own 30 s for a stopped arming. */
#define SPAWN_STOP_GRACE_USEC (20ULL * 1000000)

/* spawn_and_wait(), in a process group of its own, with a deadline
 * (timeout_usec 0: none): past it, the group gets SIGINT, then SIGKILL
 * SPAWN_STOP_GRACE_USEC later, and -ETIME is returned. A SIGINT to this
 * process (with spawn_wait_on_sigint()) is passed on the same way and
 * gives -EINTR. */
int spawn_and_wait_deadline(char * const *argv, char * const *env_extra, uint64_t timeout_usec);

/* spawn_and_wait_deadline(), with the child's stdout and stderr both
 * written to output_fd: for a program whose report is read back. */
int spawn_and_wait_deadline_output(char * const *argv, char * const *env_extra, uint64_t timeout_usec, int output_fd);

/* SIGINT no longer ends this process, and a waitpid() in progress goes on
 * (SA_RESTART): the children, which get it too (dracut removes its
 * temporary directory on it), clean up, and this process after them. A
 * handler, not SIG_IGN: an ignored signal stays ignored across exec, a
 * handled one is reset to the default, so a program exec'd sets it again. */
void spawn_wait_on_sigint(void);
