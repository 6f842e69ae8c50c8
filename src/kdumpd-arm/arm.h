/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Arming: configuration → capture initramfs → capture kernel loaded. */
#pragma once

#include <stdbool.h>

#include "arm-protocol.h"
#include "kdump-config.h"
#include "kdumpd-settings.h"

typedef struct ArmOptions {
        const char *config_path;   /* /etc/kdump.conf */
        const char *settings_path; /* /etc/kdump/kdumpd.conf */
        const char *state_dir;     /* /var/lib/kdump */
        const char *root;          /* "" on the real system: prefix for /proc, /sys and /boot reads */
        bool force_rebuild;
        /* See BuildPaths.building and .waiting. */
        void (*building)(const char *kver, void *userdata);
        void (*waiting)(const char *why, void *userdata);
        void *userdata;
} ArmOptions;

/* What one arming is made from: both files, parsed and checked. */
typedef struct ArmInputs {
        KdumpConfig *config;
        KdumpdSettings *settings;
} ArmInputs;

void arm_inputs_done(ArmInputs *in);

/* Parses kdump.conf and kdumpd.conf (a missing kdumpd.conf: defaults) and
 * logs every diagnostic of both. Returns -EINVAL when either has errors,
 * another -errno when one cannot be read (both logged), or 0. */
int arm_inputs_load(const ArmOptions *o, ArmInputs *ret);

/* Builds the initramfs if it is missing or stale, and loads the capture
 * kernel. Warns when the dump filesystem is short of min_free_mb. Nothing
 * that is loaded is touched before the load itself, so a failure before it
 * keeps a loaded capture kernel. A failed load (the kernel has freed what
 * was loaded by then) loads previous again, what an earlier call returned;
 * without one (the first arming), the image on disk beside a new one that
 * failed. Logs what it does; returns -errno. */
int capture_arm(const ArmOptions *o, const ArmInputs *in, const ArmResult *previous, ArmResult *ret);

/* What a failed load loads again (the kernel freed what was loaded):
 * nothing when the kernel still has it (refused before freeing); else the
 * previous arming's kernel, image and command line; on the first arming,
 * the image on disk, only when a new image was built beside it and the
 * old one is readable. Returns whether there is something to load. */
typedef struct ArmFallback {
        const char *kernel, *initrd, *cmdline;
} ArmFallback;
bool arm_fallback_choose(bool still_loaded, const ArmResult *previous, const char *kernel, const char *img,
                         const char *cmdline, bool new_image, bool img_readable, ArmFallback *ret);
