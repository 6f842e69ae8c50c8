/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the capture image is told about where things are: kdump.conf as
 * the capture program will read it, the target made explicit (a path →
 * the filesystem that holds it, a raw device's link → its node, a server
 * → its address), and the real root when an action mounts it. */
#pragma once

#include "target-resolve.h"

/* The baked configuration's text, from the target as it was found (with
 * its network plan). Logs what is missing in the "FILE: error: …" form. */
int config_bake(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t, char **ret_text);

/* The real root as the capture image finds it again, "SPEC FSTYPE PATH";
 * NULL when no action mounts it. Logs. */
int root_spec_bake(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t, char **ret_spec);
