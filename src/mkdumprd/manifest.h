/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The manifest of a build: one line per input with its content's hash,
 * the target's identity and the baked configuration. The image on disk is
 * current when its manifest equals the one its inputs give now;
 * manifest-diff.c tells which line changed. */
#pragma once

#include "build-inputs.h"

/* The manifest of in; collector is the core collector's program (or NULL).
 * Hashes are remembered in the state directory between builds. */
int manifest_build(const BuildPaths *p, const BuildInputs *in, const char *collector, char **ret);
