/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "nfs-mount.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "child.h"
#include "deadline.h"
#include "fs-target.h"
#include "log.h"
#include "macro.h"
#include "net-plan.h"
#include "target-ops.h"

/* timeo is in tenths of a second: 10 s a try, 3 tries, then an error. */
#define NFS_TIMEOUTS "soft,timeo=100,retrans=3"

int nfs_mount_options(const char *server, const char *version, char **ret) {
        bool v6 = strchr(server, ':') != NULL, v3 = strcmp(version, "3") == 0;

        assert_return(server && version && ret, -EINVAL);
        /* addr= because the kernel resolves no names; nolock because there
         * is no rpc.statd; v3 looks the MOUNT service up through the
         * server's rpcbind, over the same transport. */
        if (asprintf(ret, "vers=%s,%s%s%s,addr=%s", version, v3 ? (v6 ? "proto=tcp6,mountproto=tcp6," : "proto=tcp,mountproto=tcp,") : "",
                     v3 ? "nolock," : "", NFS_TIMEOUTS, server) < 0)
                return -ENOMEM;
        return 0;
}

typedef struct MountCall {
        const char *source, *fstype, *where, *options;
} MountCall;

static int mount_call(void *userdata) {
        const MountCall *m = userdata;
        return mount(m->source, m->where, m->fstype, 0, m->options) < 0 ? negative_errno() : 0;
}

/* mount(2) in a child: a mount that hangs in the kernel is killable (NFS
 * waits are), PID 1 is not; a task stuck where SIGKILL cannot reach it is
 * left behind, and PID 1 goes on to failure_action. */
static int mount_once(const char *source, const char *fstype, const char *where, const char *options,
                      uint64_t deadline_usec) {
        MountCall m = { .source = source, .fstype = fstype, .where = where, .options = options };
        return child_call(mount_call, &m, deadline_usec);
}

int nfs_mount(const char *kind, const char *location, const char *where, uint64_t deadline_usec) {
        static const char *const v4[] = { "4.2", "4.1", "4.0", NULL };
        static const char *const any[] = { "4.2", "4.1", "4.0", "3", NULL };
        const char *const *versions = strcmp(kind, "nfs4") == 0 ? v4 : any;
        _cleanup_free_ char *server = NULL;
        int r, tries = 0;

        assert_return(kind && location && where, -EINVAL);
        r = net_target_host(DUMP_TARGET_NFS, location, &server);
        if (r < 0)
                return log_error_errno(r, "cannot read the NFS target \"%s\": %m", location);

        for (;;) {
                tries++;
                for (const char *const *v = versions; *v; v++) {
                        _cleanup_free_ char *options = NULL;
                        if (nfs_mount_options(server, *v, &options) < 0)
                                return log_oom();
                        r = mount_once(location, strcmp(*v, "3") == 0 ? "nfs" : "nfs4", where, options, deadline_usec);
                        if (r == 0) {
                                log_info("kdump: mounted %s (NFS version %s) on %s.", location, *v, where);
                                return 0;
                        }
                        log_debug("kdump: mount %s with \"%s\": %s", location, options, strerror(-r));
                        /* This version is not spoken there, or the export is
                         * not offered over it (v4's pseudo root differs): the
                         * next one may be. */
                        if (r != -EPROTONOSUPPORT && r != -EPROTO && r != -ENOENT && r != -EACCES && r != -EPERM)
                                break;
                }
                if (r == -ETIME || now_usec() >= deadline_usec)
                        break;
                if (tries == 1)
                        log_notice("kdump: NFS server %s does not answer yet (%s); trying until the deadline.", server,
                                   strerror(-r));
                sleep(1);
        }
        return log_error_errno(r == -ETIME ? -ETIMEDOUT : r, "cannot mount the NFS target %s: %m", location);
}

static int nfs_op_wait(Capture *c) {
        int r;

        (void) mkdir(c->mount_dir, 0700);
        r = nfs_mount(kdump_config_target_kind(c->config), kdump_config_target_location(c->config), c->mount_dir,
                      c->target_deadline);
        if (r < 0)
                return r;
        capture_set_mounted(c, true);
        return 0;
}

/* "server:/export/path/<host>-<stamp>". */
static int nfs_op_trace_location(const Capture *c, char **ret) {
        const char *export = kdump_config_target_location(c->config), *path = fs_target_dump_path(c);
        size_t n;

        if (!export || !path)
                return -EINVAL;
        n = strlen(export);
        while (n > 0 && export[n - 1] == '/')
                n--;
        return asprintf(ret, "%.*s%s", (int) n, export, path) < 0 ? -ENOMEM : 0;
}

/* Once mounted, the export is written like any mounted filesystem. */
const TargetOps target_ops_nfs = {
        .network = true,
        .wait = nfs_op_wait,
        .dump_dir_create = fs_target_dump_dir_create,
        .save_vmcore = fs_target_save_vmcore,
        .trace_kind = CRASH_DUMP_NFS,
        .trace_location = nfs_op_trace_location,
};
