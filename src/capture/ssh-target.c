/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "ssh-target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "child.h"
#include "deadline.h"
#include "dump-writer.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "target-ops.h"

/* Seconds between keepalives; Dropbear gives up on a server that misses
 * a few, so a dead server ends the stream instead of hanging it. */
#define SSH_KEEPALIVE_SEC "15"

/* The remote side runs one shell command; every value in it is quoted
 * (shell_quote), none is pasted in as it is. */
static int ssh_run(const SshTarget *t, const char *remote_command, int stdin_fd, int stdout_fd,
                   uint64_t deadline_usec) {
        _cleanup_strv_free_ char **env = NULL;
        char *argv[] = { (char *) t->client, (char *) "-i", (char *) t->key, (char *) "-K", (char *) SSH_KEEPALIVE_SEC,
                         (char *) t->destination, (char *) remote_command, NULL };

        if (strv_extendf(&env, "HOME=%s", t->home) < 0)
                return -ENOMEM;
        return child_run(argv, env, stdin_fd, stdout_fd, deadline_usec);
}

static int describe(int r, const char *what, const SshTarget *t) {
        if (r == -ETIME)
                return log_error_errno(-ETIMEDOUT, "ssh %s: no answer in time while trying to %s.", t->destination, what);
        if (r < 0)
                return log_error_errno(r, "ssh %s: cannot %s: %m", t->destination, what);
        if (r > 0)
                return log_error_errno(-EPROTO,
                                       "ssh %s: failed to %s (exit status %d): the server refused the key, its "
                                       "host key is not the one recorded when the image was built, or the command failed.",
                                       t->destination, what, r);
        return 0;
}

/* The line that names the directory made: a login shell that prints
 * (a banner, a profile's echo) comes before it on the same stream. */
#define SSH_DIR_MARK "kdumpd-dump-dir:"

int ssh_dir_answer(const char *file, const char *dir, char **ret) {
        _cleanup_free_ char *text = NULL;
        char *save = NULL;
        int r;

        assert_return(file && dir && ret, -EINVAL);
        r = read_full_file(file, &text, NULL);
        if (r < 0)
                return r;
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                if (strncmp(l, SSH_DIR_MARK, strlen(SSH_DIR_MARK)) != 0)
                        continue;
                l += strlen(SSH_DIR_MARK);
                /* dir itself, or dir.N when that was taken */
                size_t n = strlen(dir);
                if (strncmp(l, dir, n) != 0 || (l[n] && (l[n] != '.' || !l[n + 1] ||
                                                         strspn(l + n + 1, "0123456789") != strlen(l + n + 1))))
                        return -EPROTO;
                *ret = strdup(l);
                return *ret ? 0 : -ENOMEM;
        }
        return -EPROTO;
}

int ssh_dump_dir_create(const SshTarget *t, const char *path, const char *host, time_t now, uint64_t deadline_usec,
                        const char *scratch, char **ret_dir) {
        _cleanup_free_ char *name = NULL, *dir = NULL, *qpath = NULL, *qdir = NULL, *cmd = NULL, *answer = NULL,
                            *out = NULL;
        int r;

        assert_return(t && path && host && scratch && ret_dir, -EINVAL);
        r = dump_dir_name(host, now, &name);
        if (r < 0)
                return r;
        if (asprintf(&dir, "%s/%s", strcmp(path, "/") == 0 ? "" : path, name) < 0)
                return log_oom();
        qpath = shell_quote(path);
        qdir = shell_quote(dir);
        /* Always a new directory, as locally: a name that exists there (a
         * capture kernel without an RTC stamps every dump 1970-01-01) gets
         * ".1", ".2", …; the server says which one it made. */
        if (!qpath || !qdir ||
            asprintf(&cmd,
                     "umask 077 && mkdir -p -- %s && d=%s && n=0 && until mkdir -- \"$d\" 2>/dev/null; do "
                     "n=$((n + 1)); [ \"$n\" -lt 1000 ] || exit 1; d=%s.$n; done && printf '" SSH_DIR_MARK "%%s\\n' \"$d\"",
                     qpath, qdir, qdir) < 0 ||
            asprintf(&out, "%s/remote-dir", scratch) < 0)
                return log_oom();
        r = mkdir_p(scratch, 0700);
        if (r < 0)
                return log_error_errno(r, "Cannot create %s: %m", scratch);
        _cleanup_close_ int fd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0)
                return log_error_errno(-errno, "Cannot create %s: %m", out);
        r = ssh_run(t, cmd, -1, fd, deadline_usec);
        if (r != 0)
                return describe(r, "create the dump directory", t);
        r = ssh_dir_answer(out, dir, &answer);
        (void) unlink(out);
        if (r < 0)
                return log_error_errno(-EPROTO, "ssh %s: the server did not say which dump directory it made.",
                                       t->destination);
        log_info("kdump: created %s:%s (0700).", t->destination, answer);
        *ret_dir = TAKE_PTR(answer);
        return 0;
}

