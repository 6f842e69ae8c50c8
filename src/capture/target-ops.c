/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "target-ops.h"

#include "capture.h"

const TargetOps *capture_target(const Capture *c) {
        static const TargetOps *const rows[_DUMP_TARGET_MAX] = {
                /* The filesystem that holds path: mkdumprd bakes it into
                 * the image as an fs target. */
                [DUMP_TARGET_PATH] = &target_ops_fs,
                [DUMP_TARGET_FS] = &target_ops_fs,
                [DUMP_TARGET_RAW] = &target_ops_raw,
                [DUMP_TARGET_NFS] = &target_ops_nfs,
                [DUMP_TARGET_SSH] = &target_ops_ssh,
        };

        /* dump_to_rootfs writes to the real root's path, whatever the target. */
        return rows[c->to_rootfs ? DUMP_TARGET_PATH : kdump_config_target_type(c->config)];
}
