/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "target-resolve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "block-device.h"
#include "fileio.h"
#include "macro.h"
#include "net-plan.h"

void resolved_target_done(ResolvedTarget *t) {
        free(t->found);
        free(t->path);
        target_fs_done(&t->fs);
        block_stack_done(&t->stack);
        block_identity_done(&t->raw_id);
        net_target_done(&t->net);
        target_fs_done(&t->root);
        block_stack_done(&t->root_stack);
        *t = (ResolvedTarget) { .root_action = _KDUMP_ACTION_INVALID };
}

bool kdump_action_mounts_root(KdumpAction a) {
        return a == KDUMP_ACTION_DUMP_TO_ROOTFS || a == KDUMP_ACTION_MOUNT_ROOT_RUN_INIT;
}

/* A lookup's result goes into *error unless it is -ENOMEM, which ends
 * the whole resolution. */
static int record(int r, int *error) {
        if (r == -ENOMEM)
                return r;
        *error = r < 0 ? r : 0;
        return 0;
}

/* The filesystem that holds path, after its links: "/var/crash ->
 * /srv/crash" is /srv/crash, on whichever filesystem that is. */
static int find_path_fs(const KdumpConfig *c, ResolvedTarget *t) {
        int r = path_resolve_links(kdump_config_path(c), &t->path);
        if (r < 0)
                return record(r, &t->fs_error);
        return record(target_fs_for_path("/proc/self/mountinfo", t->path, &t->fs), &t->fs_error);
}

static int find_device(const KdumpConfig *c, ResolvedTarget *t) {
        int r = record(block_device_find(kdump_config_target_location(c), &t->found), &t->found_error);
        t->fs_error = t->found_error;
        return r;
}

static int find_fs_device(const KdumpConfig *c, ResolvedTarget *t) {
        int r = find_device(c, t);
        if (r < 0 || t->found_error < 0)
                return r;
        t->fs.device = strdup(t->found);
        t->fs.fstype = strdup(kdump_config_target_kind(c));
        if (!t->fs.device || !t->fs.fstype)
                return -ENOMEM;
        r = target_fs_mountpoint("/proc/self/mountinfo", t->found, &t->fs.mountpoint);
        return r == -ENOMEM ? r : 0;
}

/* Nothing to mount: the capture program writes to the device itself,
 * which needs its drivers and no fstype. The image has no udev, and the
 * capture kernel may name the disks in another order: the device (a link,
 * /dev/disk/by-id/…, followed to its node) goes into the image as its
 * identity and size. */
static int find_raw_device(const KdumpConfig *c, ResolvedTarget *t) {
        int r = find_device(c, t);
        if (r < 0 || t->found_error < 0)
                return r;
        if (strncmp(kdump_config_target_location(c), "/dev/", 5) != 0)
                t->fs.device = strdup(t->found);
        else if (!(t->fs.device = realpath(t->found, NULL)))
                return record(-errno, &t->fs_error);
        if (!t->fs.device)
                return -ENOMEM;
        return record(block_identity_of_node(t->fs.device, &t->raw_id), &t->raw_id_error);
}

static int find_server(const KdumpConfig *c, ResolvedTarget *t) {
        return record(net_target_host(t->type, kdump_config_target_location(c), &t->found), &t->found_error);
}

typedef struct TargetFinder {
        int (*find)(const KdumpConfig *c, ResolvedTarget *t);
        bool network; /* a server, reached through the route target_resolve_network() finds */
} TargetFinder;

static const TargetFinder finders[_DUMP_TARGET_MAX] = {
        [DUMP_TARGET_PATH] = { find_path_fs },
        [DUMP_TARGET_FS] = { find_fs_device },
        [DUMP_TARGET_RAW] = { find_raw_device },
        [DUMP_TARGET_NFS] = { find_server, .network = true },
        [DUMP_TARGET_SSH] = { find_server, .network = true },
};

static const TargetFinder *finder_of(DumpTargetType type) {
        return type >= 0 && type < _DUMP_TARGET_MAX ? &finders[type] : NULL;
}

static int stack_inspect(const char *devnode, BlockStack *ret, int *error) {
        _cleanup_free_ char *name = NULL;
        int r = block_device_kernel_name("/sys", devnode, &name);
        if (r >= 0)
                r = block_stack_inspect("/sys", name, ret);
        return record(r, error);
}

static int root_resolve(const KdumpConfig *c, ResolvedTarget *t) {
        KdumpAction failure = kdump_config_failure_action(c), final = kdump_config_final_action(c);
        int r;

        t->root_action = kdump_action_mounts_root(failure) ? failure
                         : kdump_action_mounts_root(final) ? final
                                                           : _KDUMP_ACTION_INVALID;
        if (t->root_action < 0)
                return 0;
        r = record(target_fs_for_path("/proc/self/mountinfo", "/", &t->root), &t->root_error);
        if (r < 0 || t->root_error < 0)
                return r;
        return stack_inspect(t->root.device, &t->root_stack, &t->root_stack_error);
}

int target_resolve(const KdumpConfig *c, ResolvedTarget *ret) {
        _cleanup_(resolved_target_done) ResolvedTarget t = { .root_action = _KDUMP_ACTION_INVALID };
        const TargetFinder *f;
        int r;

        assert_return(c && ret, -EINVAL);
        t.type = kdump_config_target_type(c);
        f = finder_of(t.type);
        r = f ? f->find(c, &t) : 0;
        if (r >= 0 && t.fs.device)
                r = stack_inspect(t.fs.device, &t.stack, &t.stack_error);
        if (r >= 0)
                r = root_resolve(c, &t);
        if (r < 0)
                return r;
        *ret = t;
        t = (ResolvedTarget) { .root_action = _KDUMP_ACTION_INVALID };
        return 0;
}

int target_resolve_network(const KdumpConfig *c, ResolvedTarget *t, char **ret_why) {
        const TargetFinder *f = finder_of(t->type);

        if (!f || !f->network)
                return 0;
        return net_target_prepare(c, t->found, &t->net, ret_why);
}
