/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where a dump goes on disk: the filesystem that holds a path (libmount)
 * and its identity (libblkid, block-device.h). */
#pragma once

typedef struct TargetFs {
        char *device;     /* the block device, e.g. "/dev/vda1" */
        char *fstype;     /* "ext4" */
        char *uuid;       /* filesystem UUID, or NULL if it has none */
        char *mountpoint; /* where it is mounted now */
        char *relpath;    /* the path, relative to the filesystem's root */
} TargetFs;

void target_fs_done(TargetFs *t);

/* Finds the mounted filesystem that holds path (which need not exist yet).
 * mountinfo is normally "/proc/self/mountinfo". -ENODEV when it is not a
 * block-device filesystem (tmpfs, nfs, …). */
int target_fs_for_path(const char *mountinfo, const char *path, TargetFs *ret);

/* Where the root of the filesystem on devnode is mounted (the first such
 * mount in mountinfo); -ENOENT when it is not, or only a subdirectory of
 * it is, which tells nothing about a path on it. */
int target_fs_mountpoint(const char *mountinfo, const char *devnode, char **ret);
