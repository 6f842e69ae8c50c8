/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdump-capture: the /init of the capture initramfs. It runs as PID 1 in
 * the capture kernel, with no init system and no udev. PID 1 sets up the
 * few mounts it needs and then only supervises: a worker process runs the
 * capture state machine (capture.c) with the configuration baked into the
 * image, and whatever happens to it, PID 1 ends the boot with the action
 * kdump.conf asks for (there is nobody else to ask). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "capture-trace.h"
#include "fileio.h"
#include "kdump-config.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "meminfo.h"
#include "net-plan.h"
#include "strv.h"
#include "supervisor.h"
#include "deadline.h"

#define CAPTURE_CONFIG "/etc/kdump.conf"
#define CAPTURE_ROOT "/etc/kdump/root"
#define SHELL "/bin/sh"
#define CAPTURE_NET_PLAN "/etc/kdump/net"
#define VMCORE "/proc/vmcore"

/* For /proc/sys files: no temp file and rename, one write. */
static int write_proc_file(const char *path, const char *text) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return loop_write(fd, text, strlen(text));
}

static void mount_api_filesystems(void) {
        static const struct {
                const char *what, *where, *type;
        } m[] = {
                { "proc", "/proc", "proc" },
                { "sysfs", "/sys", "sysfs" },
                { "devtmpfs", "/dev", "devtmpfs" },
                { "tmpfs", "/run", "tmpfs" },
        };
        for (size_t i = 0; i < ELEMENTSOF(m); i++) {
                (void) mkdir(m[i].where, 0755);
                if (mount(m[i].what, m[i].where, m[i].type, MS_NOSUID, NULL) < 0 && errno != EBUSY)
                        log_warning_errno(-errno, "Failed to mount %s: %m", m[i].where);
        }
}

/* Without /dev/console in the image the kernel starts us with no fds 0-2.
 * None of them may stay closed: a pipe or file opened later would land
 * there and be taken for stdin/stdout by the children. */
static void open_console(void) {
        if (fcntl(STDERR_FILENO, F_GETFD) >= 0)
                return;
        int fd = open("/dev/console", O_RDWR | O_NOCTTY);
        if (fd < 0)
                fd = open("/dev/null", O_RDWR);
        if (fd < 0)
                return;
        for (int i = 0; i < 3; i++)
                if (i != fd)
                        dup2(fd, i);
        if (fd > 2)
                close(fd);
}

/* kdumpd.conf as mkdumprd baked it into the image: the settings the
 * capture reads (none of the file's other keys). An image without it, or
 * with one this build cannot read, gets the defaults: a dump is still
 * possible. */
static KdumpdSettings *capture_settings_load(void) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = NULL;
        ConfigDiagnostics diag = {};
        int r;

        r = kdumpd_settings_load(KDUMPD_SETTINGS_PATH, &diag, &s);
        log_config_diagnostics(&diag);
        if (r >= 0)
                return TAKE_PTR(s);
        log_warning_errno(r, "cannot read %s: %m; using the default settings.", KDUMPD_SETTINGS_PATH);
        if (kdumpd_settings_parse_string(KDUMPD_SETTINGS_PATH, "", NULL, &s) < 0)
                return NULL;
        return TAKE_PTR(s);
}

/* PID 1's backstop over the worker's own deadlines. */
#define SUPERVISOR_GRACE_USEC (15 * 1000000ULL)

static void kill_everyone(pid_t worker) {
        (void) worker;
        /* From PID 1, -1 is every process but ourselves: the worker and
         * whatever it started, in whichever session. */
        (void) kill(-1, SIGKILL);
}

typedef int (*WorkFunc)(Capture *c, void *userdata);

