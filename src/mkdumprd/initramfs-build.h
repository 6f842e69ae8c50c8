/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture initramfs: its inputs, the manifest that says whether the
 * image on disk was built from them, and the dracut run that builds it.
 * This is the only code that runs dracut. */
#pragma once

#include <stdbool.h>

#include "kdump-config.h"

#define KDUMP_STATE_DIR "/var/lib/kdump"

typedef struct BuildPaths {
        const char *state_dir;   /* KDUMP_STATE_DIR */
        const char *kver;        /* kernel release the image is for */
        const char *kernel;      /* that kernel's image, /boot/vmlinuz-<kver> */
} BuildPaths;

typedef enum BuildOutcome {
        BUILD_UP_TO_DATE,
        BUILD_BUILT,
} BuildOutcome;

/* Where the image for kver lives: <state_dir>/initramfs-<kver>.img */
int initramfs_path(const BuildPaths *p, char **ret);

/* Builds the capture initramfs for config unless the image on disk was
 * built from the same inputs (or force). The old image stays in place
 * until the new one is complete and synced. Logs what it does. Returns a
 * BuildOutcome, or -errno (-EINVAL: the configuration cannot be built for
 * this machine, already logged as FILE: error: …). */
int initramfs_ensure(const KdumpConfig *config, const char *config_path, const BuildPaths *p, bool force);

/* Fills a BuildPaths for the running kernel (uname -r) or for kver. The
 * strings point into storage owned by the caller's buffers. */
int build_paths_for_kernel(const char *kver, char **ret_kver, char **ret_kernel);
