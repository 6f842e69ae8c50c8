/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "block-device.h"
#include "deadline.h"
#include "net-up.h"
#include "nfs-mount.h"
#include "dump-writer.h"
#include "fileio.h"
#include "hook-dir.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"
#include "strv.h"

#define DEFAULT_DISK_TIMEOUT_SEC 60

typedef int (*StepFunc)(Capture *c);

static bool is_network_target(const Capture *c) {
        DumpTargetType t = kdump_config_target_type(c->config);
        return t == DUMP_TARGET_NFS || t == DUMP_TARGET_SSH;
}

static int net_up_real(Capture *c) {
        long delay = 0;
        const char *v = kdump_config_string(c->config, "link_delay");

        if (!c->net)
                return log_error_errno(-EOPNOTSUPP, "this capture image has no network plan; cannot reach %s.",
                                       kdump_config_target_location(c->config));
        if (v)
                delay = strtol(v, NULL, 10);
        return net_up(c->net, delay, c->target_deadline);
}

static int mount_target_real(Capture *c) {
        const char *spec = kdump_config_target_location(c->config), *fstype = kdump_config_target_kind(c->config);
        DumpTargetType type = kdump_config_target_type(c->config);
        _cleanup_free_ char *dev = NULL;
        int r = -ENODEV;

        if (type == DUMP_TARGET_SSH)
                return 0; /* nothing to mount: ensure_dump_dir() reaches the server */
        (void) mkdir(c->mount_dir, 0700);
        if (type == DUMP_TARGET_NFS) {
                r = nfs_mount(fstype, spec, c->mount_dir, c->target_deadline);
                if (r < 0)
                        return r;
                c->mounted = true;
                return 0;
        }
        if (type != DUMP_TARGET_FS || !spec)
                return log_error_errno(-EOPNOTSUPP, "This capture image has no block-device target; cannot dump.");

        /* Block devices appear asynchronously after their driver loads. */
        for (;;) {
                r = block_device_find(spec, &dev);
                if (r >= 0 || (r != -ENODEV && r != -ENOENT) || now_usec() >= c->target_deadline)
                        break;
                usleep(100 * 1000);
        }
        if (r < 0)
                return log_error_errno(r, "Dump target %s did not appear within disk_timeout: %m", spec);

        if (mount(dev, c->mount_dir, fstype, 0, NULL) < 0)
                return log_error_errno(-errno, "Failed to mount %s (%s) on %s: %m", dev, fstype, c->mount_dir);
        c->mounted = true;
        log_info("Mounted dump target %s (%s, %s) on %s.", spec, dev, fstype, c->mount_dir);
        return 0;
}

static void unmount_target_real(Capture *c) {
        sync();
        if (umount2(c->mount_dir, 0) < 0)
                log_warning_errno(-errno, "Failed to unmount %s: %m", c->mount_dir);
        else
                c->mounted = false;
}

const CaptureOps capture_ops_real = {
        .net_up = net_up_real,
        .mount_target = mount_target_real,
        .unmount_target = unmount_target_real,
};

static const CaptureOps *ops(const Capture *c) {
        return c->ops ? c->ops : &capture_ops_real;
}

/* The smallest time a network step gets, even with disk_timeout 0. */
#define MIN_NETWORK_STEP_SEC 10

static long target_timeout_sec(const Capture *c) {
        long timeout = kdump_config_disk_timeout(c->config);
        return timeout < 0 ? DEFAULT_DISK_TIMEOUT_SEC : timeout;
}

static int step_net_up(Capture *c) {
        long t;
        int r;

        if (!is_network_target(c))
                return 0;
        r = ops(c)->net_up(c);
        if (r < 0)
                return r;
        /* Waiting for the link (and link_delay) must not eat the time the
         * server gets to answer: reaching it starts a budget of its own. */
        t = target_timeout_sec(c);
        c->target_deadline = deadline_after_sec(t < MIN_NETWORK_STEP_SEC ? MIN_NETWORK_STEP_SEC : t);
        return 0;
}

static int ensure_dump_dir(Capture *c);

static int step_wait_target(Capture *c) {
        int r = ops(c)->mount_target(c);
        if (r < 0)
                return r;
        /* ssh: creating the dump directory is what proves that the server
         * answers, takes our key and has the host key we recorded. */
        if (kdump_config_target_type(c->config) == DUMP_TARGET_SSH)
                return ensure_dump_dir(c);
        return 0;
}

