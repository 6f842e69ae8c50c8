/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* An LVM dump target as the capture image needs it: the logical volume
 * the capture program activates, the physical volumes it waits for (by
 * UUID: device names may differ in the capture kernel), and their disks,
 * whose drivers go into the image as the target's would. */
#pragma once

#include "target-resolve.h"

/* The plan (block-stack.h's lvm_plan_format()) and the disks' nodes,
 * space-separated, from what the target's device is built on; both NULL
 * when it is not an LVM volume. Refuses a stack the image cannot handle
 * (the machine checks did so for path and fs targets already). Logs. */
int lvm_plan_prepare(const ResolvedTarget *t, char **ret_plan, char **ret_disks);
