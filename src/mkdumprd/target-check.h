/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine checks of the dump target (config-check.h), from the target
 * as target_resolve() found it: is it on this machine, is a raw device
 * empty, is path there on a mounted target, can the capture image handle
 * the device's stack, can the server be reached with what the image
 * carries. One row per kind of target says what is checked. */
#pragma once

#include <stdbool.h>

#include "target-resolve.h"

/* The target's device, if it has one: checked first. */
int target_check_device(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag);

/* The target's server, if it has one: checked after the other directives,
 * since a server that does not answer takes seconds. */
int target_check_server(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag);

/* Whether the target takes makedumpfile's flattened stream (-F) on
 * standard output: a stream (ssh, raw) does, a file target does not. */
bool target_takes_flattened(DumpTargetType type);
