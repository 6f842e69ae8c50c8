/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the running kernel says about its crash region and the image in it. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

typedef struct CrashRegion {
        bool loaded;          /* /sys/kernel/kexec_crash_loaded */
        uint64_t size;        /* /sys/kernel/kexec_crash_size: bytes reserved */
        bool have_range;      /* a "Crash kernel" range was found in /proc/iomem */
        uint64_t start, end;  /* inclusive, as /proc/iomem prints it (0 when not readable) */
        char *lockdown;       /* the active lockdown mode ("none", "integrity", …) or NULL */
} CrashRegion;

void crash_region_done(CrashRegion *r);

/* root is "" on the real system, a fake tree in tests. */
int crash_region_read(const char *root, CrashRegion *ret);
