/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a helper program from an argv (never through a shell). */
#pragma once

/* Runs argv[0] (PATH is searched) with env_extra ("NAME=value") added to
 * the environment, waits for it, and returns its exit status (0…255), or
 * 128+signal if it was killed, or a negative errno if it could not run. */
int spawn_and_wait(char * const *argv, char * const *env_extra);

/* The same, with the child's stdout and stderr sent to /dev/null: for
 * programs asked a yes/no question whose chatter is not ours to show. */
int spawn_and_wait_quiet(char * const *argv, char * const *env_extra);

/* The same, with stdin and stdout from the given fds (-1: inherited). */
int spawn_and_wait_io(char * const *argv, char * const *env_extra, int stdin_fd, int stdout_fd);

/* SIGINT no longer ends this process, and a waitpid() in progress goes on
 * (SA_RESTART): the children, which get it too (dracut removes its
 * temporary directory on it), clean up, and this process after them. A
 * handler, not SIG_IGN: an ignored signal stays ignored across exec, a
 * handled one is reset to the default, so a program exec'd sets it again. */
void spawn_wait_on_sigint(void);
