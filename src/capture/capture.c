/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "block-device.h"
#include "child.h"
#include "deadline.h"
#include "net-up.h"
#include "nfs-mount.h"
#include "raw-target.h"
#include "dump-writer.h"
#include "fileio.h"
#include "hook-dir.h"
#include "log.h"
#include "lvm-activate.h"
#include "macro.h"
#include "module-load.h"
#include "strv.h"

#define DEFAULT_DISK_TIMEOUT_SEC 60

typedef int (*StepFunc)(Capture *c);

/* dump_to_rootfs writes to the real root's path, whatever the target. */
static DumpTargetType target_type(const Capture *c) {
        return c->to_rootfs ? DUMP_TARGET_PATH : kdump_config_target_type(c->config);
}

/* Tells PID 1 what the worker is doing: "step NAME DEADLINE", "dir PATH",
 * "mounted 0|1", one line each (short writes to a pipe are atomic). */
_printf_(2, 3) static void report(const Capture *c, const char *fmt, ...) {
        char line[PATH_MAX + 32];
        va_list ap;

        if (c->report_fd <= 0)
                return;
        va_start(ap, fmt);
        int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof(line) - 1)
                return;
        line[n++] = '\n';
        (void) !write(c->report_fd, line, n);
}

static void set_mounted(Capture *c, bool mounted) {
        c->mounted = mounted;
        report(c, "mounted %d", mounted);
}

static bool is_network_target(const Capture *c) {
        DumpTargetType t = target_type(c);
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

/* Waits for the block device spec names (drivers bring devices up
 * asynchronously) until deadline, then mounts it on c->mount_dir. */
static int mount_block_device(Capture *c, const char *spec, const char *fstype, uint64_t deadline) {
        _cleanup_free_ char *dev = NULL;
        int r;

        r = block_device_wait(spec, deadline, &dev);
        if (r < 0)
                return log_error_errno(r, "Dump target %s did not appear within disk_timeout: %m", spec);

        if (mount(dev, c->mount_dir, fstype, 0, NULL) < 0)
                return log_error_errno(-errno, "Failed to mount %s (%s) on %s: %m", dev, fstype, c->mount_dir);
        set_mounted(c, true);
        log_info("Mounted dump target %s (%s, %s) on %s.", spec, dev, fstype, c->mount_dir);
        return 0;
}

static int mount_target_real(Capture *c) {
        const char *spec = kdump_config_target_location(c->config), *fstype = kdump_config_target_kind(c->config);
        DumpTargetType type = target_type(c);
        int r;

        if (type == DUMP_TARGET_SSH)
                return 0; /* nothing to mount: ensure_dump_dir() reaches the server */
        if (type == DUMP_TARGET_RAW) /* nothing to mount: the dump goes to the device */
                return raw_target_find(spec, c->target_deadline, &c->raw_device);
        (void) mkdir(c->mount_dir, 0700);
        if (type == DUMP_TARGET_NFS) {
                r = nfs_mount(fstype, spec, c->mount_dir, c->target_deadline);
                if (r < 0)
                        return r;
                set_mounted(c, true);
                return 0;
        }
        if (type != DUMP_TARGET_FS || !spec)
                return log_error_errno(-EOPNOTSUPP, "This capture image has no block-device target; cannot dump.");
        /* An LVM target appears once lvm has activated it; a failure
         * is logged, and the wait below tells whether the LV came up. */
        (void) lvm_activate(LVM_PLAN_PATH, c->target_deadline);
        return mount_block_device(c, spec, fstype, c->target_deadline);
}

static void unmount_target_real(Capture *c) {
        sync();
        if (umount2(c->mount_dir, 0) < 0)
                log_warning_errno(-errno, "Failed to unmount %s: %m", c->mount_dir);
        else
                set_mounted(c, false);
}

/* The names mkdumprd wrote into the image, then whatever the devices that
 * appeared ask for (coldplug: we have no udev). */
static int load_modules_real(Capture *c) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **names = NULL;

        (void) c;
        if (read_full_file("/etc/kdump/modules", &text, NULL) >= 0 && shell_split(text, &names) >= 0)
                (void) modules_load_names(names);
        return modules_coldplug();
}