static int run_hook(const char *directive, const char *exe, const char *arg) {
        char *argv[] = { (char *) exe, (char *) arg, NULL };
        int r;

        log_info("Running %s \"%s\".", directive, exe);
        r = spawn_and_wait(argv, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to run %s \"%s\": %m", directive, exe);
        if (r > 0)
                return log_error_errno(-EPROTO, "%s \"%s\" failed with exit status %d.", directive, exe, r);
        return 0;
}

/* The directive's program first, then the directory's in name order; the
 * first failure stops the rest. */
static int run_hooks(const Capture *c, const char *directive, const char *dir, const char *arg) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *path = NULL;
        const char *exe = kdump_config_string(c->config, directive);
        int r;

        if (exe && (r = run_hook(directive, exe, arg)) < 0)
                return r;
        if (asprintf(&path, "%s%s", strempty(c->root), dir) < 0)
                return log_oom();
        r = hook_dir_list(path, NULL, &l);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", dir);
        for (char **h = l; h && *h; h++)
                if ((r = run_hook(dir, *h, arg)) < 0)
                        return r;
        return 0;
}

static int step_pre_hooks(Capture *c) {
        return run_hooks(c, "kdump_pre", KDUMP_HOOK_DIR_PRE, NULL);
}

static int ensure_dump_dir(Capture *c) {
        _cleanup_free_ char *base = NULL;
        const char *path = kdump_config_path(c->config);
        int r;

        if (c->dump_dir)
                return 0;
        if (kdump_config_target_type(c->config) == DUMP_TARGET_SSH)
                return ssh_dump_dir_create(&c->ssh, path, c->host, time(NULL), c->target_deadline, c->scratch_dir,
                                           &c->dump_dir);
        if (asprintf(&base, "%s%s", c->mount_dir, strcmp(path, "/") == 0 ? "" : path) < 0)
                return log_oom();
        r = dump_dir_create(base, c->host, time(NULL), &c->dump_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to create the dump directory in \"%s\": %m", base);
        log_info("Saving the dump to %s.", c->dump_dir);
        return 0;
}

/* Over ssh the kernel log is extracted into local memory, then sent. */
static int ssh_dump_dmesg(Capture *c) {
        _cleanup_free_ char *local = NULL;
        int r = mkdir_p(c->scratch_dir, 0700);
        if (r < 0)
                return r;
        r = dump_save_dmesg(c->vmcore, c->scratch_dir);
        if (r != 0)
                return r;
        if (asprintf(&local, "%s/vmcore-dmesg.txt", c->scratch_dir) < 0)
                return -ENOMEM;
        r = ssh_send_file(&c->ssh, local, c->dump_dir, "vmcore-dmesg.txt", deadline_after_sec(60));
        (void) unlink(local);
        return r;
}

static int ssh_dump_vmcore(Capture *c) {
        _cleanup_strv_free_ char **argv = NULL;
        int r = shell_split(kdump_config_core_collector(c->config), &argv);
        if (r < 0 || !argv[0])
                return r < 0 ? r : -EINVAL;
        if (strv_extend(&argv, c->vmcore) < 0)
                return -ENOMEM;
        return ssh_save_vmcore(&c->ssh, argv, c->dump_dir);
}

static int step_dump_dmesg(Capture *c) {
        int r = ensure_dump_dir(c);
        if (r < 0)
                return r;
        /* The kernel log is small and is what an admin reads first: save it
         * before the vmcore, which may not fit. Failing here is not fatal. */
        if (kdump_config_target_type(c->config) == DUMP_TARGET_SSH)
                r = ssh_dump_dmesg(c);
        else
                r = dump_save_dmesg(c->vmcore, c->dump_dir);
        if (r != 0)
                log_warning("Could not save vmcore-dmesg.txt (%s %d); going on with the vmcore.",
                            r < 0 ? "error" : "exit status", r < 0 ? -r : r);
        else
                log_info("Saved vmcore-dmesg.txt.");
        return 0;
}

