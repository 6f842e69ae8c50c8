/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Block devices by identity (libblkid only): what the capture kernel uses
 * to find its target again, where there is no udev and no /dev/disk/by-*.
 * Kept apart from dump-target.c so the capture program does not carry
 * libmount and what it pulls in. */
#pragma once

#include <stdint.h>

#include <errno.h>

/* Reads one superblock or partition-table value ("UUID", "LABEL",
 * "PART_ENTRY_UUID", …); -ENODATA when the device has none. */
int block_device_probe_value(const char *devnode, const char *name, char **ret);

/* Turns "UUID=…", "LABEL=…", "PARTUUID=…", "PARTLABEL=…" or "/dev/…" into
 * a device node by probing every block device in /proc/partitions, and
 * "WWN=…" or "SERIAL=…" by reading the disks' attributes in sysfs
 * (block-identity.h). -ENODEV when none matches (yet), -ENOTUNIQ when more
 * than one does. */
int block_device_find(const char *spec, char **ret_devnode);

/* block_device_find(), tried again every 100 ms while the device is not
 * there (drivers bring devices up asynchronously), until deadline_usec
 * (CLOCK_MONOTONIC). */
int block_device_wait(const char *spec, uint64_t deadline_usec, char **ret_devnode);

/* What libblkid finds on a device that is meant to be empty (a raw dump
 * target): anything it recognises means the device is someone's data. */
typedef enum BlockSignature {
        BLOCK_SIGNATURE_NONE,
        BLOCK_SIGNATURE_SUPERBLOCK,      /* a filesystem, swap, RAID or LVM member, LUKS: "ext4", "LVM2_member" */
        BLOCK_SIGNATURE_PARTITION_TABLE, /* "gpt", "dos", … */
        BLOCK_SIGNATURE_SEVERAL,         /* more than one at once (libblkid: ambivalent) */
        _BLOCK_SIGNATURE_MAX,
        _BLOCK_SIGNATURE_INVALID = -EINVAL,
} BlockSignature;

/* "superblock", "partition table", "several signatures". */
const char *block_signature_to_string(BlockSignature s);

/* For messages: "a superblock of type \"ext4\"", "a partition table of
 * type \"gpt\"", "several signatures". */
int block_signature_describe(BlockSignature s, const char *type, char **ret);

/* Probes devnode (a block device, or a file standing in for one) for
 * superblocks and partition tables. Returns the BlockSignature, with the
 * type libblkid names in *ret_type for SUPERBLOCK and PARTITION_TABLE
 * (NULL otherwise), or -errno. */
int block_device_probe_signature(const char *devnode, char **ret_type);
