/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A build's private directory in the state directory: everything dracut
 * reads from us, and the image it writes until the image is handed on.
 * It may hold the converted ssh key, so it goes whatever happens; and the
 * lock that makes builds take turns in the state directory. */
#pragma once

typedef struct BuildDir {
        char *path;     /* <state_dir>/.build.XXXXXX */
        char *config;   /* kdump.conf: the baked configuration */
        char *settings; /* kdumpd.conf: the keys of it the capture reads */
        char *confdir;  /* dracut.conf.d, empty: dracut's --confdir */
        char *image;    /* initramfs.img, until it is handed on */
        char *cpio;     /* initramfs.cpio: dracut's output when mkdumprd compresses */
        char *lvm_plan; /* lvm: an LVM target's plan, once written */
        char *tmpdir;   /* dracut-tmp: dracut's --tmpdir, its staging tree */
} BuildDir;

/* Creates the directory (0700) and dracut.conf.d in it. Logs. */
int build_dir_create(const char *state_dir, BuildDir *ret);

/* Writes text into the file name in the directory, 0600; *ret_path (if
 * given) is its path. Logs. */
int build_dir_write(const BuildDir *d, const char *name, const char *text, char **ret_path);

/* Removes dracut's inputs, and the image and the directory unless they
 * were handed on. */
void build_dir_done(BuildDir *d);

/* Removes dracut's inputs and hands the image and its directory on. */
void build_dir_hand_on(BuildDir *d, char **ret_dir, char **ret_image);

/* One build at a time, whoever starts it (kdumpd, mkdumprd, kdumpctl
 * rebuild): they share the state directory and its temp names. Creates
 * state_dir; waits for another build. Logs. */
int state_dir_lock(const char *state_dir, int *ret_fd);

/* Removes the build directories of builds that were killed; call it with
 * the lock held. */
void build_dirs_remove_stale(const char *state_dir);
