/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An LVM dump target as the capture image needs it: the logical volume
 * the capture program activates, the physical volumes it waits for (by
 * UUID: device names may differ in the capture kernel), and their disks,
 * whose drivers go into the image as the target's would. */
#pragma once

#include "dump-target.h"

/* The plan (block-stack.h's lvm_plan_format()) and the disks' nodes,
 * space-separated; both NULL when the target is not an LVM volume. Refuses
 * a stack the image cannot handle. Logs. */
int lvm_plan_prepare(const TargetFs *t, char **ret_plan, char **ret_disks);
