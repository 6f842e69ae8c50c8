/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-bake.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macro.h"
#include "strv.h"

/* How one kind of target is baked: *ret_baked is the configuration with
 * the target made explicit, or NULL when kdump.conf names it as the image
 * will find it. */
typedef int (*TargetBake)(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t,
                          KdumpConfig **ret_baked);

/* The filesystem that holds path, by UUID when it has one, with path
 * relative to the filesystem's root. */
static int bake_path(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t, KdumpConfig **ret_baked) {
        _cleanup_free_ char *spec = NULL;
        const TargetFs *fs = &t->fs;

        if (t->fs_error == -ENODEV)
                return log_error_errno(t->fs_error, "%s: error: path \"%s\" is not on a block-device filesystem; "
                                       "name a dump target (e.g. \"ext4 UUID=…\")",
                                       config_path, kdump_config_path(config));
        if (t->fs_error < 0)
                return log_error_errno(t->fs_error, "%s: error: cannot find the filesystem that holds path \"%s\": %m",
                                       config_path, kdump_config_path(config));
        if ((fs->uuid ? asprintf(&spec, "UUID=%s", fs->uuid) : asprintf(&spec, "%s", fs->device)) < 0)
                return log_oom();
        if (t->path && strcmp(t->path, kdump_config_path(config)) != 0)
                log_info("path \"%s\" is \"%s\" on this machine (a symbolic link on the way): the capture image "
                         "names that, and follows no link.", kdump_config_path(config), t->path);
        log_info("Dump target: %s (%s, %s) mounted on %s, dump directory \"%s\" on it.", spec, fs->device, fs->fstype,
                 fs->mountpoint, fs->relpath);
        if (kdump_config_with_target(config, fs->fstype, spec, fs->relpath, ret_baked) < 0)
                return log_oom();
        return 0;
}

static int bake_fs(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t, KdumpConfig **ret_baked) {
        if (t->found_error < 0) /* config_check_machine() reported it already */
                return log_error_errno(t->found_error, "%s: error: dump target \"%s %s\" was not found on this machine: %m",
                                       config_path, kdump_config_target_kind(config),
                                       kdump_config_target_location(config));
        *ret_baked = NULL;
        return 0;
}

/* The image has no udev and its kernel may name the disks in another
 * order: the device is baked in as its identity (PARTUUID=, WWN=, SERIAL=)
 * or, without one, as the node it is now (config-check warned), with its
 * size, which the capture checks before it writes. */
static int bake_raw(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t, KdumpConfig **ret_baked) {
        const char *loc = kdump_config_target_location(config), *spec;

        if (t->found_error < 0) /* config_check_machine() reported it already */
                return log_error_errno(t->found_error, "%s: error: raw dump target \"%s\" was not found on this machine: %m",
                                       config_path, loc);
        if (t->fs_error < 0)
                return log_error_errno(t->fs_error, "Failed to resolve raw dump target \"%s\": %m", loc);
        if (t->raw_id_error < 0)
                return log_error_errno(t->raw_id_error, "Failed to read the identity of raw dump target \"%s\" (%s): %m",
                                       loc, t->fs.device);
        spec = t->raw_id.spec ? t->raw_id.spec : t->fs.device;
        log_info("Raw dump target %s is %s now; the capture image finds it as %s and writes to it only if it has "
                 "%" PRIu64 " bytes.", loc, t->fs.device, spec, t->raw_id.size);
        if (kdump_config_with_raw_target(config, spec, t->raw_id.size, ret_baked) < 0)
                return log_oom();
        return 0;
}

/* The server by address (there is no resolver in the image), path as
 * kdump.conf says: on the export, or on the ssh server. */
static int bake_server(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t,
                       KdumpConfig **ret_baked) {
        if (kdump_config_with_target(config, kdump_config_target_kind(config), t->net.location, kdump_config_path(config),
                                     ret_baked) < 0)
                return log_oom();
        return 0;
}

static const TargetBake target_bakes[_DUMP_TARGET_MAX] = {
        [DUMP_TARGET_PATH] = bake_path,
        [DUMP_TARGET_FS] = bake_fs,
        [DUMP_TARGET_RAW] = bake_raw,
        [DUMP_TARGET_NFS] = bake_server,
        [DUMP_TARGET_SSH] = bake_server,
};

int config_bake(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t, char **ret_text) {
        _cleanup_kdump_config_free_ KdumpConfig *baked = NULL;
        int r;

        if (t->type < 0 || t->type >= _DUMP_TARGET_MAX || !target_bakes[t->type])
                return log_error_errno(-EOPNOTSUPP,
                                       "%s: error: dump target \"%s\" is not supported by this kdumpd build yet; "
                                       "use a local path, \"<fstype> <device>\", raw, nfs or ssh",
                                       config_path, kdump_config_target_kind(config));
        r = target_bakes[t->type](config, config_path, t, &baked);
        if (r < 0)
                return r;
        r = kdump_config_format_string(baked ? baked : config, ret_text);
        if (r < 0)
                return log_error_errno(r, "Failed to write the capture configuration: %m");
        return 0;
}

/* dump_to_rootfs and mount_root_run_init; config-check.c refused a root
 * that is not on a block device, and a missing shell. */
int root_spec_bake(const KdumpConfig *config, const char *config_path, const ResolvedTarget *t, char **ret_spec) {
        const TargetFs *root = &t->root;
        char *spec;

        if (t->root_action < 0) {
                *ret_spec = NULL;
                return 0;
        }
        if (t->root_error < 0)
                return log_error_errno(t->root_error, "%s: error: %s needs the root filesystem in the capture kernel, and "
                                       "it is not on a block device this image can mount: %m",
                                       config_path, kdump_action_to_string(t->root_action));
        /* "SPEC FSTYPE PATH": dump_to_rootfs writes to kdump.conf's path as
         * the root sees it (the baked one is relative to the target), its
         * links resolved when they stay on the root filesystem: the
         * capture follows none. */
        const char *path = kdump_config_path(config);
        if (t->path && t->fs.device && root->device && strcmp(t->fs.device, root->device) == 0 && t->fs.relpath)
                path = t->fs.relpath;
        _cleanup_free_ char *qpath = shell_quote(path);
        if (!qpath || (root->uuid ? asprintf(&spec, "UUID=%s %s %s", root->uuid, root->fstype, qpath)
                                  : asprintf(&spec, "%s %s %s", root->device, root->fstype, qpath)) < 0)
                return log_oom();
        log_info("%s: the root filesystem %s (%s) goes into the capture image too.", kdump_action_to_string(t->root_action),
                 root->device, root->fstype);
        *ret_spec = spec;
        return 0;
}
