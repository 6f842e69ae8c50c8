/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpd in a capture boot: with mount_root_run_init the capture kernel
 * runs the machine's own init, and kdumpd, finding /proc/vmcore, saves the
 * dump to path on the root filesystem instead of arming. */
#pragma once

#include "kdump-config.h"

#define CAPTURE_BOOT_VMCORE "/proc/vmcore"

/* Saves vmcore into a new dump directory under the config's path:
 * vmcore-dmesg.txt, then the vmcore with core_collector. ret_dir (may be
 * NULL) gets the directory. Returns 0, or -errno / the collector's
 * failure as -EPROTO. */
int capture_boot_save(const KdumpConfig *config, const char *vmcore, char **ret_dir);