/* Runs work(c) in a worker process and supervises it (s: how it ended). */
static int run_worker(Capture *c, WorkFunc work, void *userdata, uint64_t first_deadline, Supervision *s) {
        int fds[2], r;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return log_error_errno(-errno, "cannot create the worker's pipe: %m");
        pid_t pid = fork();
        if (pid < 0) {
                r = log_error_errno(-errno, "cannot start a worker: %m");
                close(fds[0]);
                close(fds[1]);
                return r;
        }
        if (pid == 0) {
                close(fds[0]);
                c->report_fd = fds[1];
                _exit(work(c, userdata) < 0 ? WORKER_EXIT_FAILURE : WORKER_EXIT_SUCCESS);
        }
        close(fds[1]);
        r = supervise(pid, fds[0], first_deadline, SUPERVISOR_GRACE_USEC, kill_everyone, s);
        close(fds[0]);
        if (r < 0)
                return log_error_errno(r, "supervising the worker failed: %m");
        return 0;
}

static int work_recover(Capture *c, void *userdata) {
        capture_recover(c, *(CaptureState *) userdata);
        return 0;
}

/* Runs work(c) in a supervised worker. Returns 0 when it succeeded;
 * otherwise -EPROTO, after what a dead worker could not do any more (the
 * emergency hooks, the log, unmounting) was done by a second worker: that
 * I/O may hang on the same target, and PID 1 must stay free to end the
 * boot. */
static int run_supervised(Capture *c, WorkFunc work, void *userdata) {
        _cleanup_(supervision_done) Supervision s = {}, rs = {};

        if (run_worker(c, work, userdata, deadline_after_sec(60), &s) < 0) {
                log_error("running the dump in PID 1 itself.");
                return work(c, userdata) < 0 ? -EPROTO : 0;
        }
        if (s.end == WORKER_SUCCEEDED)
                return 0;
        if (s.end == WORKER_FAILED)
                return -EPROTO;
        /* Stuck in the trace, after everything else: the dump ended as it
         * said, and nothing is left to recover. */
        if (capture_state_from_string(s.step) == CAPTURE_TRACE && s.outcome != WORKER_OUTCOME_UNKNOWN) {
                log_error("the capture worker %s in step trace; no trace for the next boot.",
                          worker_end_to_string(s.end));
                return s.outcome == WORKER_OUTCOME_OK ? 0 : -EPROTO;
        }
        if (WIFSIGNALED(s.status))
                log_error("the capture worker was killed by signal %d (%s) in step %s.", WTERMSIG(s.status),
                          strsignal(WTERMSIG(s.status)), s.step[0] ? s.step : "start");
        else
                log_error("the capture worker %s in step %s.", worker_end_to_string(s.end),
                          s.step[0] ? s.step : "start");
        free(c->dump_dir);
        c->dump_dir = TAKE_PTR(s.dump_dir);
        c->mounted = s.mounted;
        c->report_fd = -1;
        CaptureState died_in = capture_state_from_string(s.step);
        (void) run_worker(c, work_recover, &died_in,
                          deadline_after_sec(CAPTURE_HOOK_TIMEOUT_SEC + CAPTURE_DMESG_TIMEOUT_SEC + 60), &rs);
        return -EPROTO;
}

static int work_capture(Capture *c, void *userdata) {
        (void) userdata;
        (void) capture_run(c);
        return c->failed_step == _CAPTURE_STATE_MAX ? 0 : -EPROTO;
}

/* The real root as mkdumprd recorded it: "SPEC FSTYPE PATH" (PATH:
 * kdump.conf's path, quoted). */
static int read_root(char **ret_spec, char **ret_fstype, char **ret_path) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **w = NULL;
        int r = read_text_file(CAPTURE_ROOT, &text);
        if (r < 0)
                return log_error_errno(r, "%s is missing: this image cannot reach the root filesystem: %m",
                                       CAPTURE_ROOT);
        r = shell_split(text, &w);
        if (r < 0 || strv_length(w) != 3)
                return log_error_errno(r < 0 ? r : -EINVAL, "%s is not \"SPEC FSTYPE PATH\".", CAPTURE_ROOT);
        *ret_spec = strdup(w[0]);
        *ret_fstype = strdup(w[1]);
        if (ret_path)
                *ret_path = strdup(w[2]);
        return *ret_spec && *ret_fstype && (!ret_path || *ret_path) ? 0 : log_oom();
}

