/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-bake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block-device.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

/* The config as the capture program will read it: the target made
 * explicit and path relative to the target filesystem's root. */
int config_bake(const KdumpConfig *config, const char *config_path, const BuildPaths *p, TargetFs *ret_target,
                NetTarget *ret_net, char **ret_text) {
        _cleanup_(net_target_done) NetTarget net = {};
        _cleanup_kdump_config_free_ KdumpConfig *baked = NULL;
        _cleanup_(target_fs_done) TargetFs t = {};
        _cleanup_free_ char *spec = NULL;
        DumpTargetType type = kdump_config_target_type(config);
        int r;

        switch (type) {
        case DUMP_TARGET_PATH:
                r = target_fs_for_path("/proc/self/mountinfo", kdump_config_path(config), &t);
                if (r == -ENODEV)
                        return log_error_errno(r, "%s: error: path \"%s\" is not on a block-device filesystem; "
                                               "name a dump target (e.g. \"ext4 UUID=…\")",
                                               config_path, kdump_config_path(config));
                if (r < 0)
                        return log_error_errno(r, "%s: error: cannot find the filesystem that holds path \"%s\": %m",
                                               config_path, kdump_config_path(config));
                if (t.uuid)
                        r = asprintf(&spec, "UUID=%s", t.uuid);
                else
                        r = asprintf(&spec, "%s", t.device);
                if (r < 0)
                        return log_oom();
                log_info("Dump target: %s (%s, %s) mounted on %s, dump directory \"%s\" on it.", spec, t.device,
                         t.fstype, t.mountpoint, t.relpath);
                r = kdump_config_with_target(config, t.fstype, spec, t.relpath, &baked);
                if (r < 0)
                        return log_oom();
                break;
        case DUMP_TARGET_FS: {
                _cleanup_free_ char *dev = NULL;
                r = block_device_find(kdump_config_target_location(config), &dev);
                if (r < 0) /* config_check_machine() reported it already */
                        return log_error_errno(r, "%s: error: dump target \"%s %s\" was not found on this machine: %m",
                                               config_path, kdump_config_target_kind(config),
                                               kdump_config_target_location(config));
                t.device = TAKE_PTR(dev);
                t.fstype = strdup(kdump_config_target_kind(config));
                if (!t.fstype)
                        return log_oom();
                break;
        }
        case DUMP_TARGET_RAW: {
                /* Nothing to mount: the capture program writes to the
                 * device itself, which needs its drivers and no fstype.
                 * The image has no udev: a link (/dev/disk/by-id/…) is
                 * baked in as the node it points to now. */
                _cleanup_free_ char *dev = NULL, *node = NULL;
                const char *loc = kdump_config_target_location(config);
                r = block_device_find(loc, &dev);
                if (r < 0) /* config_check_machine() reported it already */
                        return log_error_errno(r, "%s: error: raw dump target \"%s\" was not found on this machine: %m",
                                               config_path, loc);
                if (strncmp(loc, "/dev/", 5) == 0) {
                        node = realpath(dev, NULL);
                        if (!node)
                                return log_error_errno(-errno, "Failed to resolve raw dump target \"%s\": %m", loc);
                        if (strcmp(node, loc) != 0) {
                                log_info("Raw dump target %s is %s now; the capture image names it so.", loc, node);
                                r = kdump_config_with_target(config, "raw", node, kdump_config_path(config), &baked);
                                if (r < 0)
                                        return log_oom();
                        }
                }
                t.device = node ? TAKE_PTR(node) : TAKE_PTR(dev);
                break;
        }
        case DUMP_TARGET_NFS:
        case DUMP_TARGET_SSH: {
                /* The server by address (there is no resolver in the
                 * image), path as kdump.conf says: on the export, or on
                 * the ssh server. */
                _cleanup_free_ char *why = NULL;
                r = net_target_prepare(config, &net, &why);
                if (r == -ENETDOWN && p->waiting)
                        p->waiting(why, p->userdata);
                if (r < 0)
                        return r;
                r = kdump_config_with_target(config, kdump_config_target_kind(config), net.location,
                                             kdump_config_path(config), &baked);
                if (r < 0)
                        return log_oom();
                break;
        }
        default:
                return log_error_errno(-EOPNOTSUPP,
                                       "%s: error: dump target \"%s\" is not supported by this kdumpd build yet; "
                                       "use a local path, \"<fstype> <device>\", raw, nfs or ssh",
                                       config_path, kdump_config_target_kind(config));
        }

        r = kdump_config_format_string(baked ? baked : config, ret_text);
        if (r < 0)
                return log_error_errno(r, "Failed to write the capture configuration: %m");
        *ret_target = t;
        t = (TargetFs) {};
        *ret_net = net;
        net = (NetTarget) {};
        return 0;
}

static bool action_needs_root(KdumpAction a) {
        return a == KDUMP_ACTION_DUMP_TO_ROOTFS || a == KDUMP_ACTION_MOUNT_ROOT_RUN_INIT;
}

/* The real root as the capture image finds it again, "SPEC FSTYPE", when
 * an action needs it (dump_to_rootfs, mount_root_run_init; config-check.c
 * refused a root that is not on a block device, and a missing shell). */
int root_spec_bake(const KdumpConfig *config, const char *config_path, TargetFs *ret_root, char **ret_spec) {
        KdumpAction failure = kdump_config_failure_action(config), final = kdump_config_final_action(config);
        KdumpAction a = action_needs_root(failure) ? failure : final;
        _cleanup_(target_fs_done) TargetFs t = {};
        int r;

        if (!action_needs_root(a))
                return 0;
        r = target_fs_for_path("/proc/self/mountinfo", "/", &t);
        if (r < 0)
                return log_error_errno(r, "%s: error: %s needs the root filesystem in the capture kernel, and it is not "
                                       "on a block device this image can mount: %m",
                                       config_path, kdump_action_to_string(a));
        /* "SPEC FSTYPE PATH": dump_to_rootfs writes to kdump.conf's path as
         * the root sees it (the baked one is relative to the target). */
        _cleanup_free_ char *qpath = shell_quote(kdump_config_path(config));
        if (!qpath || (t.uuid ? asprintf(ret_spec, "UUID=%s %s %s", t.uuid, t.fstype, qpath)
                              : asprintf(ret_spec, "%s %s %s", t.device, t.fstype, qpath)) < 0)
                return log_oom();
        log_info("%s: the root filesystem %s (%s) goes into the capture image too.", kdump_action_to_string(a),
                 t.device, t.fstype);
        *ret_root = t;
        t = (TargetFs) {};
        return 0;
}
