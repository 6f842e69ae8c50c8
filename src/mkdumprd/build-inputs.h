/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Everything a build is made from, and the manifest of it: what decides
 * whether the image on disk is current. One sequence for a build and for
 * "kdumpctl status" (which input changed), so that they never disagree. */
#pragma once

#include <stdbool.h>

#include "initramfs-build.h"
#include "target-resolve.h"
#include "trace-target.h"

typedef struct BuildInputs {
        char **files, **hooks;   /* hashed; hooks also go into the image */
        char **extra_bins;       /* kdump.conf's extra_bins, split once as the shell would */
        ResolvedTarget target;   /* looked up once, handed to every step */
        TraceTarget trace;       /* where the capture leaves its trace for the next boot */
        char *baked;             /* the normalised kdump.conf, target made explicit */
        char *capture_settings;  /* the keys of kdumpd.conf the capture reads, in its syntax */
        char *lvm_plan, *lvm_disks;
        char *manifest;
        bool zstd;               /* the image compressed by mkdumprd (else by dracut) */
} BuildInputs;

void build_inputs_done(BuildInputs *in);

/* Looks the target up and collects the inputs for config and their
 * manifest. With check, the machine checks (config-check.h) run on the
 * target as it was found, and their errors refuse the build; without,
 * only what the inputs need is reported (kdumpctl status). Logs.
 * -ENETDOWN: see BuildPaths.waiting. */
int build_inputs_collect(const KdumpConfig *config, const char *config_path, const BuildPaths *p, bool check,
                         BuildInputs *ret);
