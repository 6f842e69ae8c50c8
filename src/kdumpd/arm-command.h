/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpd-arm's command line. kdumpd runs it in the worker it forks for
 * each arming, and in place of itself in a capture boot: the daemon
 * itself then links no configuration parser, no dracut driver, no hasher
 * (only libsystemd), and stays small while it waits. Everything an arming
 * needs from the daemon is on the command line:
 *
 *   kdumpd-arm [--config FILE] [--settings FILE] [--state-dir DIR] [--root DIR]
 *              [--report-fd N] [--first] [--force] [--loaded LINE]
 *   kdumpd-arm --capture-boot [--config FILE] [--settings FILE]
 *
 * --report-fd: where the "busy", "armed" and "failed" lines go (see
 * kdumpd-arm.c); --first: the daemon's first arming, which prunes, restores
 * and reports dumps; --force: rebuild even if up to date; --loaded: what is
 * loaded now, in arm_result_format()'s form, loaded again if the new load
 * fails. */
#pragma once

#include <stdbool.h>

#include "arm-result.h"

typedef enum ArmMode {
        ARM_MODE_ARM,
        ARM_MODE_CAPTURE_BOOT,
} ArmMode;

typedef struct ArmCommand {
        ArmMode mode;
        const char *config_path;   /* NULL: the default, in this and the next three */
        const char *settings_path;
        const char *state_dir;
        const char *root;
        int report_fd;             /* -EBADF: none */
        bool first;
        bool force;
        ArmResult loaded;          /* loaded.initrd NULL: nothing is loaded */
} ArmCommand;

void arm_command_done(ArmCommand *c);

/* The argv that runs program with c (a NULL-terminated strv). */
int arm_command_to_argv(const ArmCommand *c, const char *program, char ***ret);

/* The reverse: the paths point into argv, loaded is owned. Logs and
 * returns -EINVAL on a usage error. */
int arm_command_parse(int argc, char *argv[], ArmCommand *ret);
