/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "trace-target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block-stack.h"
#include "crash-record.h"
#include "macro.h"
#include "strv.h"

void trace_target_done(TraceTarget *t) {
        target_fs_done(&t->fs);
        free(t->spec);
        free(t->why_not);
        *t = (TraceTarget) {};
}

static int no_trace(TraceTarget *t, const char *fmt, const char *arg) {
        return asprintf(&t->why_not, fmt, arg) < 0 ? -ENOMEM : 0;
}

int trace_target_resolve(const char *state_dir, const ResolvedTarget *dump, TraceTarget *ret) {
        _cleanup_(trace_target_done) TraceTarget t = {};
        _cleanup_(block_stack_done) BlockStack stack = {};
        _cleanup_free_ char *store = NULL, *quoted = NULL, *name = NULL;
        int r;

        assert_return(state_dir && dump && ret, -EINVAL);
        if (asprintf(&store, "%s/" CRASH_STORE_DIR, state_dir) < 0)
                return -ENOMEM;
        r = state_dir[0] == '/' ? target_fs_for_path("/proc/self/mountinfo", store, &t.fs) : -EINVAL;
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                r = no_trace(&t, "\"%s\" is not on a block-device filesystem", state_dir);
                goto done;
        }
        r = block_device_kernel_name("/sys", t.fs.device, &name);
        if (r >= 0)
                r = block_stack_inspect("/sys", name, &stack);
        if (r == -ENOMEM)
                return r;
        /* The dump target's own LVM volume is activated for the dump. */
        bool dump_fs = dump->fs.device && strcmp(dump->fs.device, t.fs.device) == 0;
        if (r < 0 || (stack.kind != BLOCK_STACK_PLAIN && !(stack.kind == BLOCK_STACK_LVM && dump_fs))) {
                r = no_trace(&t, "its device %s is not a plain disk or partition the capture can mount", t.fs.device);
                goto done;
        }
        quoted = shell_quote(t.fs.relpath);
        if (!quoted || (t.fs.uuid ? asprintf(&t.spec, "UUID=%s %s %s", t.fs.uuid, t.fs.fstype, quoted)
                                  : asprintf(&t.spec, "%s %s %s", t.fs.device, t.fs.fstype, quoted)) < 0)
                return -ENOMEM;
        r = 0;
done:
        if (r < 0)
                return r;
        *ret = t;
        t = (TraceTarget) {};
        return 0;
}
