/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the dump target's block device is built on, read from sysfs: a disk
 * or partition, which the capture kernel sees once its driver is loaded; an
 * LVM logical volume on such disks, which the capture image activates with
 * lvm; or anything else stacked (dm-crypt, multipath, MD RAID, LVM thin,
 * RAID, cache or snapshot volumes, LVM on any of those), which needs more
 * than the capture image can do and is refused before anything is built. */
#pragma once

#include <errno.h>

typedef enum BlockStackKind {
        BLOCK_STACK_PLAIN,       /* a disk or a partition of one */
        BLOCK_STACK_LVM,         /* a linear or striped LVM volume on plain disks */
        BLOCK_STACK_UNSUPPORTED, /* BlockStack.problem says what it is */
        _BLOCK_STACK_KIND_MAX,
        _BLOCK_STACK_KIND_INVALID = -EINVAL,
} BlockStackKind;

typedef struct BlockStack {
        BlockStackKind kind;
        char *name;    /* the kernel's name of the device: "dm-0", "vda1" */
        char *vg;      /* LVM: the volume group, "kdump-vg" */
        char *lv;      /* LVM: the logical volume, "crash" */
        char **disks;  /* LVM: the physical volumes' kernel names, "vdb", "sdc1" */
        char *problem; /* UNSUPPORTED: what the device is, to finish "… is " */
} BlockStack;

void block_stack_done(BlockStack *s);

/* Splits a device-mapper name that LVM made, "my--vg-my--lv", into the
 * volume group and logical volume names, "my-vg" and "my-lv": the first
 * '-' that is not doubled separates them, and "--" stands for '-'.
 * -EINVAL when the name is not of that form. */
int dm_name_split_lvm(const char *dm_name, char **ret_vg, char **ret_lv);

/* Looks at the block device called name under sysfs ("/sys", a temporary
 * tree in the tests): <sysfs>/class/block/<name>, its dm/, md/, slaves/.
 * -ENODEV when there is no such device. An unsupported stack is not an
 * error here: ret->kind says so and ret->problem what it is. */
int block_stack_inspect(const char *sysfs, const char *name, BlockStack *ret);

/* The file that tells the capture program which logical volume to
 * activate and which physical volumes (by UUID) to wait for: "vg NAME",
 * "lv NAME" and one "pv UUID" line each. src/capture/lvm-activate.c
 * reads it. */
int lvm_plan_format(const char *vg, const char *lv, char * const *pv_uuids, char **ret);
