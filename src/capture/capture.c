/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture's steps and the table of their transitions. What a step does
 * to the target goes through the target's row (target-ops.h). */
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture-trace.h"
#include "child.h"
#include "collector-probe.h"
#include "deadline.h"
#include "dmesg-scan.h"
#include "dump-writer.h"
#include "fileio.h"
#include "fs-target.h"
#include "hook-dir.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "module-load.h"
#include "net-up.h"
#include "strv.h"
#include "target-ops.h"

#define DEFAULT_DISK_TIMEOUT_SEC 60

typedef int (*StepFunc)(Capture *c);

/* Short writes to a pipe are atomic: one line each. */
void capture_report(const Capture *c, const char *fmt, ...) {
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

void capture_set_mounted(Capture *c, bool mounted) {
        c->mounted = mounted;
        capture_report(c, "mounted %d", mounted);
}

static int net_up_real(Capture *c) {
        _cleanup_free_ char *address = NULL;
        long delay = 0;
        int r;
        const char *v = kdump_config_string(c->config, "link_delay");

        if (!c->net)
                return log_error_errno(-EOPNOTSUPP, "this capture image has no network plan; cannot reach %s.",
                                       kdump_config_target_location(c->config));
        if (v)
                delay = strtol(v, NULL, 10);
        /* The dump directory is named after the address the capture has,
         * a DHCP lease's when it differs from the build's. */
        r = net_up(c->net, delay, c->target_deadline, &address);
        if (r < 0)
                return r;
        free(c->net_address);
        c->net_address = TAKE_PTR(address);
        c->host = c->net_address;
        return 0;
}

static int mount_target_real(Capture *c) {
        return capture_target(c)->wait(c);
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
        .unmount_target = fs_target_unmount,
        .mount_trace = capture_trace_mount_real,
        .unmount_trace = capture_trace_unmount_real,
};

const CaptureOps *capture_ops(const Capture *c) {
        return c->ops ? c->ops : &capture_ops_real;
}

static const CaptureOps *ops(const Capture *c) {
        return capture_ops(c);
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

        if (!capture_target(c)->network)
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

static int step_wait_target(Capture *c) {
        return ops(c)->mount_target(c);
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

int capture_dump_dir_ensure(Capture *c) {
        /* The baked path is relative to the target; the root has its own. */
        const char *path = c->to_rootfs && c->rootfs_path ? c->rootfs_path : kdump_config_path(c->config);

        if (c->dump_dir)
                return 0;
        return capture_target(c)->dump_dir_create(c, path);
}

/* Where a file for the dump directory is written: there, or first in local
 * memory when the target takes files over the network (then file_send()). */
static int file_dir(const Capture *c, const TargetOps *t, const char **ret) {
        int r;

        if (!t->send_file) {
                *ret = c->dump_dir;
                return 0;
        }
        r = mkdir_p(c->scratch_dir, 0700);
        if (r < 0)
                return r;
        *ret = c->scratch_dir;
        return 0;
}

static int file_send(Capture *c, const TargetOps *t, const char *local, const char *name) {
        int r = t->send_file(c, local, name, deadline_after_sec(60));
        (void) unlink(local);
        return r;
}

static int dmesg_save(Capture *c, const TargetOps *t) {
        _cleanup_free_ char *local = NULL;
        const char *dir;
        int r;

        r = file_dir(c, t, &dir);
        if (r < 0)
                return r;
        r = dump_save_dmesg(c->vmcore, dir, capture_step_deadline(c, CAPTURE_DUMP_DMESG));
        if (r != 0)
                return r;
        if (asprintf(&local, "%s/vmcore-dmesg.txt", dir) < 0)
                return -ENOMEM;
        /* What the trace says of the crash, read while the file is here. */
        capture_crash_read(c, local);
        if (!t->send_file)
                return 0;
        return file_send(c, t, local, "vmcore-dmesg.txt");
}

static int step_dump_dmesg(Capture *c) {
        const TargetOps *t = capture_target(c);
        int r;

        /* raw: kdumpd extracts it from the vmcore it restores. */
        if (!t->dump_dir_create)
                return 0;
        r = capture_dump_dir_ensure(c);
        if (r < 0)
                return r;
        /* The kernel log is small and is what an admin reads first: save it
         * before the vmcore, which may not fit. Failing here is not fatal. */
        r = dmesg_save(c, t);
        if (r != 0)
                log_warning("Could not save vmcore-dmesg.txt (%s %d); going on with the vmcore.",
                            r < 0 ? "error" : "exit status", r < 0 ? -r : r);
        else
                log_info("Saved vmcore-dmesg.txt.");
        return 0;
}

uint64_t capture_dump_stall_usec(const Capture *c) {
        return c->dump_stall_timeout_sec > 0 ? (uint64_t) c->dump_stall_timeout_sec * 1000000ULL : 0;
}

/* The watchdog counts the bytes the collector reads and writes from
 * /proc/PID/io; a kernel without CONFIG_TASK_IO_ACCOUNTING has none, and
 * CPU time alone cannot tell a slow link from a stuck one. */
static void stall_watchdog_check(Capture *c) {
        if (c->dump_stall_timeout_sec <= 0 || access("/proc/self/io", R_OK) >= 0)
                return;
        log_warning("This kernel does not count a process's I/O (/proc/self/io, CONFIG_TASK_IO_ACCOUNTING): "
                    "dump_stall_timeout is off; only the collector's deadline ends a dump that stopped.");
        c->dump_stall_timeout_sec = 0;
}

/* The one way a collector ends that no target logs: the watchdog stopped
 * it, and its consumer with it. */
static int vmcore_stalled(const Capture *c, const char *collector) {
        return log_error_errno(-ECOMM, "no progress for %ld s: the dump target stopped taking data; "
                               "stopped core_collector \"%s\" (dump_stall_timeout in " KDUMPD_SETTINGS_PATH ").",
                               c->dump_stall_timeout_sec, collector);
}

/* The build measured that this makedumpfile misses what its dump level
 * asks it to exclude on this kernel (collector-probe.h): said on the
 * console, and beside the dump, for whoever wonders why it is so big. */
static void collector_note_save(Capture *c, const TargetOps *t) {
        _cleanup_free_ char *note = NULL, *local = NULL;
        const char *dir;

        if (read_text_file(CAPTURE_COLLECTOR_NOTE, &note) < 0)
                return;
        note[strcspn(note, "\n")] = '\0';
        log_warning("This dump is bigger than its dump level says: %s", note);
        if (file_dir(c, t, &dir) < 0 || asprintf(&local, "%s/" COLLECTOR_NOTE_FILE, dir) < 0)
                return;
        _cleanup_close_ int fd = open(local, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 || loop_write(fd, note, strlen(note)) < 0 || loop_write(fd, "\n", 1) < 0 || fsync(fd) < 0) {
                log_warning_errno(-errno, "Cannot write %s: %m", local);
                return;
        }
        if (t->send_file)
                (void) file_send(c, t, local, COLLECTOR_NOTE_FILE);
}

static int step_dump_vmcore(Capture *c) {
        const TargetOps *t = capture_target(c);
        char * const *argv = kdump_config_core_collector_argv(c->config);
        const char *collector = kdump_config_core_collector(c->config);
        int r;

        c->dump_status = 1; /* until the vmcore is really there */
        c->vmcore_saved = false;
        stall_watchdog_check(c);
        if (t->dump_vmcore) {
                r = t->dump_vmcore(c, argv);
                c->vmcore_saved = r >= 0 && c->dump_status == 0;
                return r == -ECOMM ? vmcore_stalled(c, collector) : r;
        }
        r = capture_dump_dir_ensure(c);
        if (r < 0)
                return r;
        log_info("Saving vmcore with \"%s\".", collector);
        r = t->save_vmcore(c, argv);
        c->dump_status = r < 0 ? 1 : r;
        if (r == -ECOMM)
                return vmcore_stalled(c, collector);
        if (r == -ETIME)
                return log_error_errno(r, "core_collector \"%s\" did not finish in time; killed it.", collector);
        if (r < 0)
                return log_error_errno(r, "Failed to save the vmcore: %m");
        if (r > 0)
                return log_error_errno(-EPROTO, "core_collector \"%s\" failed with exit status %d.", collector, r);
        sync();
        c->vmcore_saved = true;
        log_info("Saved vmcore to %s/vmcore%s.", c->dump_dir, strempty(t->saved_as));
        collector_note_save(c, t);
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
        const TargetOps *t = capture_target(c);
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
        if (file_dir(c, t, &dir) < 0 || asprintf(&local, "%s/" KEXEC_DMESG_LOG, dir) < 0)
                return 0;
        /* No O_TRUNC: into the space fs-target.c reserved for it, then cut. */
        _cleanup_close_ int fd = open(local, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0 || loop_write(fd, buf, n) < 0 || ftruncate(fd, n) < 0 || fsync(fd) < 0) {
                log_warning_errno(-errno, "Cannot write %s: %m", local);
                return 0;
        }
        if (t->send_file)
                (void) file_send(c, t, local, KEXEC_DMESG_LOG);
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
        [CAPTURE_UNMOUNT] = { "unmount", step_unmount, CAPTURE_TRACE, CAPTURE_TRACE },
        [CAPTURE_TRACE] = { "trace", capture_trace, CAPTURE_END, CAPTURE_END },
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
        case CAPTURE_TRACE:
                return deadline_after_sec(CAPTURE_TRACE_TIMEOUT_SEC);
        default:
                return deadline_after_sec(CAPTURE_HOOK_TIMEOUT_SEC);
        }
}

KdumpAction capture_run(Capture *c) {
        CaptureState s = CAPTURE_LOAD_MODULES;

        c->failed_step = _CAPTURE_STATE_MAX;
        if (c->target_deadline == 0) {
                long t = target_timeout_sec(c);
                if (capture_target(c)->network && t < MIN_NETWORK_STEP_SEC)
                        t = MIN_NETWORK_STEP_SEC;
                c->target_deadline = deadline_after_sec(t);
        }
        while (s != CAPTURE_END) {
                log_info("kdump: %s", steps[s].name);
                capture_report(c, "step %s %llu", steps[s].name, (unsigned long long) capture_step_deadline(c, s));
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
        /* What hung once would hang again: the trace is all that was left. */
        if (died_in == CAPTURE_TRACE)
                return;
        /* The hooks run once: not again when the worker died in or after them. */
        if (died_in < CAPTURE_EMERGENCY || died_in >= _CAPTURE_STATE_MAX)
                (void) run_hooks(c, "kdump_emergency", KDUMP_HOOK_DIR_EMERGENCY, NULL);
        (void) step_save_log(c);
        (void) step_unmount(c);
        /* The worker's word on the vmcore died with it. */
        c->failed_step = died_in < _CAPTURE_STATE_MAX ? died_in : CAPTURE_LOAD_MODULES;
        c->vmcore_saved = false;
        (void) capture_trace(c);
}

int capture_mount_root(Capture *c, const char *spec, const char *fstype) {
        (void) mkdir(c->mount_dir, 0755);
        return ops(c)->mount_root ? ops(c)->mount_root(c, spec, fstype)
                                  : fs_target_mount(c, spec, fstype, deadline_after_sec(target_timeout_sec(c)));
}

typedef struct RootMount {
        Capture *c;
        const char *spec, *fstype;
} RootMount;

static int root_mount_in_child(void *userdata) {
        RootMount *m = userdata;
        return capture_mount_root(m->c, m->spec, m->fstype);
}

long capture_root_mount_timeout_sec(const Capture *c) {
        return c->root_mount_timeout_sec > 0 ? c->root_mount_timeout_sec
                                             : target_timeout_sec(c) + CAPTURE_ROOT_MOUNT_GRACE_SEC;
}

int capture_mount_root_bounded(Capture *c, const char *spec, const char *fstype) {
        long sec = capture_root_mount_timeout_sec(c);
        RootMount m = { .c = c, .spec = spec, .fstype = fstype };
        int r;

        /* The child's mount is ours too: a fork shares the mount table. */
        r = child_call(root_mount_in_child, &m, deadline_after_sec(sec));
        if (r == -ETIME)
                return log_error_errno(r, "Mounting the root filesystem %s did not end within %ld s; gave up on it.",
                                       spec, sec);
        if (r < 0)
                return r; /* the child logged why */
        c->mounted = true;
        return 0;
}

/* One step of a run outside the table, reported to PID 1 like the others. */
static int run_step(Capture *c, CaptureState s, uint64_t deadline, StepFunc f) {
        log_info("kdump: %s", steps[s].name);
        capture_report(c, "step %s %llu", steps[s].name, (unsigned long long) deadline);
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
        c->vmcore_saved = false;
        c->failed_step = _CAPTURE_STATE_MAX;
        log_notice("kdump: dump_to_rootfs: saving the dump to the root filesystem %s.", spec);
        r = run_step(c, CAPTURE_WAIT_TARGET, deadline_after_sec(target_timeout_sec(c)), step_mount_root);
        if (r < 0)
                c->failed_step = CAPTURE_WAIT_TARGET;
        if (r >= 0 && (r = run_step(c, CAPTURE_DUMP_DMESG, capture_step_deadline(c, CAPTURE_DUMP_DMESG),
                                    step_dump_dmesg)) < 0)
                c->failed_step = CAPTURE_DUMP_DMESG;
        if (r >= 0 && (r = run_step(c, CAPTURE_DUMP_VMCORE, capture_step_deadline(c, CAPTURE_DUMP_VMCORE),
                                    step_dump_vmcore)) < 0)
                c->failed_step = CAPTURE_DUMP_VMCORE;
        (void) run_step(c, CAPTURE_SAVE_LOG, capture_step_deadline(c, CAPTURE_SAVE_LOG), step_save_log);
        (void) run_step(c, CAPTURE_UNMOUNT, capture_step_deadline(c, CAPTURE_UNMOUNT), step_unmount);
        /* The trace the first run left says what failed; this one says
         * where the dump went (capture_trace() keeps the first why). */
        (void) run_step(c, CAPTURE_TRACE, capture_step_deadline(c, CAPTURE_TRACE), capture_trace);
        return r;
}

void capture_done(Capture *c) {
        free(c->net_address);
        c->net_address = NULL;
        free(c->dump_dir);
        c->dump_dir = NULL;
        free(c->crash_kernel);
        c->crash_kernel = NULL;
        free(c->crash_panic);
        c->crash_panic = NULL;
        free(c->raw_device);
        c->raw_device = NULL;
}
