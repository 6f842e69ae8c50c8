/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Block devices by identity (libblkid only): what the capture kernel uses
 * to find its target again, where there is no udev and no /dev/disk/by-*.
 * Kept apart from dump-target.c so the capture program does not carry
 * libmount and what it pulls in. */
#pragma once

/* Reads one superblock or partition-table value ("UUID", "LABEL",
 * "PART_ENTRY_UUID", …); -ENODATA when the device has none. */
int block_device_probe_value(const char *devnode, const char *name, char **ret);

/* Turns "UUID=…", "LABEL=…", "PARTUUID=…", "PARTLABEL=…" or "/dev/…" into
 * a device node by probing every block device in /proc/partitions.
 * -ENODEV when none matches (yet), -ENOTUNIQ when more than one does. */
int block_device_find(const char *spec, char **ret_devnode);
