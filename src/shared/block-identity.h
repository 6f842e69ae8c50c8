/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A block device's stable identity, read from sysfs: what stays the same
 * when the kernel names the disks in another order (the capture kernel
 * probes them afresh; a disk added or removed moves the names after it).
 * A raw dump target is baked into the capture image as its identity and
 * its size, and found again by them where there is no udev and no
 * /dev/disk/by-id. */
#pragma once

#include <stdint.h>

typedef struct BlockIdentity {
        char *spec;    /* "PARTUUID=…", "WWN=…" or "SERIAL=…"; NULL: none, only the node names it */
        uint64_t size; /* bytes */
} BlockIdentity;

void block_identity_done(BlockIdentity *id);

/* The kernel's name of the block device node devnode ("/dev/mapper/vg-lv"
 * → "dm-0"), through its device number under sysfs ("/sys"). */
int block_device_kernel_name(const char *sysfs, const char *devnode, char **ret);

/* The identity of the block device called name under sysfs ("/sys", a
 * temporary tree in the tests), the first of: a partition's PARTUUID
 * (partuuid: what libblkid read in its disk's partition table, NULL when
 * there is none); a disk's WWN (its wwid attribute, or its device's: SCSI,
 * NVMe); its serial (serial, or its device's: virtio-blk, NVMe). A WWN or
 * serial that another disk has too is passed over (NVMe namespaces share
 * their controller's serial), and a partition never takes its disk's: they
 * name the whole disk. -ENODEV when there is no such device. */
int block_identity_from_sysfs(const char *sysfs, const char *name, const char *partuuid, BlockIdentity *ret);

/* The identity of the block device node devnode on this machine (/sys,
 * and libblkid for a partition's PARTUUID). */
int block_identity_of_node(const char *devnode, BlockIdentity *ret);

/* "WWN=…" or "SERIAL=…": the kernel name of the one disk under sysfs with
 * that WWN or serial. -ENODEV when none has it (yet), -ENOTUNIQ when more
 * than one does, -EINVAL for any other spec. */
int block_identity_find(const char *sysfs, const char *spec, char **ret_name);

/* The size in bytes of the block device (or of the file standing in for
 * one) open on fd; -ENOTBLK for anything else. */
int block_device_size(int fd, uint64_t *ret);
