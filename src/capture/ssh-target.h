/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ssh dump target: the dump goes to user@server as a stream through
 * Dropbear's ssh client (dbclient, a fraction of OpenSSH's size with its
 * libraries), authenticated with the key mkdumprd converted into the image
 * and checked against the server's host keys recorded at build time. */
#pragma once

#include <stdint.h>
#include <time.h>

/* Where the image keeps what dbclient needs: HOME/.ssh/known_hosts and the key. */
#define CAPTURE_SSH_HOME "/etc/kdump/ssh"
#define CAPTURE_SSH_KEY CAPTURE_SSH_HOME "/id_dropbear"

typedef struct SshTarget {
        const char *destination; /* "user@10.0.0.1" */
        const char *home;        /* CAPTURE_SSH_HOME */
        const char *key;         /* CAPTURE_SSH_KEY */
        const char *client;      /* "dbclient" */
} SshTarget;

/* Creates <path>/<host>-<stamp> on the server (0700, path too when it is
 * missing; ".1", ".2", … appended when the name exists) and returns its
 * name there. Proves at the same time that the server answers, knows our
 * key and is the one we recorded. scratch: a local directory for the
 * server's answer. */
int ssh_dump_dir_create(const SshTarget *t, const char *path, const char *host, time_t now, uint64_t deadline_usec,
                        const char *scratch, char **ret_dir);

/* The directory the server said it made, from its output in file: the
 * marked line, which must name dir or dir.N; whatever a login shell
 * printed before it is skipped. -EPROTO when there is none. */
int ssh_dir_answer(const char *file, const char *dir, char **ret);

/* Copies the local file to <dir>/<name> on the server (0600). */
int ssh_send_file(const SshTarget *t, const char *local, const char *dir, const char *name, uint64_t deadline_usec);

/* Runs the collector (its argv, writing the flattened dump to stdout) into
 * <dir>/vmcore-incomplete on the server and renames that to vmcore.flat
 * when both ends succeeded. Returns 0, a collector or client exit status
 * (> 0), or -errno; -ECOMM, not logged, when the collector made no
 * progress for stall_usec (0: no watchdog) and both ends were killed. */
int ssh_save_vmcore(const SshTarget *t, char * const *collector, const char *dir, uint64_t deadline_usec,
                    uint64_t stall_usec);
