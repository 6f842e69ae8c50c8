/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The filesystem dump target: a block device ("<fstype> <device>" in
 * kdump.conf, or the filesystem that holds path, which mkdumprd bakes in
 * as one) mounted on c->mount_dir. Its dump directory, vmcore and unmount
 * are those of every mounted target: the nfs row takes them too. */
#pragma once

#include <stdint.h>

#include "capture.h"

/* Waits for the block device spec names (drivers bring devices up
 * asynchronously) until deadline_usec, then mounts it on c->mount_dir.
 * Logs; returns 0 or -errno. */
int fs_target_mount(Capture *c, const char *spec, const char *fstype, uint64_t deadline_usec);
void fs_target_unmount(Capture *c);

/* <c->mount_dir><path>/<host>-<stamp>, as c->dump_dir. Logs. */
int fs_target_dump_dir_create(Capture *c, const char *path);
/* c->dump_dir as a path on the mounted filesystem ("/var/crash/h-…"), or
 * NULL when there is none. */
const char *fs_target_dump_path(const Capture *c);
/* The collector with the vmcore and an output file in c->dump_dir. */
int fs_target_save_vmcore(Capture *c, char * const *collector);