const CaptureOps capture_ops_real = {
        .load_modules = load_modules_real,
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
        if (target_type(c) == DUMP_TARGET_SSH)
                return ensure_dump_dir(c);
        return 0;
}

static int run_hook(const char *directive, const char *exe, const char *arg, uint64_t deadline) {
        char *argv[] = { (char *) exe, (char *) arg, NULL };
        int r;

        log_info("Running %s \"%s\".", directive, exe);
        r = child_run(argv, NULL, -1, -1, deadline);
        if (r == -ETIME)
                return log_error_errno(r, "%s \"%s\" did not finish in time; killed it.", directive, exe);
        if (r < 0)
                return log_error_errno(r, "Failed to run %s \"%s\": %m", directive, exe);
        if (r > 0)
                return log_error_errno(-EPROTO, "%s \"%s\" failed with exit status %d.", directive, exe, r);
        return 0;
}

/* The directive's program first, then the directory's in name order; the
 * first failure stops the rest. All of them share one deadline. */
static int run_hooks(const Capture *c, const char *directive, const char *dir, const char *arg) {
        uint64_t deadline = deadline_after_sec(c->hook_timeout_sec > 0 ? c->hook_timeout_sec : CAPTURE_HOOK_TIMEOUT_SEC);
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *path = NULL;
        const char *exe = kdump_config_string(c->config, directive);
        int r;

        if (exe && (r = run_hook(directive, exe, arg, deadline)) < 0)
                return r;
        if (asprintf(&path, "%s%s", strempty(c->root), dir) < 0)
                return log_oom();
        r = hook_dir_list(path, NULL, &l);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", dir);
        for (char **h = l; h && *h; h++)
                if ((r = run_hook(dir, *h, arg, deadline)) < 0)
                        return r;
        return 0;
}

static int step_pre_hooks(Capture *c) {
        return run_hooks(c, "kdump_pre", KDUMP_HOOK_DIR_PRE, NULL);
}

#define KEXEC_DMESG_LOG "kexec-dmesg.log"

/* The capture's own log is written last, when a dump that filled the disk
 * has left no room: its space is taken now, while there is some. */
static void reserve_log_space(const char *dir) {
        _cleanup_free_ char *p = NULL;
        int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);

        if (size <= 0 || asprintf(&p, "%s/" KEXEC_DMESG_LOG, dir) < 0)
                return;
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0)
                (void) posix_fallocate(fd, 0, size);
}

static int ensure_dump_dir(Capture *c) {
        _cleanup_free_ char *base = NULL;
        /* The baked path is relative to the target; the root has its own. */
        const char *path = c->to_rootfs && c->rootfs_path ? c->rootfs_path : kdump_config_path(c->config);
        int r;

        if (c->dump_dir)
                return 0;
        if (target_type(c) == DUMP_TARGET_SSH)
                return ssh_dump_dir_create(&c->ssh, path, c->host, time(NULL), c->target_deadline, c->scratch_dir,
                                           &c->dump_dir);
        if (asprintf(&base, "%s%s", c->mount_dir, strcmp(path, "/") == 0 ? "" : path) < 0)
                return log_oom();
        r = dump_dir_create(base, c->host, time(NULL), &c->dump_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to create the dump directory in \"%s\": %m", base);
        report(c, "dir %s", c->dump_dir);
        reserve_log_space(c->dump_dir);
        log_info("Saving the dump to %s.", c->dump_dir);
        return 0;
}

/* Over ssh the kernel log is extracted into local memory, then sent. */
static int ssh_dump_dmesg(Capture *c) {
        _cleanup_free_ char *local = NULL;
        int r = mkdir_p(c->scratch_dir, 0700);
        if (r < 0)
                return r;
        r = dump_save_dmesg(c->vmcore, c->scratch_dir, capture_step_deadline(c, CAPTURE_DUMP_DMESG));
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
        if (strv_extend_strv(&argv, kdump_config_core_collector_argv(c->config)) < 0 ||
            strv_extend(&argv, c->vmcore) < 0)
                return -ENOMEM;
        return ssh_save_vmcore(&c->ssh, argv, c->dump_dir, capture_step_deadline(c, CAPTURE_DUMP_VMCORE));
}

