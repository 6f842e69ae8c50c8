/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* LVM dump targets in the capture kernel, where neither udev nor LVM's
 * event activation runs: waits for the physical volumes mkdumprd recorded
 * (by UUID, as device names may differ here) and activates the logical
 * volume with the image's lvm, so that it appears as a dm-N device that
 * the mount path finds like any disk. Only that LV: the rest of its
 * volume group may need what the image lacks (thin pools, RAID), or disks
 * the dump does not need. */
#pragma once

#include <stdint.h>

/* Written by mkdumprd (src/mkdumprd/block-stack.c: lvm_plan_format()),
 * only into images whose target is an LVM volume. */
#define LVM_PLAN_PATH "/etc/kdump/lvm"

typedef struct LvmPlan {
        char *vg;   /* the volume group */
        char *lv;   /* the logical volume to activate */
        char **pvs; /* the UUIDs of the physical volumes under it, as libblkid reads them */
} LvmPlan;

void lvm_plan_done(LvmPlan *p);

/* Parses "vg NAME", "lv NAME" and "pv UUID" lines. -EBADMSG when a line
 * is not understood, or vg or lv is missing or given twice. */
int lvm_plan_parse(const char *text, LvmPlan *ret);

/* Does nothing and returns 0 when there is no plan at path (not an LVM
 * target). Otherwise waits until every physical volume is there or the
 * deadline (CLOCK_MONOTONIC) passes, then runs "lvm lvchange -ay VG/LV"
 * until it succeeds or the deadline passes (disks appear one by one; an
 * LV whose disks are not all there fails). Logs what goes wrong; 0 when
 * the logical volume is active. */
int lvm_activate(const char *path, uint64_t deadline_usec);
