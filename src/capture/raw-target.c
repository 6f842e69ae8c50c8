/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "raw-target.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block-device.h"
#include "block-identity.h"
#include "capture.h"
#include "child.h"
#include "deadline.h"
#include "log.h"
#include "macro.h"
#include "strv.h"
#include "target-ops.h"

/* mkdumprd refused a device with a signature when it built the image; the
 * device may have changed since, or the capture kernel may name another
 * disk what the first kernel called by that name. */
static int refuse_signature(const char *devnode) {
        _cleanup_free_ char *type = NULL, *what = NULL;
        int r = block_device_probe_signature(devnode, &type);

        if (r < 0)
                return log_error_errno(r, "Cannot probe raw dump target %s for signatures: %m; not writing to it.",
                                       devnode);
        if (r == BLOCK_SIGNATURE_NONE)
                return 0;
        if (block_signature_describe(r, type, &what) < 0)
                return log_oom();
        return log_error_errno(-EEXIST, "Raw dump target %s carries %s: it holds someone's data; not writing to it.",
                               devnode, what);
}

/* mkdumprd baked the size the device had when it built the image: under
 * the same identity or node, a device of another size is another disk. */
static int refuse_other_size(const char *devnode, int fd, uint64_t want) {
        uint64_t size;
        int r;

        if (want == 0)
                return 0;
        r = block_device_size(fd, &size);
        if (r < 0)
                return log_error_errno(r, "Cannot read the size of raw dump target %s: %m; not writing to it.", devnode);
        if (size != want)
                return log_error_errno(-EMEDIUMTYPE,
                                       "Raw dump target %s has %" PRIu64 " bytes, and the image was built for one of "
                                       "%" PRIu64 " bytes: it is another disk; not writing to it.",
                                       devnode, size, want);
        return 0;
}

int raw_target_find(const char *spec, uint64_t size, uint64_t deadline_usec, char **ret_devnode) {
        _cleanup_free_ char *dev = NULL;
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        int r;

        assert_return(spec && ret_devnode, -EINVAL);
        r = block_device_wait(spec, deadline_usec, &dev);
        if (r == -ENOTUNIQ)
                return log_error_errno(r, "More than one device is raw dump target %s; not writing to any of them.", spec);
        if (r < 0)
                return log_error_errno(r, "Raw dump target %s did not appear within disk_timeout: %m", spec);
        fd = open(dev, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                return log_error_errno(-errno, "Cannot open raw dump target %s: %m", dev);
        if (!S_ISBLK(st.st_mode))
                return log_error_errno(-ENOTBLK, "Raw dump target %s is not a block device; not writing to it.", dev);
        r = refuse_other_size(dev, fd, size);
        if (r < 0)
                return r;
        r = refuse_signature(dev);
        if (r < 0)
                return r;
        if (size > 0)
                log_info("Raw dump target %s is %s, of %" PRIu64 " bytes, with no signature on it.", spec, dev, size);
        else
                log_info("Raw dump target %s is %s, with no signature on it.", spec, dev);
        *ret_devnode = TAKE_PTR(dev);
        return 0;
}

int raw_target_save_vmcore(const char *devnode, uint64_t size, char * const *core_collector, const char *vmcore,
                           uint64_t deadline_usec, uint64_t stall_usec) {
        _cleanup_strv_free_ char **argv = NULL;
        struct stat st;
        int r;

        assert_return(devnode && core_collector && core_collector[0] && vmcore, -EINVAL);
        if (strv_extend_strv(&argv, core_collector) < 0 || strv_extend(&argv, vmcore) < 0)
                return log_oom();
        r = refuse_signature(devnode);
        if (r < 0)
                return r;

        /* O_EXCL on a block device: EBUSY when it is mounted or held by
         * another driver (RAID, device-mapper). Never O_TRUNC: the stream
         * carries its own end, what follows it is never read. */
        int flags = O_WRONLY | O_NOCTTY | O_CLOEXEC;
        if (stat(devnode, &st) >= 0 && S_ISBLK(st.st_mode))
                flags |= O_EXCL;
        _cleanup_close_ int fd = open(devnode, flags);
        if (fd < 0)
                return log_error_errno(-errno, "Cannot open raw dump target %s for writing: %m", devnode);
        /* What is written to is what was opened: checked on this fd. */
        r = refuse_other_size(devnode, fd, size);
        if (r < 0)
                return r;

        log_info("Writing the flattened vmcore to %s.", devnode);
        r = child_run_watched(argv, NULL, -1, fd, deadline_usec, stall_usec);
        if (r == -ECOMM)
                return r; /* the step says why */
        if (r == -ETIME)
                return log_error_errno(r, "core_collector \"%s\" did not finish in time; killed it.", argv[0]);
        if (r < 0)
                return log_error_errno(r, "Failed to run core_collector \"%s\": %m", argv[0]);
        if (r > 0) {
                log_error("core_collector \"%s\" failed with exit status %d.", argv[0], r);
                return r;
        }
        if (fsync(fd) < 0)
                return log_error_errno(-errno, "Failed to flush raw dump target %s: %m", devnode);
        log_info("Saved the flattened vmcore to %s; kdumpd restores it on the next boot.", devnode);
        return 0;
}

static int raw_op_wait(Capture *c) {
        return raw_target_find(kdump_config_target_location(c->config), kdump_config_raw_size(c->config),
                               c->target_deadline, &c->raw_device);
}

static int raw_op_dump_vmcore(Capture *c, char * const *collector) {
        int r = raw_target_save_vmcore(c->raw_device, kdump_config_raw_size(c->config), collector, c->vmcore,
                                       capture_step_deadline(c, CAPTURE_DUMP_VMCORE), capture_dump_stall_usec(c));
        c->dump_status = r < 0 ? 1 : r;
        return r > 0 ? -EPROTO : r;
}

/* Nothing to mount and no dump directory: the stream goes to the device,
 * and kdumpd makes a dump directory of it, vmcore-dmesg.txt too, on the
 * next boot. */
const TargetOps target_ops_raw = {
        .wait = raw_op_wait,
        .dump_vmcore = raw_op_dump_vmcore,
};
