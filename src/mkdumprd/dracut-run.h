/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dracut's run: its command line, the environment our module reads, and
 * its output made into the image (compressed by mkdumprd when it chose
 * zstd, synced). The only code that runs dracut. */
#pragma once

#include <stdbool.h>

#include "build-dir.h"
#include "build-inputs.h"

/* dracut's argv: our module only, the baked kdump.conf included as
 * /etc/kdump.conf and the capture's part of kdumpd.conf as
 * /etc/kdump/kdumpd.conf, the output in dir (its cpio when zstd), and the
 * admin's dracut_args. -errno when dracut_args cannot be split. */
int dracut_argv(const KdumpConfig *config, const char *kver, const BuildDir *dir, bool zstd, char ***ret);

/* The environment modules.d/99kdump reads (dracut-env.h), for the build
 * of in in dir; collector is the core collector's program, root_spec the
 * real root when an action mounts it. */
int dracut_env_for_build(const KdumpConfig *config, const BuildInputs *in, const BuildDir *dir, const char *collector,
                         const char *root_spec, char ***ret);

/* Runs argv with env and leaves dir->image complete, 0600 and synced.
 * Logs; -EIO when dracut fails. */
int dracut_run(char * const *argv, char * const *env, const char *kver, const BuildDir *dir, bool zstd,
               uint64_t timeout_usec);