/* Where the trace goes, as mkdumprd recorded it: "SPEC FSTYPE STORE";
 * none when the image has no such file (the state directory is not on a
 * filesystem the capture can mount). */
static void read_trace_spec(char ***ret_words, char ***ret_modules) {
        _cleanup_free_ char *text = NULL, *mods = NULL;
        _cleanup_strv_free_ char **w = NULL;

        if (read_text_file(CAPTURE_TRACE_SPEC, &text) < 0)
                return;
        if (shell_split(text, &w) < 0 || strv_length(w) != 3) {
                log_warning("%s is not \"SPEC FSTYPE STORE\"; this capture leaves no trace for the next boot.",
                            CAPTURE_TRACE_SPEC);
                return;
        }
        if (read_text_file(CAPTURE_TRACE_MODULES, &mods) >= 0)
                (void) shell_split(mods, ret_modules);
        *ret_words = TAKE_PTR(w);
}

static int work_dump_to_rootfs(Capture *c, void *userdata) {
        char **root = userdata;
        return capture_dump_to_rootfs(c, root[0], root[1], root[2]);
}

/* A shell on the console for the admin; the boot goes on with final_action
 * when it exits. It is the one wait without a deadline: someone asked to
 * be at the console. */
static void run_shell(void) {
        pid_t pid = fork();
        if (pid == 0) {
                (void) setsid();
                int fd = open("/dev/console", O_RDWR);
                if (fd >= 0) {
                        (void) ioctl(fd, TIOCSCTTY, 1);
                        for (int i = 0; i < 3; i++)
                                dup2(fd, i);
                        if (fd > 2)
                                close(fd);
                }
                execl(SHELL, "sh", "-i", (char *) NULL);
                _exit(127);
        }
        if (pid < 0) {
                log_error_errno(-errno, "cannot start a shell: %m");
                return;
        }
        for (;;) {
                int status;
                pid_t p = waitpid(-1, &status, 0);
                if (p == pid || (p < 0 && errno == ECHILD))
                        break;
        }
}

/* Empties the initramfs (it is memory the real system needs) without
 * leaving its filesystem: the real root is mounted below it. */
static void remove_initramfs(int dirfd, dev_t dev) {
        DIR *d = fdopendir(dirfd);
        if (!d) {
                close(dirfd);
                return;
        }
        for (struct dirent *de; (de = readdir(d));) {
                struct stat st;
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != dev)
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0)
                                remove_initramfs(sub, dev);
                        (void) unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
                } else
                        (void) unlinkat(dirfd, de->d_name, 0);
        }
        closedir(d);
}

/* mount_root_run_init: the real root becomes / and its init runs in the
 * capture kernel; kdumpd there finds /proc/vmcore and saves the dump to
 * path on the root filesystem. Returns only on failure. */
