/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the capture image is told about where things are: kdump.conf as
 * the capture program will read it, the target made explicit (a path →
 * the filesystem that holds it, a raw device's link → its node, a server
 * → its address), and the real root when an action mounts it. */
#pragma once

#include "dump-target.h"
#include "initramfs-build.h"
#include "net-target.h"

/* The baked configuration's text; the target's filesystem and network
 * plan as it found them. Logs in the "FILE: error: …" form. */
int config_bake(const KdumpConfig *config, const char *config_path, const BuildPaths *p, TargetFs *ret_target,
                NetTarget *ret_net, char **ret_text);

/* The real root as the capture image finds it again, "SPEC FSTYPE PATH"
 * (NULL when no action mounts it), and its filesystem. Logs. */
int root_spec_bake(const KdumpConfig *config, const char *config_path, TargetFs *ret_root, char **ret_spec);
