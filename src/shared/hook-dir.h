/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The hook directories: every executable in /etc/kdump/pre.d, post.d and
 * emergency.d runs, in the order of their names. mkdumprd puts them into
 * the image at the same paths; the capture program runs them. */
#pragma once

#include "kdump-config.h"

#define KDUMP_HOOK_DIR_PRE "/etc/kdump/pre.d"
#define KDUMP_HOOK_DIR_POST "/etc/kdump/post.d"
#define KDUMP_HOOK_DIR_EMERGENCY "/etc/kdump/emergency.d"

/* The executables in dir, sorted by name; an empty list (NULL) when dir
 * does not exist. Other files are reported as warnings when diag is given. */
int hook_dir_list(const char *dir, ConfigDiagnostics *diag, char ***ret);
