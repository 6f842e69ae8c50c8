/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Showing a file through a pager, as systemd's tools do: only when stdout
 * is a terminal; $KDUMPCTL_PAGER, else $PAGER, else less (with LESS=FRSXMK
 * unless set: quit when it fits a screen, keep colours), else more; a
 * pager set to "" or "cat" means none. Otherwise, and when no pager can
 * run, the file is copied to stdout. */
#pragma once

#include <stdbool.h>

/* 0, or -errno (the file cannot be read, stdout cannot be written). */
int pager_show_file(const char *path, bool no_pager);
