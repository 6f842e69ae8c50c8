/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Arming: configuration → capture initramfs → capture kernel loaded. */
#pragma once

#include <stdbool.h>

typedef struct ArmSettings {
        const char *config_path;  /* /etc/kdump.conf */
        const char *state_dir;    /* /var/lib/kdump */
        const char *root;         /* "" on the real system: prefix for /proc and /sys reads */
        bool force_rebuild;
} ArmSettings;

typedef struct ArmResult {
        char *kver;
        char *initrd;
        char *cmdline;
        unsigned long long crash_size;
} ArmResult;

void arm_result_done(ArmResult *r);

/* Parses the configuration, builds the initramfs if it is missing or
 * stale, and loads the capture kernel. A configuration with errors is
 * refused before anything is touched, so a loaded capture kernel stays
 * loaded. Logs what it does; returns -errno (-EINVAL: bad configuration). */
int capture_arm(const ArmSettings *s, ArmResult *ret);

/* Unloads the capture kernel. */
int capture_disarm(void);
