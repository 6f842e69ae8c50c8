/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The checks of kdump.conf that only this machine can answer: do the hooks
 * exist and run, is the target there, does the collector take its
 * options, is a fence node really another host. Reported in the parser's
 * "FILE:LINE: error: …" form, before anything is built. */
#pragma once

#include "kdump-config.h"

/* Adds what it finds to diag; returns -ENOMEM or 0. kver is the kernel the
 * image is for (extra_modules are looked up in its module tree). */
int config_check_machine(const KdumpConfig *c, const char *kver, ConfigDiagnostics *diag);
