/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lvm-plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block-device.h"
#include "block-stack.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

int lvm_plan_prepare(const ResolvedTarget *t, char **ret_plan, char **ret_disks) {
        _cleanup_strv_free_ char **uuids = NULL, **nodes = NULL;
        const BlockStack *s = &t->stack;
        int r;

        /* No device (a server), no stack: a zeroed BlockStack is PLAIN. */
        if (t->stack_error < 0)
                return log_error_errno(t->stack_error, "Failed to tell what dump target device \"%s\" is built on: %m",
                                       t->fs.device);
        if (s->kind == BLOCK_STACK_UNSUPPORTED)
                return log_error_errno(-EOPNOTSUPP, "Dump target device \"%s\" (%s) is %s; it cannot be used.",
                                       t->fs.device, s->name, s->problem);
        if (s->kind != BLOCK_STACK_LVM) {
                *ret_plan = *ret_disks = NULL;
                return 0;
        }
        for (char **d = s->disks; *d; d++) {
                _cleanup_free_ char *node = NULL, *uuid = NULL;
                if (asprintf(&node, "/dev/%s", *d) < 0)
                        return log_oom();
                for (char *c = node; (c = strchr(c, '!'));) /* sysfs's name for "cciss/c0d0" */
                        *c = '/';
                r = block_device_probe_value(node, "UUID", &uuid);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the UUID of LVM physical volume \"%s\": %m", node);
                if (strv_extend(&uuids, uuid) < 0 || strv_extend(&nodes, node) < 0)
                        return log_oom();
        }
        _cleanup_free_ char *plan = NULL, *disks = strv_join(nodes, " ");
        if (!disks || lvm_plan_format(s->vg, s->lv, uuids, &plan) < 0)
                return log_oom();
        log_info("Dump target %s is LVM volume \"%s/%s\" on %s; the capture image activates it with lvm.",
                 t->fs.device, s->vg, s->lv, disks);
        *ret_plan = TAKE_PTR(plan);
        *ret_disks = TAKE_PTR(disks);
        return 0;
}
