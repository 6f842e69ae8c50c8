/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dump target kinds behind one table, in the shape of systemd's
 * UnitVTable: one row of operations per kind says what reaching and
 * writing to that kind of target means. The steps in capture.c call
 * through the row of the target; the rows live beside the code of their
 * kind (fs-target.c, raw-target.c, nfs-mount.c, ssh-target.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "crash-record.h"

typedef struct Capture Capture;

typedef struct TargetOps {
        /* Reached over the network: NET_UP brings the interface up first,
         * and reaching the server gets a time of its own. */
        bool network;
        /* WAIT_TARGET: finds the device, export or server and readies it
         * (mounted on c->mount_dir, c->raw_device found, the dump directory
         * made on the server). Logs; returns 0 or -errno. */
        int (*wait)(Capture *c);
        /* Makes c->dump_dir in path on the target; logs. NULL: the target
         * has no dump directory (raw), and so no vmcore-dmesg.txt and no
         * kexec-dmesg.log either. */
        int (*dump_dir_create)(Capture *c, const char *path);
        /* NULL: files for the dump directory are written in it. Else they
         * are written in c->scratch_dir, then sent as name with this. */
        int (*send_file)(Capture *c, const char *local, const char *name, uint64_t deadline_usec);
        /* Runs the collector (its argv, without the vmcore) into
         * c->dump_dir. Returns 0, its exit status (> 0), or -errno. */
        int (*save_vmcore)(Capture *c, char * const *collector);
        /* What follows "Saved vmcore to DIR/vmcore" in the log. */
        const char *saved_as;
        /* The whole DUMP_VMCORE step of a target without a dump directory,
         * instead of save_vmcore: sets c->dump_status, logs, 0 or -errno. */
        int (*dump_vmcore)(Capture *c, char * const *collector);
        /* The trace for the next boot (crash-record.h): where the dump in
         * c->dump_dir is, as a CrashDump of kind trace_kind ("SPEC:/path"
         * for fs, "server:/export/path" for nfs, "user@host:path" for
         * ssh). NULL (raw): once the stream is written, the device itself
         * tells the next boot. */
        CrashDump trace_kind;
        int (*trace_location)(const Capture *c, char **ret);
        /* No unmount: what is mounted on c->mount_dir is a filesystem
         * whatever mounted it (PID 1 may have to undo a mount of the real
         * root, after the worker died in dump_to_rootfs), so one
         * unmount serves all (fs_target_unmount()). */
} TargetOps;

extern const TargetOps target_ops_fs;
extern const TargetOps target_ops_raw;
extern const TargetOps target_ops_nfs;
extern const TargetOps target_ops_ssh;

/* The row of the target c writes to: kdump.conf's, or the real root's for
 * dump_to_rootfs. */
const TargetOps *capture_target(const Capture *c);
