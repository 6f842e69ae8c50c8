/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dump-writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "child.h"
#include "strv.h"

/* The dump directory is always a new one: a name that exists (a second
 * crash in the same second, or every crash on a machine without an RTC,
 * which all start in 1970) gets a suffix, and nothing planted there in
 * advance, a symlink least of all, is ever used or followed. */
int dump_dir_name(const char *host, time_t now, char **ret) {
        char stamp[32];
        struct tm tm;

        assert_return(host && ret, -EINVAL);
        if (!gmtime_r(&now, &tm) || strftime(stamp, sizeof(stamp), "%Y-%m-%d-%H:%M:%S", &tm) == 0)
                return -EINVAL;
        return asprintf(ret, "%s-%s", host, stamp) < 0 ? -ENOMEM : 0;
}

/* The new directory under base_fd (which base names). */
static int dump_dir_make_at(int base_fd, const char *base, const char *host, time_t now, char **ret_dir) {
        _cleanup_free_ char *first = NULL;
        int r;

        r = dump_dir_name(host, now, &first);
        if (r < 0)
                return r;
        for (unsigned n = 0; n < 1000; n++) {
                _cleanup_free_ char *name = NULL;
                if ((n == 0 ? asprintf(&name, "%s", first) : asprintf(&name, "%s.%u", first, n)) < 0)
                        return -ENOMEM;
                if (mkdirat(base_fd, name, 0700) < 0) {
                        if (errno == EEXIST)
                                continue;
                        return negative_errno();
                }
                /* mkdir honours the umask; make the mode exact, on the
                 * directory just made and not on whatever a path names. */
                _cleanup_close_ int fd = openat(base_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 || fchmod(fd, 0700) < 0)
                        return negative_errno();
                char *dir;
                if (asprintf(&dir, "%s/%s", base, name) < 0)
                        return -ENOMEM;
                *ret_dir = dir;
                return 0;
        }
        return -EEXIST;
}

int dump_dir_create(const char *base, const char *host, time_t now, char **ret_dir) {
        int r;

        assert_return(base && host && ret_dir, -EINVAL);
        r = mkdir_p(base, 0700);
        if (r < 0)
                return r;
        _cleanup_close_ int base_fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (base_fd < 0)
                return negative_errno();
        return dump_dir_make_at(base_fd, base, host, now, ret_dir);
}

int dir_open_beneath(const char *root, const char *relpath, mode_t mode, int *ret_fd) {
        _cleanup_free_ char *copy = NULL;
        _cleanup_close_ int fd = -EBADF;
        char *save = NULL;

        assert_return(root && relpath && ret_fd, -EINVAL);
        copy = strdup(relpath);
        if (!copy)
                return -ENOMEM;
        fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, ".") == 0)
                        continue;
                if (strcmp(c, "..") == 0)
                        return -EXDEV;
                if (mkdirat(fd, c, mode) < 0 && errno != EEXIST)
                        return negative_errno();
                /* A symlink, whatever it points to, is refused (O_NOFOLLOW
                 * with O_DIRECTORY says ENOTDIR for it: ask first). */
                struct stat st;
                if (fstatat(fd, c, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return negative_errno();
                if (S_ISLNK(st.st_mode))
                        return -ELOOP;
                int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0)
                        return negative_errno();
                close(fd);
                fd = next;
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int dump_dir_create_beneath(const char *root, const char *relpath, const char *host, time_t now, char **ret_dir) {
        _cleanup_free_ char *base = NULL;
        _cleanup_close_ int base_fd = -EBADF;
        int r;

        assert_return(root && relpath && host && ret_dir, -EINVAL);
        r = dir_open_beneath(root, relpath, 0700, &base_fd);
        if (r < 0)
                return r;
        if (asprintf(&base, "%s%s%s", root, relpath[0] == '/' ? "" : "/", strcmp(relpath, "/") == 0 ? "" : relpath) < 0)
                return -ENOMEM;
        return dump_dir_make_at(base_fd, base, host, now, ret_dir);
}

static int sync_file(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (fchmod(fd, 0600) < 0 || fsync(fd) < 0)
                return negative_errno();
        return 0;
}

/* Runs argv (stdin from stdin_fd; -1: /dev/null) with a umask that makes
 * every file it creates 0600, then syncs and renames tmp to final. */
static int run_into_from(char * const *argv, int stdin_fd, const char *tmp, const char *final,
                         uint64_t deadline_usec, uint64_t stall_usec) {
        mode_t old = umask(0077);
        int r = child_run_watched(argv, NULL, stdin_fd, -1, deadline_usec, stall_usec);
        umask(old);
        if (r != 0)
                return r;
        r = sync_file(tmp);
        if (r < 0)
                return r;
        if (rename(tmp, final) < 0)
                return negative_errno();
        return fsync_parent_dir(final);
}

static int run_into(char * const *argv, const char *tmp, const char *final, uint64_t deadline_usec,
                    uint64_t stall_usec) {
        return run_into_from(argv, -1, tmp, final, deadline_usec, stall_usec);
}

int dump_save_dmesg(const char *vmcore, const char *dir, uint64_t deadline_usec) {
        _cleanup_free_ char *tmp = NULL, *final = NULL;

        assert_return(vmcore && dir, -EINVAL);
        if (asprintf(&tmp, "%s/vmcore-dmesg-incomplete.txt", dir) < 0 ||
            asprintf(&final, "%s/vmcore-dmesg.txt", dir) < 0)
                return -ENOMEM;
        char *argv[] = { (char *) "makedumpfile", (char *) "--dump-dmesg", (char *) vmcore, tmp, NULL };
        return run_into(argv, tmp, final, deadline_usec, 0);
}

int dump_save_vmcore(const char *vmcore, const char *dir, char * const *core_collector, uint64_t deadline_usec,
                     uint64_t stall_usec) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *tmp = NULL, *final = NULL;

        assert_return(vmcore && dir && core_collector && core_collector[0], -EINVAL);
        if (asprintf(&tmp, "%s/vmcore-incomplete", dir) < 0 || asprintf(&final, "%s/vmcore", dir) < 0 ||
            strv_extend_strv(&argv, core_collector) < 0)
                return -ENOMEM;
        /* A stream target's collector (ssh, raw: "-F" added to it) writing
         * to a file instead (dump_to_rootfs, a capture boot): makedumpfile
         * refuses -F with an output file. */
        strv_remove(argv, "-F");
        if (strv_extend(&argv, vmcore) < 0 || strv_extend(&argv, tmp) < 0)
                return -ENOMEM;
        return run_into(argv, tmp, final, deadline_usec, stall_usec);
}

/* makedumpfile -R reads the flattened stream up to its end marker, so what
 * follows it on a device is never read. */
int dump_restore_vmcore(int flat_fd, const char *dir, uint64_t deadline_usec) {
        _cleanup_free_ char *tmp = NULL, *final = NULL;

        assert_return(flat_fd >= 0 && dir, -EINVAL);
        if (asprintf(&tmp, "%s/vmcore-incomplete", dir) < 0 || asprintf(&final, "%s/vmcore", dir) < 0)
                return -ENOMEM;
        char *argv[] = { (char *) "makedumpfile", (char *) "-R", tmp, NULL };
        return run_into_from(argv, flat_fd, tmp, final, deadline_usec, 0);
}
