/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "capture-trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block-device.h"
#include "crash-record.h"
#include "deadline.h"
#include "dmesg-scan.h"
#include "dump-writer.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "module-load.h"
#include "strv.h"
#include "target-ops.h"

/* What the crashed kernel's log is given, when no vmcore-dmesg.txt was
 * saved before (the capture failed before it): reading it again must not
 * eat the whole step. */
#define TRACE_DMESG_TIMEOUT_SEC 20

void capture_crash_read(Capture *c, const char *dmesg_path) {
        _cleanup_strv_free_ char **lines = dmesg_read_lines(dmesg_path);
        char *kernel = dmesg_find_kernel(lines), *panic = dmesg_find_panic(lines);

        if (kernel) {
                free(c->crash_kernel);
                c->crash_kernel = kernel;
        }
        if (panic) {
                free(c->crash_panic);
                c->crash_panic = panic;
        }
}

/* The crashed kernel's log, extracted into local memory just for this. */
static void crash_read_now(Capture *c) {
        _cleanup_free_ char *dir = NULL, *file = NULL;

        if (c->crash_kernel || !c->scratch_dir || asprintf(&dir, "%s/trace", c->scratch_dir) < 0 ||
            mkdir_p(dir, 0700) < 0)
                return;
        if (dump_save_dmesg(c->vmcore, dir, deadline_after_sec(TRACE_DMESG_TIMEOUT_SEC)) == 0 &&
            asprintf(&file, "%s/vmcore-dmesg.txt", dir) >= 0) {
                capture_crash_read(c, file);
                (void) unlink(file);
        }
        (void) rmdir(dir);
}

/* What this capture says of its crash. */
static int trace_build(Capture *c, const char *boot_id, CrashRecord *t) {
        const TargetOps *ops = capture_target(c);
        int r;

        *t = (CrashRecord) { .dump = CRASH_DUMP_NONE, .complete = c->vmcore_saved };
        if (c->dump_dir && ops->trace_location) {
                t->dump = ops->trace_kind;
                r = ops->trace_location(c, &t->location);
                if (r < 0)
                        return r;
        } else
                t->complete = false;
        if (c->failed_step != _CAPTURE_STATE_MAX) {
                r = asprintf(&t->why, "dump failed in step %s", capture_state_to_string(c->failed_step));
                if (r < 0)
                        return -ENOMEM;
        }
        if (crash_record_set(&t->trace, boot_id) < 0 || crash_record_set(&t->kernel, c->crash_kernel) < 0 ||
            crash_record_set(&t->panic, c->crash_panic) < 0)
                return -ENOMEM;
        return 0;
}

/* A raw target's stream, once begun, is the dump and its trace both. */
static bool trace_needed(const Capture *c) {
        const TargetOps *ops = capture_target(c);
        if (ops->trace_location)
                return true;
        return c->failed_step != _CAPTURE_STATE_MAX && c->failed_step < CAPTURE_DUMP_VMCORE;
}

int capture_trace(Capture *c) {
        _cleanup_(crash_record_done) CrashRecord t = {}, before = {};
        _cleanup_free_ char *boot_id = NULL, *store = NULL;
        uint64_t deadline = deadline_after_sec(CAPTURE_TRACE_TIMEOUT_SEC);
        int r;

        /* PID 1 ends the boot as the dump went even if this step never
         * returns (a mount stuck in the kernel). */
        capture_report(c, "outcome %s", c->failed_step == _CAPTURE_STATE_MAX ? "ok" : "failed");
        if (!c->trace_spec) {
                log_debug("kdump: this capture image leaves no trace for the next boot.");
                return 0;
        }
        if (!trace_needed(c))
                return 0;
        /* Nothing here may fail the capture: each failure is logged, and
         * the step ends with 0. */
        r = crash_boot_id(&boot_id);
        if (r < 0) {
                log_warning_errno(r, "kdump: no trace for the next boot: cannot read this boot's ID: %m");
                return 0;
        }
        crash_read_now(c);
        r = trace_build(c, boot_id, &t);
        if (r >= 0 && asprintf(&store, "%s%s", c->trace_mount_dir, c->trace_store) < 0)
                r = -ENOMEM;
        if (r < 0) {
                log_warning_errno(r, "kdump: no trace for the next boot: %m");
                return 0;
        }
        r = capture_ops(c)->mount_trace(c, deadline);
        if (r < 0) {
                log_warning_errno(r, "kdump: no trace for the next boot: cannot mount %s: %m", c->trace_spec);
                return 0;
        }
        /* dump_to_rootfs comes after a failure whose trace is written: that
         * failure is the why, and this run says where the dump went. */
        if (crash_trace_read(store, boot_id, &before) >= 0 && before.why) {
                free(t.why);
                t.why = TAKE_PTR(before.why);
        }
        r = crash_trace_write(store, &t);
        if (r < 0)
                log_warning_errno(r, "kdump: cannot write the trace for the next boot in %s: %m", store);
        else
                log_info("kdump: left a trace for the next boot on %s: %s%s%s, %s.", c->trace_spec,
                         crash_dump_to_string(t.dump), t.location ? " " : "", strempty(t.location),
                         t.complete ? "complete" : "incomplete");
        capture_ops(c)->unmount_trace(c);
        return 0;
}

int capture_trace_mount_real(Capture *c, uint64_t deadline_usec) {
        _cleanup_free_ char *dev = NULL;
        int r;

        /* The target's modules are loaded; these may not be (a network
         * target's image carries the state filesystem's only for this). */
        if (c->trace_modules)
                (void) modules_load_names(c->trace_modules);
        r = block_device_wait(c->trace_spec, deadline_usec, &dev);
        if (r < 0)
                return r;
        (void) mkdir(c->trace_mount_dir, 0700);
        if (mount(dev, c->trace_mount_dir, c->trace_fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                return negative_errno();
        return 0;
}

void capture_trace_unmount_real(Capture *c) {
        if (umount2(c->trace_mount_dir, 0) < 0)
                log_warning_errno(-errno, "kdump: cannot unmount %s: %m", c->trace_mount_dir);
}