int ssh_send_file(const SshTarget *t, const char *local, const char *dir, const char *name, uint64_t deadline_usec) {
        _cleanup_free_ char *target = NULL, *qtarget = NULL, *cmd = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        assert_return(t && local && dir && name, -EINVAL);
        fd = open(local, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(-errno, "cannot open %s: %m", local);
        if (asprintf(&target, "%s/%s", dir, name) < 0 || !(qtarget = shell_quote(target)) ||
            asprintf(&cmd, "umask 077 && cat > %s", qtarget) < 0)
                return log_oom();
        r = ssh_run(t, cmd, fd, -1, deadline_usec);
        return describe(r, "copy the file", t);
}

int ssh_save_vmcore(const SshTarget *t, char * const *collector, const char *dir, uint64_t deadline_usec,
                    uint64_t stall_usec) {
        _cleanup_free_ char *tmp = NULL, *final = NULL, *qtmp = NULL, *qfinal = NULL, *cmd = NULL, *mv = NULL;
        _cleanup_strv_free_ char **env = NULL;
        int which = 0, r;

        assert_return(t && collector && collector[0] && dir, -EINVAL);
        if (asprintf(&tmp, "%s/vmcore-incomplete", dir) < 0 || asprintf(&final, "%s/vmcore.flat", dir) < 0 ||
            !(qtmp = shell_quote(tmp)) || !(qfinal = shell_quote(final)) ||
            asprintf(&cmd, "umask 077 && cat > %s", qtmp) < 0 || asprintf(&mv, "mv -- %s %s", qtmp, qfinal) < 0 ||
            strv_extendf(&env, "HOME=%s", t->home) < 0)
                return log_oom();
        char *client[] = { (char *) t->client, (char *) "-i", (char *) t->key, (char *) "-K", (char *) SSH_KEEPALIVE_SEC,
                           (char *) t->destination, cmd, NULL };

        /* A dead server ends the client through the keepalives. A live one
         * whose remote side stopped reading still answers them: the stall
         * watchdog ends that; the deadline (which grows with the memory
         * read) ends everything else. */
        r = child_run_pipe(collector, client, env, deadline_usec, stall_usec, &which);
        if (r == -ECOMM)
                return r; /* the step says why */
        if (r != 0) {
                if (which == 0)
                        return r < 0 ? log_error_errno(r, "core_collector \"%s\" failed: %m", collector[0]) : r;
                return describe(r, "stream the dump", t);
        }
        /* Only a whole stream gets the final name. */
        r = ssh_run(t, mv, -1, -1, deadline_after_sec(60));
        if (r != 0)
                return describe(r, "rename vmcore-incomplete to vmcore.flat", t);
        log_info("kdump: saved %s:%s.", t->destination, final);
        return 0;
}

/* Creating the dump directory is what proves that the server answers,
 * takes our key and has the host key we recorded. */
static int ssh_op_wait(Capture *c) {
        return capture_dump_dir_ensure(c);
}

static int ssh_op_dump_dir_create(Capture *c, const char *path) {
        return ssh_dump_dir_create(&c->ssh, path, c->host, time(NULL), c->target_deadline, c->scratch_dir,
                                   &c->dump_dir);
}

static int ssh_op_send_file(Capture *c, const char *local, const char *name, uint64_t deadline_usec) {
        return ssh_send_file(&c->ssh, local, c->dump_dir, name, deadline_usec);
}

static int ssh_op_save_vmcore(Capture *c, char * const *collector) {
        _cleanup_strv_free_ char **argv = NULL;

        if (strv_extend_strv(&argv, collector) < 0 || strv_extend(&argv, c->vmcore) < 0)
                return -ENOMEM;
        return ssh_save_vmcore(&c->ssh, argv, c->dump_dir, capture_step_deadline(c, CAPTURE_DUMP_VMCORE),
                               capture_dump_stall_usec(c));
}

/* "user@host:path/<host>-<stamp>". */
static int ssh_op_trace_location(const Capture *c, char **ret) {
        if (!c->ssh.destination || !c->dump_dir)
                return -EINVAL;
        return asprintf(ret, "%s:%s", c->ssh.destination, c->dump_dir) < 0 ? -ENOMEM : 0;
}

/* Nothing to mount: files go to the server through local memory. */
const TargetOps target_ops_ssh = {
        .network = true,
        .wait = ssh_op_wait,
        .dump_dir_create = ssh_op_dump_dir_create,
        .send_file = ssh_op_send_file,
        .save_vmcore = ssh_op_save_vmcore,
        .saved_as = ".flat on the ssh server",
        .trace_kind = CRASH_DUMP_SSH,
        .trace_location = ssh_op_trace_location,
};