static int step_dump_dmesg(Capture *c) {
        /* raw: kdumpd extracts it from the vmcore it restores. */
        if (target_type(c) == DUMP_TARGET_RAW)
                return 0;
        int r = ensure_dump_dir(c);
        if (r < 0)
                return r;
        /* The kernel log is small and is what an admin reads first: save it
         * before the vmcore, which may not fit. Failing here is not fatal. */
        if (target_type(c) == DUMP_TARGET_SSH)
                r = ssh_dump_dmesg(c);
        else
                r = dump_save_dmesg(c->vmcore, c->dump_dir, capture_step_deadline(c, CAPTURE_DUMP_DMESG));
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
        if (target_type(c) == DUMP_TARGET_RAW) {
                r = raw_target_save_vmcore(c->raw_device, kdump_config_core_collector_argv(c->config), c->vmcore,
                                           capture_step_deadline(c, CAPTURE_DUMP_VMCORE));
                c->dump_status = r < 0 ? 1 : r;
                return r > 0 ? -EPROTO : r;
        }
        r = ensure_dump_dir(c);
        if (r < 0)
                return r;
        log_info("Saving vmcore with \"%s\".", collector);
        if (target_type(c) == DUMP_TARGET_SSH)
                r = ssh_dump_vmcore(c);
        else
                r = dump_save_vmcore(c->vmcore, c->dump_dir, kdump_config_core_collector_argv(c->config),
                                     capture_step_deadline(c, CAPTURE_DUMP_VMCORE));
        c->dump_status = r < 0 ? 1 : r;
        if (r == -ETIME)
                return log_error_errno(r, "core_collector \"%s\" did not finish in time; killed it.", collector);
        if (r < 0)
                return log_error_errno(r, "Failed to save the vmcore: %m");
        if (r > 0)
                return log_error_errno(-EPROTO, "core_collector \"%s\" failed with exit status %d.", collector, r);
        sync();
        log_info("Saved vmcore to %s/vmcore%s.", c->dump_dir,
                 target_type(c) == DUMP_TARGET_SSH ? ".flat on the ssh server" : "");
        return 0;
}

static int step_post_hooks(Capture *c) {
        char status[16];

        snprintf(status, sizeof(status), "%d", c->dump_status);
        return run_hooks(c, "kdump_post", KDUMP_HOOK_DIR_POST, status);
}

static int step_load_modules(Capture *c) {
        if (ops(c)->load_modules)
                (void) ops(c)->load_modules(c);
        /* A driver that did not load shows as a target that never appears,
         * with its own deadline: never a reason to stop here. */
        return 0;
}

static int step_emergency(Capture *c) {
        log_error("dump failed in step %s; running failure_action \"%s\".", capture_state_to_string(c->failed_step),
                  kdump_action_to_string(kdump_config_failure_action(c->config)));
        /* The target is still mounted: a hook may want to save something. */
        (void) run_hooks(c, "kdump_emergency", KDUMP_HOOK_DIR_EMERGENCY, NULL);
        return 0;
}

/* The capture kernel's own log (our messages are in it, /dev/kmsg): what an
 * admin reads to learn why a dump failed or took long. */
static int step_save_log(Capture *c) {
        _cleanup_free_ char *buf = NULL, *local = NULL;
        const char *dir;
        int size, n;

        if (!c->dump_dir)
                return 0;
        size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
        if (size <= 0 || !(buf = malloc(size)))
                return 0;
        n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
        if (n < 0) {
                log_warning_errno(-errno, "Cannot read the kernel log for kexec-dmesg.log: %m");
                return 0;
        }
        bool ssh = target_type(c) == DUMP_TARGET_SSH;
        if (ssh && mkdir_p(c->scratch_dir, 0700) < 0)
                return 0;
        dir = ssh ? c->scratch_dir : c->dump_dir;
        if (asprintf(&local, "%s/" KEXEC_DMESG_LOG, dir) < 0)
                return 0;
        /* No O_TRUNC: into the space reserve_log_space() took, then cut. */
        _cleanup_close_ int fd = open(local, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 || loop_write(fd, buf, n) < 0 || ftruncate(fd, n) < 0 || fsync(fd) < 0) {
                log_warning_errno(-errno, "Cannot write %s: %m", local);
                return 0;
        }
        if (ssh) {
                (void) ssh_send_file(&c->ssh, local, c->dump_dir, KEXEC_DMESG_LOG, deadline_after_sec(60));
                (void) unlink(local);
        }
        return 0;
}

