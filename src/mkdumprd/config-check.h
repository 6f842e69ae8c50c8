/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The checks of kdump.conf that only this machine can answer: do the hooks
 * exist and run, is the target there (target-check.c), does the collector
 * take its options, is a fence node really another host, can the actions
 * be carried out. Reported in the parser's "FILE:LINE: error: …" form,
 * before anything is built. */
#pragma once

#include "kdump-config.h"
#include "target-resolve.h"

/* Adds a finding on the line of c that set directive to diag, or returns
 * -ENOMEM from the calling check. */
#define CHECK_ADD(error, directive, ...)                                                                        \
        do {                                                                                                    \
                if (config_diagnostics_add(diag, kdump_config_source(c), kdump_config_line(c, directive), error, \
                                           __VA_ARGS__) < 0)                                                    \
                        return -ENOMEM;                                                                         \
        } while (0)

/* Adds what it finds to diag; returns -ENOMEM or 0. kver is the kernel the
 * image is for (extra_modules are looked up in its module tree). */
int config_check_machine(const KdumpConfig *c, const char *kver, ConfigDiagnostics *diag);

/* The same with the target looked up already: a build looks it up once
 * and hands it on. */
int config_check_resolved(const KdumpConfig *c, const char *kver, const ResolvedTarget *t, ConfigDiagnostics *diag);
