/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture initramfs: its inputs, the manifest that says whether the
 * image on disk was built from them, and the dracut run that builds it.
 * This is the only code that runs dracut. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kdump-config.h"
#include "kdumpd-settings.h"

#define KDUMP_STATE_DIR "/var/lib/kdump"
/* In the state directory: the configuration baked into the image that is
 * loaded, which each arming that loads an image writes. The boot after a
 * crash looks for a raw target's dump where that image wrote it (the
 * device's identity and size, as mkdumprd baked them). */
#define KDUMP_LOADED_CONFIG_FILE "loaded-kdump.conf"

typedef struct BuildPaths {
        const char *state_dir;   /* KDUMP_STATE_DIR */
        const char *kver;        /* kernel release the image is for */
        const char *kernel;      /* that kernel's image, /boot/vmlinuz-<kver> */
        /* kdumpd.conf, for what the capture reads of it (baked into the
         * image as its /etc/kdump/kdumpd.conf); NULL: the defaults. */
        const KdumpdSettings *settings;
        /* Called once dracut is about to run (the image is not up to
         * date): kdumpd tells systemd it is ready instead of holding boot. */
        void (*building)(const char *kver, void *userdata);
        /* Called when a network dump server cannot be reached yet (the
         * build then fails with -ENETDOWN): why names the server and what
         * is missing, so that kdumpd can say what it waits for. */
        void (*waiting)(const char *why, void *userdata);
        void *userdata;
        /* How long dracut may run; 0: no limit (a hung build then hangs
         * its caller). kdumpd.conf's build_timeout. */
        uint64_t build_timeout_usec;
} BuildPaths;

typedef enum BuildOutcome {
        BUILD_UP_TO_DATE,
        BUILD_BUILT,
} BuildOutcome;

/* Where the image for kver lives: <state_dir>/initramfs-<kver>.img */
int initramfs_path(const BuildPaths *p, char **ret);

/* A build between its two halves: the new image is complete and synced in
 * a private directory, the old one still in place, the state directory
 * locked against other builds. */
typedef struct StagedImage {
        int lock_fd;          /* flock on <state_dir>/.lock, held until done */
        char *final;          /* <state_dir>/initramfs-<kver>.img */
        char *image;          /* the new image, or NULL when final is up to date */
        char *tmpdir;         /* the directory that holds it */
        char *manifest_path;
        char *manifest;       /* written on commit */
        char *baked;          /* the configuration baked into the image (new or up to date) */
} StagedImage;

/* Releases the lock and removes an image that was not committed. */
void staged_image_done(StagedImage *s);

/* Builds the capture initramfs for config into a private directory,
 * unless the image on disk was built from the same inputs (or force).
 * Returns a BuildOutcome, or -errno (-EINVAL: the configuration cannot be
 * built for this machine, already logged as FILE: error: …; -ENETDOWN: a
 * network dump server cannot be reached yet, see BuildPaths.waiting). */
int initramfs_stage(const KdumpConfig *config, const char *config_path, const BuildPaths *p, bool force,
                    StagedImage *ret);

/* Renames the staged image into place and writes its manifest: after it
 * was loaded, so that an image that builds but does not load never
 * replaces a good one. */
int initramfs_commit(StagedImage *s);

/* Stage and commit at once: for mkdumprd, which loads nothing. */
int initramfs_ensure(const KdumpConfig *config, const char *config_path, const BuildPaths *p, bool force);

/* Fills a BuildPaths for the running kernel (uname -r) or for kver. The
 * strings point into storage owned by the caller's buffers. */
int build_paths_for_kernel(const char *kver, char **ret_kver, char **ret_kernel);

/* The manifest the configuration gives now (ret_current) and the one the
 * image on disk was built from (ret_built, NULL when there is none),
 * without building: for kdumpctl status to say which input changed since
 * the last build. Resolves the target as a build does, and logs as one. */
int initramfs_manifest_current(const KdumpConfig *config, const char *config_path, const BuildPaths *p,
                               char **ret_current, char **ret_built);