static int step_dump_vmcore(Capture *c) {
        const char *collector = kdump_config_core_collector(c->config);
        int r;

        c->dump_status = 1; /* until the vmcore is really there */
        r = ensure_dump_dir(c);
        if (r < 0)
                return r;
        log_info("Saving vmcore with \"%s\".", collector);
        if (kdump_config_target_type(c->config) == DUMP_TARGET_SSH)
                r = ssh_dump_vmcore(c);
        else
                r = dump_save_vmcore(c->vmcore, c->dump_dir, collector);
        c->dump_status = r < 0 ? 1 : r;
        if (r < 0)
                return log_error_errno(r, "Failed to save the vmcore: %m");
        if (r > 0)
                return log_error_errno(-EPROTO, "core_collector \"%s\" failed with exit status %d.", collector, r);
        sync();
        log_info("Saved vmcore to %s/vmcore%s.", c->dump_dir,
                 kdump_config_target_type(c->config) == DUMP_TARGET_SSH ? ".flat on the ssh server" : "");
        return 0;
}

static int step_post_hooks(Capture *c) {
        char status[16];

        snprintf(status, sizeof(status), "%d", c->dump_status);
        return run_hooks(c, "kdump_post", KDUMP_HOOK_DIR_POST, status);
}

/* The transitions, as kdump.conf(5) describes them. kdump_post runs after
 * a failed vmcore too, and gets the failure as its $1. */
static const struct {
        const char *name;
        StepFunc run;
        CaptureState on_success;
        CaptureState on_failure;
} steps[_CAPTURE_STATE_MAX] = {
        [CAPTURE_NET_UP] = { "net-up", step_net_up, CAPTURE_WAIT_TARGET, CAPTURE_FAILURE_ACTION },
        [CAPTURE_WAIT_TARGET] = { "wait-target", step_wait_target, CAPTURE_PRE_HOOKS, CAPTURE_FAILURE_ACTION },
        [CAPTURE_PRE_HOOKS] = { "pre-hooks", step_pre_hooks, CAPTURE_DUMP_DMESG, CAPTURE_FAILURE_ACTION },
        [CAPTURE_DUMP_DMESG] = { "dump-dmesg", step_dump_dmesg, CAPTURE_DUMP_VMCORE, CAPTURE_FAILURE_ACTION },
        [CAPTURE_DUMP_VMCORE] = { "dump-vmcore", step_dump_vmcore, CAPTURE_POST_HOOKS, CAPTURE_POST_HOOKS },
        [CAPTURE_POST_HOOKS] = { "post-hooks", step_post_hooks, CAPTURE_FINAL_ACTION, CAPTURE_FAILURE_ACTION },
        [CAPTURE_FINAL_ACTION] = { "final-action" },
        [CAPTURE_FAILURE_ACTION] = { "failure-action" },
};

const char *capture_state_to_string(CaptureState s) {
        return s < _CAPTURE_STATE_MAX ? steps[s].name : NULL;
}

KdumpAction capture_run(Capture *c) {
        CaptureState s = CAPTURE_NET_UP, failed = _CAPTURE_STATE_MAX;

        if (c->target_deadline == 0) {
                long t = target_timeout_sec(c);
                if (is_network_target(c) && t < MIN_NETWORK_STEP_SEC)
                        t = MIN_NETWORK_STEP_SEC;
                c->target_deadline = deadline_after_sec(t);
        }
        while (steps[s].run) {
                log_info("kdump: %s", steps[s].name);
                int r = steps[s].run(c);
                if (r < 0 && failed == _CAPTURE_STATE_MAX)
                        failed = s;
                s = r < 0 ? steps[s].on_failure : steps[s].on_success;
        }
        if (failed != _CAPTURE_STATE_MAX)
                log_error("dump failed in step %s; running failure_action \"%s\".", steps[failed].name,
                          kdump_action_to_string(kdump_config_failure_action(c->config)));
        /* A failed vmcore stays a failure whatever the post hooks did. */
        if (s == CAPTURE_FINAL_ACTION && c->dump_status != 0)
                s = CAPTURE_FAILURE_ACTION;
        if (c->mounted)
                ops(c)->unmount_target(c);
        if (s == CAPTURE_FINAL_ACTION)
                return kdump_config_final_action(c->config);
        /* The emergency hooks get their chance before the failure action. */
        (void) run_hooks(c, "kdump_emergency", KDUMP_HOOK_DIR_EMERGENCY, NULL);
        return kdump_config_failure_action(c->config);
}

void capture_done(Capture *c) {
        free(c->dump_dir);
        c->dump_dir = NULL;
}