static int step_unmount(Capture *c) {
        if (c->mounted)
                ops(c)->unmount_target(c);
        return 0;
}

/* The transitions, as kdump.conf(5) describes them. kdump_post runs after
 * a failed vmcore too, and gets the failure as its $1. Every failure goes
 * through EMERGENCY (the first failure is kept in c->failed_step). */
static const struct {
        const char *name;
        StepFunc run;
        CaptureState on_success;
        CaptureState on_failure;
} steps[_CAPTURE_STATE_MAX] = {
        [CAPTURE_LOAD_MODULES] = { "load-modules", step_load_modules, CAPTURE_NET_UP, CAPTURE_NET_UP },
        [CAPTURE_NET_UP] = { "net-up", step_net_up, CAPTURE_WAIT_TARGET, CAPTURE_EMERGENCY },
        [CAPTURE_WAIT_TARGET] = { "wait-target", step_wait_target, CAPTURE_PRE_HOOKS, CAPTURE_EMERGENCY },
        [CAPTURE_PRE_HOOKS] = { "pre-hooks", step_pre_hooks, CAPTURE_DUMP_DMESG, CAPTURE_EMERGENCY },
        [CAPTURE_DUMP_DMESG] = { "dump-dmesg", step_dump_dmesg, CAPTURE_DUMP_VMCORE, CAPTURE_EMERGENCY },
        [CAPTURE_DUMP_VMCORE] = { "dump-vmcore", step_dump_vmcore, CAPTURE_POST_HOOKS, CAPTURE_POST_HOOKS },
        [CAPTURE_POST_HOOKS] = { "post-hooks", step_post_hooks, CAPTURE_SAVE_LOG, CAPTURE_EMERGENCY },
        [CAPTURE_EMERGENCY] = { "emergency", step_emergency, CAPTURE_SAVE_LOG, CAPTURE_SAVE_LOG },
        [CAPTURE_SAVE_LOG] = { "save-log", step_save_log, CAPTURE_UNMOUNT, CAPTURE_UNMOUNT },
        [CAPTURE_UNMOUNT] = { "unmount", step_unmount, CAPTURE_END, CAPTURE_END },
        [CAPTURE_END] = { "end" },
};

const char *capture_state_to_string(CaptureState s) {
        return s < _CAPTURE_STATE_MAX ? steps[s].name : NULL;
}

CaptureState capture_state_from_string(const char *name) {
        for (CaptureState s = 0; s < _CAPTURE_STATE_MAX; s++)
                if (name && steps[s].name && strcmp(steps[s].name, name) == 0)
                        return s;
        return _CAPTURE_STATE_MAX;
}

uint64_t capture_step_deadline(const Capture *c, CaptureState s) {
        struct stat st;
        uint64_t sec;

        switch (s) {
        case CAPTURE_NET_UP: {
                /* link_delay is waited on top of disk_timeout. */
                const char *v = kdump_config_string(c->config, "link_delay");
                long delay = v ? strtol(v, NULL, 10) : 0;
                return c->target_deadline + (uint64_t) (delay > 0 ? delay : 0) * 1000000ULL;
        }
        case CAPTURE_WAIT_TARGET:
                return c->target_deadline;
        case CAPTURE_DUMP_DMESG:
        case CAPTURE_SAVE_LOG:
                return deadline_after_sec(CAPTURE_DMESG_TIMEOUT_SEC);
        case CAPTURE_DUMP_VMCORE:
                sec = CAPTURE_COLLECTOR_BASE_SEC;
                if (stat(c->vmcore, &st) >= 0 && st.st_size > 0)
                        sec += (uint64_t) st.st_size / CAPTURE_COLLECTOR_MIN_RATE;
                return now_usec() + sec * 1000000ULL;
        case CAPTURE_UNMOUNT:
                return deadline_after_sec(60);
        default:
                return deadline_after_sec(CAPTURE_HOOK_TIMEOUT_SEC);
        }
}

