/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "build-dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"

#define BUILD_DIR_PREFIX ".build."
/* dracut --tmpdir: inside the private directory, removed with it. */
#define BUILD_DIR_DRACUT_TMP "dracut-tmp"

/* What dracut reads from us (and the cpio it writes before mkdumprd
 * compresses it): the ssh key's converted copy is one of them. */
static const char *const build_dir_inputs[] = { "kdump.conf", "kdumpd.conf", "net", "known_hosts", "id_dropbear", "lvm", "initramfs.cpio" };

static void build_dir_remove_inputs(const BuildDir *d) {
        if (!d->path)
                return;
        for (size_t i = 0; i < ELEMENTSOF(build_dir_inputs); i++) {
                _cleanup_free_ char *f = NULL;
                if (asprintf(&f, "%s/%s", d->path, build_dir_inputs[i]) >= 0)
                        (void) unlink(f);
        }
        if (d->confdir)
                (void) rmdir(d->confdir);
        /* dracut's own staging tree (--tmpdir): what a stopped or killed
         * dracut left, the ssh key's copy among it. */
        _cleanup_close_ int fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0)
                (void) rm_rf_at(fd, BUILD_DIR_DRACUT_TMP, 64);
}

void build_dir_done(BuildDir *d) {
        build_dir_remove_inputs(d);
        if (d->image) /* not handed on: a failed build */
                (void) unlink(d->image);
        if (d->path)
                (void) rmdir(d->path);
        free(d->path);
        free(d->config);
        free(d->settings);
        free(d->confdir);
        free(d->image);
        free(d->cpio);
        free(d->lvm_plan);
        free(d->tmpdir);
        *d = (BuildDir) {};
}

void build_dir_hand_on(BuildDir *d, char **ret_dir, char **ret_image) {
        build_dir_remove_inputs(d);
        *ret_dir = TAKE_PTR(d->path);
        *ret_image = TAKE_PTR(d->image);
}

int build_dir_create(const char *state_dir, BuildDir *ret) {
        _cleanup_(build_dir_done) BuildDir d = {};
        _cleanup_free_ char *template = NULL;

        if (asprintf(&template, "%s/" BUILD_DIR_PREFIX "XXXXXX", state_dir) < 0)
                return log_oom();
        if (!mkdtemp(template))
                return log_error_errno(-errno, "Failed to create a build directory in \"%s\": %m", state_dir);
        d.path = TAKE_PTR(template);
        if (asprintf(&d.config, "%s/kdump.conf", d.path) < 0 || asprintf(&d.settings, "%s/kdumpd.conf", d.path) < 0 ||
            asprintf(&d.image, "%s/initramfs.img", d.path) < 0 ||
            asprintf(&d.cpio, "%s/initramfs.cpio", d.path) < 0 || asprintf(&d.confdir, "%s/dracut.conf.d", d.path) < 0 ||
            asprintf(&d.tmpdir, "%s/" BUILD_DIR_DRACUT_TMP, d.path) < 0)
                return log_oom();
        if (mkdir(d.confdir, 0700) < 0 || mkdir(d.tmpdir, 0700) < 0)
                return log_error_errno(-errno, "Failed to create \"%s\": %m", d.confdir);
        *ret = d;
        d = (BuildDir) {};
        return 0;
}

int build_dir_write(const BuildDir *d, const char *name, const char *text, char **ret_path) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (asprintf(&path, "%s/%s", d->path, name) < 0)
                return log_oom();
        r = write_file_atomic(path, text, strlen(text), 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to write \"%s\": %m", path);
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        return 0;
}

int state_dir_lock(const char *state_dir, int *ret_fd) {
        _cleanup_free_ char *path = NULL;
        int r = mkdir_p(state_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create \"%s\": %m", state_dir);
        if (asprintf(&path, "%s/.lock", state_dir) < 0)
                return log_oom();
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return log_error_errno(-errno, "Failed to open \"%s\": %m", path);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno != EWOULDBLOCK)
                        return log_error_errno(-errno, "Failed to lock \"%s\": %m", path);
                log_info("Another build of the capture initramfs is running; waiting for it.");
                if (flock(fd, LOCK_EX) < 0)
                        return log_error_errno(-errno, "Failed to lock \"%s\": %m", path);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* A build that was killed (a stop timeout, Ctrl-C, OOM) leaves its private
 * directory, which may hold the converted ssh key: with the lock held none
 * is in use, so every one left is removed. */
void build_dirs_remove_stale(const char *state_dir) {
        _cleanup_close_ int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = dfd >= 0 ? fdopendir(dup(dfd)) : NULL;
        struct dirent *de;

        if (!d)
                return;
        while ((de = readdir(d))) {
                if (strncmp(de->d_name, BUILD_DIR_PREFIX, strlen(BUILD_DIR_PREFIX)) != 0)
                        continue;
                int bfd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                DIR *b = bfd >= 0 ? fdopendir(bfd) : NULL;
                if (!b) {
                        if (bfd >= 0)
                                close(bfd);
                        continue;
                }
                /* Files, dracut.conf.d (empty) and dracut's staging tree. */
                (void) rm_rf_at(dirfd(b), BUILD_DIR_DRACUT_TMP, 64);
                for (struct dirent *e; (e = readdir(b));)
                        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                            unlinkat(dirfd(b), e->d_name, 0) < 0 && errno == EISDIR)
                                (void) unlinkat(dirfd(b), e->d_name, AT_REMOVEDIR);
                closedir(b);
                if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) == 0)
                        log_notice("Removed \"%s/%s\", left by an interrupted build.", state_dir, de->d_name);
        }
        closedir(d);
}