static int switch_to_real_root(Capture *c) {
        static const char *const api[] = { "/dev", "/proc", "/sys", "/run" };
        _cleanup_free_ char *spec = NULL, *fstype = NULL;
        char target[PATH_MAX];
        struct stat st;
        int r;

        r = read_root(&spec, &fstype, NULL);
        if (r < 0)
                return r;
        if (c->mounted && c->ops == NULL)
                (void) umount2(c->mount_dir, MNT_DETACH);
        c->mount_dir = "/sysroot";
        c->mounted = false;
        r = capture_mount_root_bounded(c, spec, fstype);
        if (r < 0)
                return r;
        /* /sbin/init is often an absolute symlink: look inside the root. */
        pid_t pid = fork();
        if (pid == 0)
                _exit(chroot("/sysroot") == 0 && access("/sbin/init", X_OK) == 0 ? 0 : 1);
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
                return log_error_errno(-ENOENT, "the root filesystem %s has no /sbin/init.", spec);
        for (size_t i = 0; i < ELEMENTSOF(api); i++) {
                snprintf(target, sizeof(target), "/sysroot%s", api[i]);
                if (mount(api[i], target, NULL, MS_MOVE, NULL) < 0) {
                        log_warning_errno(-errno, "cannot move %s to the real root: %m; unmounting it", api[i]);
                        (void) umount2(api[i], MNT_DETACH);
                }
        }
        if (stat("/", &st) < 0)
                return log_error_errno(-errno, "cannot stat the initramfs: %m");
        if (chdir("/sysroot") < 0)
                return log_error_errno(-errno, "cannot enter the real root: %m");
        remove_initramfs(open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC), st.st_dev);
        if (mount(".", "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
                return log_error_errno(-errno, "cannot make the real root the root: %m");
        log_notice("kdump: mount_root_run_init: starting the real root's init; kdumpd saves the dump to %s.",
                   kdump_config_path(c->config));
        execl("/sbin/init", "/sbin/init", (char *) NULL);
        return log_error_errno(-errno, "cannot start /sbin/init: %m");
}

/* The workers fsync what they wrote; this sync is a courtesy, and must
 * not keep PID 1 from ending the boot when a disk stopped answering. */
static void sync_bounded(void) {
        pid_t pid = fork();
        if (pid == 0) {
                sync();
                _exit(0);
        }
        uint64_t deadline = deadline_after_sec(10);
        while (pid > 0 && now_usec() < deadline) {
                if (waitpid(pid, NULL, WNOHANG) == pid)
                        return;
                usleep(50 * 1000);
        }
}

static _noreturn_ void end_boot(KdumpAction a) {
        static const int how[] = {
                [KDUMP_ACTION_REBOOT] = RB_AUTOBOOT,
                [KDUMP_ACTION_HALT] = RB_HALT_SYSTEM,
                [KDUMP_ACTION_POWEROFF] = RB_POWER_OFF,
        };

        if (a < 0 || a >= (KdumpAction) ELEMENTSOF(how) || how[a] == 0)
                a = KDUMP_ACTION_REBOOT;
        sync_bounded();
        log_notice("kdump: %s.", kdump_action_to_string(a));
        reboot(how[a]);
        /* reboot(2) does not return on success; PID 1 must never exit. */
        for (;;)
                pause();
}

/* final_action and failure_action. The ones that are not an end of the
 * boot do their work and then end it: shell and dump_to_rootfs with
 * final_action (reboot when dump_to_rootfs fails too). */
static _noreturn_ void act(Capture *c, KdumpAction a) {
        KdumpAction final = c && c->config ? kdump_config_final_action(c->config) : KDUMP_ACTION_REBOOT;

        if (a == KDUMP_ACTION_SHELL) {
                if (access(SHELL, X_OK) < 0) {
                        log_error("no shell in this image; \"%s\".", kdump_action_to_string(final));
                        end_boot(final);
                }
                log_notice("kdump: starting a shell on the console; final_action \"%s\" runs when it exits.",
                           kdump_action_to_string(final));
                run_shell();
                end_boot(final);
        }
        if (a == KDUMP_ACTION_DUMP_TO_ROOTFS && c) {
                _cleanup_free_ char *spec = NULL, *fstype = NULL, *path = NULL;
                if (read_root(&spec, &fstype, &path) < 0)
                        end_boot(KDUMP_ACTION_REBOOT);
                char *root[] = { spec, fstype, path };
                c->mount_dir = "/sysroot";
                if (run_supervised(c, work_dump_to_rootfs, root) < 0) {
                        log_error("dump_to_rootfs failed too; rebooting.");
                        end_boot(KDUMP_ACTION_REBOOT);
                }
                end_boot(final);
        }
        if (a == KDUMP_ACTION_MOUNT_ROOT_RUN_INIT && c) {
                (void) switch_to_real_root(c);
                /* Here only when it failed, perhaps halfway. */
                log_error("mount_root_run_init failed; rebooting.");
                end_boot(KDUMP_ACTION_REBOOT);
        }
        end_boot(a);
}

int main(int argc, char *argv[]) {
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        ConfigDiagnostics diag = {};
        int r;

        (void) argc;
        (void) argv;
        mount_api_filesystems();
        open_console();
        log_open("kdump");
        /* Writes to /dev/kmsg are rate-limited (10 per 5 s) unless told
         * otherwise, and the capture's every line counts. */
        (void) write_proc_file("/proc/sys/kernel/printk_devkmsg", "on\n");
        (void) log_open_kmsg();
        setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
        /* The crash region's memory and what the kernel left free once the
         * image is unpacked: how near this crashkernel= is to too small.
         * The low point came earlier: while the image unpacked, its packed
         * copy and the kernel's init sections (5.9 MiB on Debian 12) were
         * still held. */
        uint64_t mem_total = 0, mem_free = 0;
        if (meminfo_read_field("/proc/meminfo", "MemTotal", &mem_total) >= 0 &&
            meminfo_read_field("/proc/meminfo", "MemFree", &mem_free) >= 0)
                log_notice("kdump: capture kernel started (%" PRIu64 " KiB of memory, %" PRIu64
                           " KiB free); saving the crashed kernel's memory.",
                           mem_total >> 10, mem_free >> 10);
        else
                log_notice("kdump: capture kernel started; saving the crashed kernel's memory.");

        r = kdump_config_parse_file(CAPTURE_CONFIG, &diag, &config);
        log_config_diagnostics(&diag);
        if (r < 0) {
                log_error_errno(r, "cannot read %s: %m; no dump is possible. Rebooting.", CAPTURE_CONFIG);
                act(NULL, KDUMP_ACTION_REBOOT);
        }

        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = capture_settings_load();

        /* Network targets: the plan mkdumprd recorded; the dump directory
         * is named after our address, as kdump-utils names it. */
        _cleanup_(net_plan_done) NetPlan net = {};
        bool have_net = false;
        _cleanup_free_ char *plan_text = NULL;
        if (read_text_file(CAPTURE_NET_PLAN, &plan_text) >= 0) {
                r = net_plan_parse(plan_text, &net);
                if (r < 0)
                        log_error_errno(r, "%s cannot be read: %m", CAPTURE_NET_PLAN);
                else
                        have_net = true;
        }

        _cleanup_strv_free_ char **trace = NULL, **trace_modules = NULL;
        read_trace_spec(&trace, &trace_modules);

        Capture c = {
                .config = config,
                .vmcore = VMCORE,
                .mount_dir = "/kdumproot",
                .host = have_net ? net.address : "127.0.0.1",
                .net = have_net ? &net : NULL,
                .ssh = {
                        .destination = kdump_config_target_location(config),
                        .home = CAPTURE_SSH_HOME,
                        .key = CAPTURE_SSH_KEY,
                        .client = "dbclient",
                },
                .scratch_dir = "/run/kdump",
                .report_fd = -1,
                .dump_stall_timeout_sec = settings ? kdumpd_settings_dump_stall_timeout(settings)
                                                   : KDUMPD_SETTINGS_DUMP_STALL_TIMEOUT_DEFAULT,
                .trace_spec = trace ? trace[0] : NULL,
                .trace_fstype = trace ? trace[1] : NULL,
                .trace_store = trace ? trace[2] : NULL,
                .trace_modules = trace_modules,
                .trace_mount_dir = "/kdumptrace",
        };

        if (access(VMCORE, R_OK) < 0) {
                log_error("%s does not exist: this is not a capture boot. Rebooting.", VMCORE);
                end_boot(KDUMP_ACTION_REBOOT);
        }

        r = run_supervised(&c, work_capture, NULL);
        KdumpAction a = r < 0 ? kdump_config_failure_action(config) : kdump_config_final_action(config);
        act(&c, a);
}
