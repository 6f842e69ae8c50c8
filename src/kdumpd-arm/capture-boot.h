/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpd in a capture boot: with mount_root_run_init the capture kernel
 * runs the machine's own init, and kdumpd, finding /proc/vmcore
 * (CAPTURE_BOOT_VMCORE), becomes kdumpd-arm --capture-boot, which saves
 * the dump to path on the root filesystem instead of arming. */
#pragma once

#include "arm.h"
#include "arm-protocol.h"
#include "kdump-config.h"

/* The whole capture boot: READY=1 at once, the dump saved, then
 * final_action (failure_action halt or poweroff after a failure, else a
 * reboot) through systemctl. Returns the exit status. */
int capture_boot_run(const ArmOptions *o);

/* Saves vmcore into a new dump directory under the config's path:
 * vmcore-dmesg.txt, then the vmcore with core_collector. ret_dir (may be
 * NULL) gets the directory. Returns 0, or -errno / the collector's
 * failure as -EPROTO. */
int capture_boot_save(const KdumpConfig *config, const char *vmcore, char **ret_dir);
