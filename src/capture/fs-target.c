/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "fs-target.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "block-device.h"
#include "dump-writer.h"
#include "log.h"
#include "lvm-activate.h"
#include "macro.h"
#include "target-ops.h"

int fs_target_mount(Capture *c, const char *spec, const char *fstype, uint64_t deadline_usec) {
        _cleanup_free_ char *dev = NULL;
        int r;

        r = block_device_wait(spec, deadline_usec, &dev);
        if (r < 0)
                return log_error_errno(r, "Dump target %s did not appear within disk_timeout: %m", spec);

        if (mount(dev, c->mount_dir, fstype, 0, NULL) < 0)
                return log_error_errno(-errno, "Failed to mount %s (%s) on %s: %m", dev, fstype, c->mount_dir);
        capture_set_mounted(c, true);
        log_info("Mounted dump target %s (%s, %s) on %s.", spec, dev, fstype, c->mount_dir);
        return 0;
}

void fs_target_unmount(Capture *c) {
        sync();
        if (umount2(c->mount_dir, 0) < 0)
                log_warning_errno(-errno, "Failed to unmount %s: %m", c->mount_dir);
        else
                capture_set_mounted(c, false);
}

/* The capture's own log is written last, when a dump that filled the disk
 * has left no room: its space is taken now, while there is some. */
static void reserve_log_space(const char *dir) {
        _cleanup_free_ char *p = NULL;
        int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);

        if (size <= 0 || asprintf(&p, "%s/" KEXEC_DMESG_LOG, dir) < 0)
                return;
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0)
                (void) posix_fallocate(fd, 0, size);
}

int fs_target_dump_dir_create(Capture *c, const char *path) {
        _cleanup_free_ char *base = NULL;
        int r;

        if (asprintf(&base, "%s%s", c->mount_dir, strcmp(path, "/") == 0 ? "" : path) < 0)
                return log_oom();
        /* Nothing on the target is followed: mkdumprd resolved the path's
         * links when it built the image, and one made since then could
         * point anywhere, the initramfs too. */
        r = dump_dir_create_beneath(c->mount_dir, path, c->host, time(NULL), &c->dump_dir);
        if (r == -ELOOP || r == -EXDEV)
                return log_error_errno(r, "Failed to create the dump directory in \"%s\": path \"%s\" goes through a "
                                       "symbolic link on the dump target (made after the image was built?); "
                                       "rebuild the image (\"kdumpctl rebuild\").", base, path);
        if (r < 0)
                return log_error_errno(r, "Failed to create the dump directory in \"%s\": %m", base);
        capture_report(c, "dir %s", c->dump_dir);
        reserve_log_space(c->dump_dir);
        log_info("Saving the dump to %s.", c->dump_dir);
        return 0;
}

int fs_target_save_vmcore(Capture *c, char * const *collector) {
        return dump_save_vmcore(c->vmcore, c->dump_dir, collector, capture_step_deadline(c, CAPTURE_DUMP_VMCORE),
                                capture_dump_stall_usec(c));
}

static int fs_op_wait(Capture *c) {
        const char *spec = kdump_config_target_location(c->config), *fstype = kdump_config_target_kind(c->config);

        (void) mkdir(c->mount_dir, 0700);
        if (!spec)
                return log_error_errno(-EOPNOTSUPP, "This capture image has no block-device target; cannot dump.");
        /* An LVM target appears once lvm has activated it; a failure
         * is logged, and the wait below tells whether the LV came up. */
        (void) lvm_activate(LVM_PLAN_PATH, c->target_deadline);
        return fs_target_mount(c, spec, fstype, c->target_deadline);
}

/* The dump directory without where the capture mounted its filesystem. */
const char *fs_target_dump_path(const Capture *c) {
        size_t n = strlen(c->mount_dir);
        if (!c->dump_dir || strncmp(c->dump_dir, c->mount_dir, n) != 0 || c->dump_dir[n] != '/')
                return NULL;
        return c->dump_dir + n;
}

/* "SPEC:/path/on/it/<host>-<stamp>": the next boot finds where SPEC is
 * mounted; dump_to_rootfs writes to the real root. */
static int fs_op_trace_location(const Capture *c, char **ret) {
        const char *spec = c->to_rootfs ? c->root_spec : kdump_config_target_location(c->config);
        const char *path = fs_target_dump_path(c);

        if (!spec || !path)
                return -EINVAL;
        return asprintf(ret, "%s:%s", spec, path) < 0 ? -ENOMEM : 0;
}

const TargetOps target_ops_fs = {
        .wait = fs_op_wait,
        .dump_dir_create = fs_target_dump_dir_create,
        .save_vmcore = fs_target_save_vmcore,
        .trace_kind = CRASH_DUMP_FS,
        .trace_location = fs_op_trace_location,
};