KdumpAction capture_run(Capture *c) {
        CaptureState s = CAPTURE_LOAD_MODULES;

        c->failed_step = _CAPTURE_STATE_MAX;
        if (c->target_deadline == 0) {
                long t = target_timeout_sec(c);
                if (is_network_target(c) && t < MIN_NETWORK_STEP_SEC)
                        t = MIN_NETWORK_STEP_SEC;
                c->target_deadline = deadline_after_sec(t);
        }
        while (s != CAPTURE_END) {
                log_info("kdump: %s", steps[s].name);
                report(c, "step %s %llu", steps[s].name, (unsigned long long) capture_step_deadline(c, s));
                int r = steps[s].run(c);
                if (r < 0 && c->failed_step == _CAPTURE_STATE_MAX)
                        c->failed_step = s;
                CaptureState next = r < 0 ? steps[s].on_failure : steps[s].on_success;
                /* A failed vmcore stays a failure whatever the post hooks did. */
                if (next == CAPTURE_SAVE_LOG && s != CAPTURE_EMERGENCY && c->failed_step != _CAPTURE_STATE_MAX)
                        next = CAPTURE_EMERGENCY;
                s = next;
        }
        return c->failed_step == _CAPTURE_STATE_MAX ? kdump_config_final_action(c->config)
                                                    : kdump_config_failure_action(c->config);
}

void capture_recover(Capture *c, CaptureState died_in) {
        /* The hooks run once: not again when the worker died in or after them. */
        if (died_in < CAPTURE_EMERGENCY || died_in >= _CAPTURE_STATE_MAX)
                (void) run_hooks(c, "kdump_emergency", KDUMP_HOOK_DIR_EMERGENCY, NULL);
        (void) step_save_log(c);
        (void) step_unmount(c);
}

int capture_mount_root(Capture *c, const char *spec, const char *fstype) {
        (void) mkdir(c->mount_dir, 0755);
        return ops(c)->mount_root ? ops(c)->mount_root(c, spec, fstype)
                                  : mount_block_device(c, spec, fstype, deadline_after_sec(target_timeout_sec(c)));
}

/* One step of a run outside the table, reported to PID 1 like the others. */
static int run_step(Capture *c, CaptureState s, uint64_t deadline, StepFunc f) {
        log_info("kdump: %s", steps[s].name);
        report(c, "step %s %llu", steps[s].name, (unsigned long long) deadline);
        return f(c);
}

static int step_mount_root(Capture *c) {
        return capture_mount_root(c, c->root_spec, c->root_fstype);
}

int capture_dump_to_rootfs(Capture *c, const char *spec, const char *fstype, const char *path) {
        int r;

        if (c->mounted)
                ops(c)->unmount_target(c);
        free(c->dump_dir);
        c->dump_dir = NULL;
        c->to_rootfs = true;
        c->rootfs_path = path;
        c->root_spec = spec;
        c->root_fstype = fstype;
        c->dump_status = 1;
        log_notice("kdump: dump_to_rootfs: saving the dump to the root filesystem %s.", spec);
        r = run_step(c, CAPTURE_WAIT_TARGET, deadline_after_sec(target_timeout_sec(c)), step_mount_root);
        if (r >= 0)
                r = run_step(c, CAPTURE_DUMP_DMESG, capture_step_deadline(c, CAPTURE_DUMP_DMESG), step_dump_dmesg);
        if (r >= 0)
                r = run_step(c, CAPTURE_DUMP_VMCORE, capture_step_deadline(c, CAPTURE_DUMP_VMCORE), step_dump_vmcore);
        (void) run_step(c, CAPTURE_SAVE_LOG, capture_step_deadline(c, CAPTURE_SAVE_LOG), step_save_log);
        (void) run_step(c, CAPTURE_UNMOUNT, capture_step_deadline(c, CAPTURE_UNMOUNT), step_unmount);
        return r;
}

void capture_done(Capture *c) {
        free(c->dump_dir);
        c->dump_dir = NULL;
        free(c->raw_device);
        c->raw_device = NULL;
}
