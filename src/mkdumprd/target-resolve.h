/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dump target looked up on this machine once per build, and handed
 * on to the machine checks, the baked configuration, the LVM plan, the
 * manifest and dracut's environment: the filesystem or device it names,
 * what that device is built on, the server and the route to it, and the
 * real root when an action mounts it. Looking up reports nothing: each
 * consumer says what a failed lookup means to it, in its own words. */
#pragma once

#include <stdbool.h>

#include "block-identity.h"
#include "block-stack.h"
#include "dump-target.h"
#include "kdump-config.h"
#include "net-target.h"

typedef struct ResolvedTarget {
        DumpTargetType type;

        /* fs, raw: the node the spec names now (block_device_find());
         * nfs, ssh: the server as location names it. */
        char *found;
        int found_error;

        /* path, fs, raw: the target as the image names it: the filesystem
         * that holds path; fs's device and fstype, with where its root is
         * mounted now (NULL: it is not); raw's device, a /dev link made
         * the node it points to now. */
        TargetFs fs;
        int fs_error;

        /* raw: what the capture finds the device by, the identity of
         * fs.device and its size (raw_id.spec NULL: it has none). */
        BlockIdentity raw_id;
        int raw_id_error;

        /* path: kdump.conf's path with its symlinks resolved on this
         * machine, what the image names (the capture follows no link). */
        char *path;

        /* What fs.device is built on. */
        BlockStack stack;
        int stack_error;

        /* nfs, ssh: the server by address and the route to it, once
         * target_resolve_network() ran. */
        NetTarget net;

        /* The action that mounts the real root (failure_action's before
         * final_action's), _KDUMP_ACTION_INVALID when none does; then the
         * root's filesystem and what its device is built on. */
        KdumpAction root_action;
        TargetFs root;
        int root_error;
        BlockStack root_stack;
        int root_stack_error;
} ResolvedTarget;

void resolved_target_done(ResolvedTarget *t);

/* dump_to_rootfs and mount_root_run_init mount the real root. */
bool kdump_action_mounts_root(KdumpAction a);

/* Looks up what c names on this machine, but not the route to a server.
 * What is not found is recorded in the *_error fields, not returned:
 * -ENOMEM is the only error. */
int target_resolve(const KdumpConfig *c, ResolvedTarget *ret);

/* nfs, ssh: fills t->net with net_target_prepare(), which logs; 0 for the
 * other targets. -ENETDOWN: the server cannot be reached yet, and
 * *ret_why says why. Apart from the route for the same reason: a build
 * runs it only after the checks passed. */
int target_resolve_network(const KdumpConfig *c, ResolvedTarget *t, char **ret_why);
