/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dump-target.h"

#include <errno.h>
#include <fcntl.h>
#include <libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block-device.h"
#include "macro.h"

void target_fs_done(TargetFs *t) {
        free(t->device);
        free(t->fstype);
        free(t->uuid);
        free(t->mountpoint);
        free(t->relpath);
        *t = (TargetFs) {};
}

static void mnt_unref_tablep(struct libmnt_table **t) {
        mnt_unref_table(*t);
}

static int join_rel(const char *fsroot, const char *rest, char **ret) {
        /* fsroot is "/" or "/subdir" (bind mounts, btrfs subvolumes); rest
         * is "" or "/…" */
        const char *root = strcmp(fsroot, "/") == 0 ? "" : fsroot;
        if (asprintf(ret, "%s%s", root, *rest ? rest : (*root ? "" : "/")) < 0)
                return -ENOMEM;
        return 0;
}

/* The mount that holds path: walks up the path string (the dump directory
 * may not exist yet), taking the last mount on each candidate, which is the
 * one on top. (mnt_table_find_mountpoint() returns nothing for a path that
 * does not exist in util-linux 2.38.) */
static struct libmnt_fs *find_mountpoint(struct libmnt_table *tb, const char *path) {
        _cleanup_free_ char *p = strdup(path);

        if (!p)
                return NULL;
        for (;;) {
                struct libmnt_fs *fs = mnt_table_find_target(tb, p, MNT_ITER_BACKWARD);
                if (fs)
                        return fs;
                char *slash = strrchr(p, '/');
                if (!slash)
                        return NULL;
                if (slash == p) {
                        if (p[1] == 0)
                                return NULL;
                        p[1] = 0;
                } else
                        *slash = 0;
        }
}

int target_fs_for_path(const char *mountinfo, const char *path, TargetFs *ret) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *tb = NULL;
        _cleanup_free_ char *device = NULL, *fstype = NULL, *uuid = NULL, *mp = NULL, *rel = NULL;
        struct libmnt_fs *fs;
        int r;

        assert_return(mountinfo && path && path[0] == '/' && ret, -EINVAL);

        tb = mnt_new_table_from_file(mountinfo);
        if (!tb)
                return errno > 0 ? -errno : -EIO;
        fs = find_mountpoint(tb, path);
        if (!fs)
                return -ENOENT;

        const char *src = mnt_fs_get_srcpath(fs), *type = mnt_fs_get_fstype(fs), *target = mnt_fs_get_target(fs);
        if (!src || src[0] != '/' || !type || !target)
                return -ENODEV;

        device = strdup(src);
        fstype = strdup(type);
        mp = strdup(target);
        if (!device || !fstype || !mp)
                return -ENOMEM;

        size_t n = strlen(target);
        const char *rest = strcmp(target, "/") == 0 ? path : path + n;
        r = join_rel(strempty(mnt_fs_get_root(fs)), rest, &rel);
        if (r < 0)
                return r;
        /* strip a trailing slash, but keep "/" */
        size_t rl = strlen(rel);
        while (rl > 1 && rel[rl - 1] == '/')
                rel[--rl] = 0;

        r = block_device_probe_value(device, "UUID", &uuid);
        if (r < 0 && r != -ENODATA)
                return r;

        *ret = (TargetFs) {
                .device = TAKE_PTR(device),
                .fstype = TAKE_PTR(fstype),
                .uuid = TAKE_PTR(uuid),
                .mountpoint = TAKE_PTR(mp),
                .relpath = TAKE_PTR(rel),
        };
        return 0;
}


int target_fs_mountpoint(const char *mountinfo, const char *devnode, char **ret) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *tb = NULL;
        struct libmnt_iter *it;
        struct libmnt_fs *fs;
        int r = -ENOENT;

        assert_return(mountinfo && devnode && ret, -EINVAL);
        tb = mnt_new_table_from_file(mountinfo);
        if (!tb)
                return -ENOENT;
        it = mnt_new_iter(MNT_ITER_FORWARD);
        if (!it)
                return -ENOMEM;
        while (r == -ENOENT && mnt_table_next_fs(tb, it, &fs) == 0) {
                const char *src = mnt_fs_get_srcpath(fs), *root = mnt_fs_get_root(fs);
                if (!src || strcmp(src, devnode) != 0 || !root || strcmp(root, "/") != 0)
                        continue;
                char *m = strdup(mnt_fs_get_target(fs));
                if (!m)
                        r = -ENOMEM;
                else {
                        *ret = m;
                        r = 0;
                }
        }
        mnt_free_iter(it);
        return r;
}
