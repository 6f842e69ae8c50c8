/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpd: keeps a capture kernel loaded that matches /etc/kdump.conf and
 * /etc/kdump/kdumpd.conf. Started by kdump.service (Type=notify): READY=1
 * only once armed. SIGHUP, or a saved change to either file, re-arms as a
 * transaction (a broken file keeps what is loaded); SIGTERM unloads and
 * exits. Each arming is kdumpd-arm, run in a worker: this process only
 * waits, and links libsystemd and libc alone (its meson target declares
 * nothing else; test-kdumpd-links checks the binary). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <ctype.h>
#include <sys/stat.h>
#include <time.h>
#include <sysexits.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "arm-protocol.h"
#include "arm-state.h"
#include "config-watch.h"
#include "crash-region.h"
#include "deadline.h"
#include "env-path.h"
#include "fileio.h"
#include "hotplug-watch.h"
#include "kdump-paths.h"
#include "kexec-load.h"
#include "log.h"
#include "macro.h"
#include "net-watch.h"
#include "panic-triggers.h"
#include "spawn.h"
#include "strv.h"
#include "worker.h"

/* Editors write a file in several steps (temp file, rename, chmod) and
 * admins save twice in a row: wait for two quiet seconds. */
#define RELOAD_DEBOUNCE_USEC (2 * 1000000ULL)
/* Onlining memory is one event per 128 MiB block, and CPUs come one by one. */
#define HOTPLUG_DEBOUNCE_USEC (5 * 1000000ULL)
/* Waiting for a network dump server: an address and its routes come in a
 * burst of rtnetlink messages within a second; without any, what DNS
 * answers may still change, so try again after 5 s, then less often, but
 * at least once a minute. */
static const NetWatchTimes net_wait_times = {
        .debounce_usec = 1000000ULL,
        .retry_first_usec = 5 * 1000000ULL,
        .retry_max_usec = 60 * 1000000ULL,
};

typedef struct FileSnapshot {
        bool valid;
        char *config_text;   /* NULL: missing */
        char *settings_text; /* NULL: missing */
} FileSnapshot;

/* A reload asked for while an arming runs: done right after it. */
typedef struct PendingReload {
        bool wanted;
        bool force;              /* SIGUSR1: rebuild even if up to date */
        bool skip_if_unchanged;  /* only a file change asked for it */
        char *why;
} PendingReload;

typedef struct DaemonOptions {
        const char *config_path;   /* /etc/kdump.conf */
        const char *settings_path; /* /etc/kdump/kdumpd.conf */
        /* The rest only differ from the defaults under a test (see
         * options_from_environment()). */
        const char *root;          /* "": prefix for the kernel's files (/sys, /proc, /boot) */
        const char *state_dir;     /* NULL: kdumpd-arm's default, /var/lib/kdump */
        const char *state_file;    /* /run/kdump/state */
        const char *arm_program;   /* /usr/lib/kdumpd/kdumpd-arm */
} DaemonOptions;

typedef struct Daemon {
        sd_event *event;
        DaemonOptions options;
        ArmResult armed;
        bool is_armed;
        /* The files' content the loaded capture kernel was armed from. */
        FileSnapshot armed_from;
        ConfigWatch *watch;
        HotplugWatch *hotplug;
        NetWatch *net_watch;       /* while a network dump server cannot be reached */
        char *armed_hardware;      /* hotplug_signature() the loaded headers describe */
        char *worker_hardware;     /* the same, taken as the running arming started */

        /* The arming that runs now, off the event loop. */
        Worker *worker;
        FileSnapshot worker_from;  /* the files as they were when it started */
        bool worker_first;         /* the first arming: dumps are pruned, reported, restored */
        bool worker_force;
        bool worker_building;
        uint64_t worker_started;
        ArmResult worker_result;
        bool worker_result_set;
        char *worker_reason;
        char *worker_waiting;      /* what the arming found missing in the network */
        PendingReload pending;

        bool ready_sent;
        ArmState state;            /* what /run/kdump/state says */
} Daemon;

static void file_snapshot_done(FileSnapshot *s) {
        free(s->config_text);
        free(s->settings_text);
        *s = (FileSnapshot) {};
}

static int read_if_exists(const char *path, char **ret) {
        int r = read_full_file(path, ret, NULL);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        return r;
}

/* Read just before the files are parsed: should either change after this,
 * its inotify event comes later and finds a different content. */
static void file_snapshot_take(const DaemonOptions *o, FileSnapshot *ret) {
        FileSnapshot s = {};

        s.valid = read_if_exists(o->config_path, &s.config_text) >= 0 &&
                  read_if_exists(o->settings_path, &s.settings_text) >= 0;
        *ret = s;
}

static bool file_snapshot_equal(const FileSnapshot *a, const FileSnapshot *b) {
        return a->valid && b->valid && streq_ptr(a->config_text, b->config_text) &&
               streq_ptr(a->settings_text, b->settings_text);
}

/* /run/kdump/state: kdumpctl reads it (status) and waits on its
 * generation (reload, rebuild). */
static void state_publish(Daemon *d, ArmPhase phase, const char *reason) {
        struct stat st;
        int r;

        d->state.phase = phase;
        d->state.armed = d->is_armed;
        d->state.pid = (uint64_t) getpid();
        free(d->state.reason);
        d->state.reason = reason ? strdup(reason) : NULL;
        if (phase == ARM_PHASE_ARMED) {
                free(d->state.kver);
                free(d->state.initrd);
                free(d->state.stale);
                d->state.kver = strdup(d->armed.kver);
                d->state.initrd = strdup(d->armed.initrd);
                d->state.stale = d->armed.stale ? strdup(d->armed.stale) : NULL;
                d->state.image_size = stat(d->armed.initrd, &st) >= 0 ? (uint64_t) st.st_size : 0;
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                d->state.armed_at = (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
        }
        r = arm_state_write(d->options.state_file, &d->state);
        if (r < 0)
                log_warning_errno(r, "Failed to write %s (kdumpctl reload and status read it): %m",
                                  d->options.state_file);
}

/* Nothing is loaded any more: the sysctls kdumpd-arm set for the panic
 * triggers go back to what they were (panic-triggers.h). A panic now
 * would save nothing, and with kernel.panic = 0 hang the machine. */
static void panic_triggers_put_back(Daemon *d) {
        _cleanup_(sysctl_changes_done) SysctlChanges c = {};
        _cleanup_free_ char *state = NULL;
        int r;

        if (asprintf(&state, "%s%s", d->options.root, PANIC_TRIGGERS_STATE_PATH) < 0)
                return (void) log_oom();
        r = panic_triggers_restore(d->options.root, state, &c);
        for (size_t i = 0; i < c.n; i++) {
                _cleanup_free_ char *line = NULL;
                int prio;
                if (sysctl_change_describe(&c.changes[i], &prio, &line) >= 0)
                        log_full_errno(prio, 0, "%s", line);
        }
        if (r < 0)
                log_warning_errno(r, "Cannot put back every sysctl of the panic triggers (%s keeps the rest): %m",
                                  state);
}

static void notify_armed(Daemon *d) {
        if (d->armed.stale)
                sd_notifyf(false, "READY=1\nSTATUS=Armed with a stale image: capture kernel %s loaded with %s "
                           "(crash region %llu MiB); %s.", d->armed.kver, d->armed.initrd, d->armed.crash_size >> 20,
                           d->armed.stale);
        else
                sd_notifyf(false, "READY=1\nSTATUS=Armed: capture kernel %s loaded with %s (crash region %llu MiB).",
                           d->armed.kver, d->armed.initrd, d->armed.crash_size >> 20);
        d->ready_sent = true;
}

/* The watch wants an absolute path; --config may be relative. */
static int path_make_absolute(const char *path, char **ret) {
        _cleanup_free_ char *cwd = NULL;

        if (path[0] == '/')
                return (*ret = strdup(path)) ? 0 : -ENOMEM;
        cwd = getcwd(NULL, 0);
        if (!cwd)
                return negative_errno();
        return asprintf(ret, "%s/%s", cwd, path) < 0 ? -ENOMEM : 0;
}

static void on_files_changed(ConfigWatch *w, char * const *changed, void *userdata);

static void watch_files(Daemon *d, sd_event *e) {
        const char *paths[] = { d->options.config_path, d->options.settings_path };
        int r;

        r = config_watch_new(e, RELOAD_DEBOUNCE_USEC, on_files_changed, d, &d->watch);
        if (r < 0) {
                log_warning_errno(r, "Cannot watch the configuration files; changes need \"kdumpctl reload\": %m");
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
                _cleanup_free_ char *abs = NULL;
                r = path_make_absolute(paths[i], &abs);
                if (r >= 0)
                        r = config_watch_add(d->watch, abs);
                if (r < 0)
                        log_warning_errno(r, "Cannot watch \"%s\"; changes to it need \"kdumpctl reload\": %m",
                                          paths[i]);
        }
}

/* The worker's side: kdumpd-arm, told what this process knows (its copy
 * of the daemon as it was at the fork). Its lines come through the
 * worker's pipe, opened close-on-exec and kept open for it. */
static int arm_exec(int report_fd, void *userdata) {
        Daemon *d = userdata;
        _cleanup_strv_free_ char **argv = NULL;
        ArmCommand c = {
                .config_path = d->options.config_path,
                .settings_path = d->options.settings_path,
                .state_dir = d->options.state_dir,
                .root = d->options.root[0] ? d->options.root : NULL,
                .report_fd = report_fd,
                .first = d->worker_first,
                .force = d->worker_force,
        };

        /* Borrowed, not owned: this process exec's or exits. */
        if (d->is_armed)
                c.loaded = d->armed;
        if (arm_command_to_argv(&c, d->options.arm_program, &argv) < 0) {
                (void) arm_line_write(report_fd, ARM_LINE_FAILED, "%s", strerror(ENOMEM));
                return EX_OSERR;
        }
        if (fcntl(report_fd, F_SETFD, 0) >= 0)
                execv(argv[0], argv);
        log_error_errno(errno, "Failed to run %s: %m", argv[0]);
        (void) arm_line_write(report_fd, ARM_LINE_FAILED, "the arming program could not be run");
        return EX_OSERR;
}

static void on_worker_line(Worker *w, const char *line, void *userdata) {
        Daemon *d = userdata;
        ArmLineKind kind;
        const char *text;

        if (arm_line_parse(line, &kind, &text) < 0)
                return (void) log_debug("The arming process said something unexpected: %s", line);
        switch (kind) {
        case ARM_LINE_BUSY:
                /* Slow work: boot goes on without us; what was loaded
                 * stays loaded meanwhile. */
                d->worker_building = true;
                sd_notifyf(false, "READY=1\nSTATUS=%c%s…; %s.", toupper((unsigned char) text[0]),
                           text[0] ? text + 1 : "",
                           d->is_armed ? "the previous capture kernel stays loaded meanwhile"
                                       : "not armed yet: a crash now would not be saved");
                d->ready_sent = true;
                state_publish(d, ARM_PHASE_BUILDING, NULL);
                break;
        case ARM_LINE_ARMED:
                arm_result_done(&d->worker_result);
                d->worker_result_set = arm_result_parse(text, &d->worker_result) >= 0;
                break;
        case ARM_LINE_FAILED:
                free(d->worker_reason);
                d->worker_reason = strdup(text);
                break;
        case ARM_LINE_WAITING:
                free(d->worker_waiting);
                d->worker_waiting = strdup(text);
                break;
        default:
                break; /* arm_line_parse() gives no other */
        }
}

static void daemon_reload(Daemon *d, const char *why, bool skip_if_unchanged, bool force);

static void on_network_changed(NetWatch *w, const char *what, void *userdata) {
        Daemon *d = userdata;
        _cleanup_free_ char *why = NULL;

        if (asprintf(&why, "waiting for the network (%s), %s", strempty(d->state.reason), what) < 0)
                return (void) log_oom();
        daemon_reload(d, why, false, false);
}

/* The arming could not reach the dump server (no route, no address from
 * DNS): at boot that is the network not being up yet, not a mistake in
 * kdump.conf. Tell systemd we are up, say what we wait for, and try again
 * on every network change and now and then, for as long as it takes. */
static void daemon_wait_for_network(Daemon *d, const char *why) {
        int r;

        state_publish(d, ARM_PHASE_WAITING, why);
        if (d->is_armed)
                sd_notifyf(false, "READY=1\nSTATUS=Armed with the previous configuration; waiting for the network to "
                           "re-arm: %s.", why);
        else {
                log_notice("Waiting for the network: %s. kdump arms as soon as the dump server can be reached; until "
                           "then a crash would not be saved.", why);
                sd_notifyf(false, "READY=1\nSTATUS=Not armed yet, waiting for the network: %s.", why);
        }
        d->ready_sent = true;
        if (d->net_watch)
                r = net_watch_rearm(d->net_watch);
        else
                r = net_watch_new(d->event, &net_wait_times, on_network_changed, d, &d->net_watch);
        if (r < 0)
                log_error_errno(r, "Cannot watch the network for the dump server; after it is up, \"kdumpctl "
                                "reload\": %m");
}

static void pending_take(Daemon *d) {
        PendingReload p = d->pending;

        d->pending = (PendingReload) {};
        if (p.wanted)
                daemon_reload(d, p.why ?: "a reload was requested while arming", p.skip_if_unchanged, p.force);
        free(p.why);
}

static void on_worker_exit(Worker *w, int status, void *userdata) {
        Daemon *d = userdata;
        bool first = d->worker_first, was_armed = d->is_armed;
        uint64_t took = now_usec() - d->worker_started;

        d->worker = worker_free(d->worker);
        if (status == EX_TEMPFAIL) {
                _cleanup_free_ char *why = TAKE_PTR(d->worker_waiting);
                arm_result_done(&d->worker_result);
                file_snapshot_done(&d->worker_from);
                d->state.generation++;
                if (!d->is_armed)
                        panic_triggers_put_back(d);
                daemon_wait_for_network(d, why ?: "the dump server cannot be reached from this machine yet");
                free(d->worker_reason);
                d->worker_reason = NULL;
                d->worker_result_set = false;
                d->worker_first = false;
                pending_take(d);
                return;
        }
        /* Reached, or failed for another reason: no more waiting. */
        d->net_watch = net_watch_free(d->net_watch);
        free(d->worker_waiting);
        d->worker_waiting = NULL;
        if (status == 0 && d->worker_result_set) {
                arm_result_done(&d->armed);
                d->armed = d->worker_result;
                d->worker_result = (ArmResult) {};
                d->is_armed = true;
                file_snapshot_done(&d->armed_from);
                d->armed_from = d->worker_from;
                d->worker_from = (FileSnapshot) {};
                free(d->armed_hardware);
                d->armed_hardware = TAKE_PTR(d->worker_hardware);
                d->state.generation++;
                d->state.build_usec = d->armed.built ? took : 0;
                if (d->armed.stale)
                        log_warning("kdump %s with a stale image: capture kernel %s loaded with %s; %s.",
                                    was_armed ? "re-armed" : "armed", d->armed.kver, d->armed.initrd, d->armed.stale);
                else
                        log_info("kdump %s: capture kernel %s loaded with %s%s.", was_armed ? "re-armed" : "armed",
                                 d->armed.kver, d->armed.initrd, d->armed.built ? " (built now)" : "");
                state_publish(d, ARM_PHASE_ARMED, NULL);
                notify_armed(d);
        } else {
                _cleanup_(crash_region_done) CrashRegion cr = {};
                _cleanup_free_ char *reason = d->worker_reason ? strdup(d->worker_reason) : NULL;
                if (!reason && asprintf(&reason, "the arming process ended with status %d", status) < 0)
                        reason = NULL;
                arm_result_done(&d->worker_result);
                file_snapshot_done(&d->worker_from);
                /* The kernel frees the loaded image before it loads a new
                 * one: ask it what is loaded now. */
                d->is_armed = crash_region_read(d->options.root, &cr) >= 0 && cr.loaded;
                if (!d->is_armed)
                        panic_triggers_put_back(d);
                d->state.generation++;
                state_publish(d, ARM_PHASE_FAILED, reason);
                if (!d->ready_sent) {
                        /* Nobody was told we are up: a start that fails
                         * fast fails the unit. */
                        sd_notifyf(false, "STATUS=Failed to arm: %s", strempty(reason));
                        free(d->worker_reason);
                        d->worker_reason = NULL;
                        (void) sd_event_exit(d->event, status > 0 && status < 128 ? status : EX_SOFTWARE);
                        return;
                }
                if (d->is_armed)
                        sd_notifyf(false, "READY=1\nSTATUS=Armed with the previous configuration; the last %s failed "
                                   "(%s): see \"journalctl -u kdump\".", first ? "arming" : "reload",
                                   strempty(reason));
                else {
                        log_error("Arming failed and no capture kernel is loaded: a crash now would not be saved.");
                        sd_notifyf(false, "READY=1\nSTATUS=Not armed: the last %s failed (%s): see "
                                   "\"journalctl -u kdump\".", first ? "arming" : "reload", strempty(reason));
                }
        }
        free(d->worker_reason);
        d->worker_reason = NULL;
        d->worker_result_set = false;
        d->worker_first = false;
        pending_take(d);
}

/* One arming, as a transaction, in a worker: the new state is built beside
 * the old one, which stays when anything fails. */
static void daemon_arm(Daemon *d, const char *why, bool force) {
        int r;

        log_info("%s: %s.", d->worker_first ? "Arming" : "Reloading", why);
        if (!d->worker_first)
                sd_notify(false, "RELOADING=1\nSTATUS=Reloading configuration…");
        file_snapshot_done(&d->worker_from);
        file_snapshot_take(&d->options, &d->worker_from);
        /* Before the worker reads the memory map: a hot-plug after this
         * point differs from it and loads again. */
        free(d->worker_hardware);
        if (hotplug_signature("/sys", &d->worker_hardware) < 0)
                d->worker_hardware = NULL;
        d->worker_force = force;
        d->worker_building = false;
        d->worker_started = now_usec();
        state_publish(d, ARM_PHASE_STARTING, NULL);
        r = worker_start(d->event, arm_exec, on_worker_line, on_worker_exit, d, &d->worker);
        if (r < 0) {
                log_error_errno(r, "Failed to start the arming process: %m");
                d->worker_reason = strdup("the arming process could not be started");
                on_worker_exit(NULL, EX_OSERR, d);
        }
}

/* A reload request: now, or after the arming that runs. */
static void daemon_reload(Daemon *d, const char *why, bool skip_if_unchanged, bool force) {
        if (d->worker) {
                PendingReload *p = &d->pending;
                log_info("%s; re-arming once the arming that runs now has ended.", why);
                /* A request from the admin outweighs a file change. */
                p->skip_if_unchanged = p->wanted ? p->skip_if_unchanged && skip_if_unchanged : skip_if_unchanged;
                p->force = p->force || force;
                p->wanted = true;
                free(p->why);
                p->why = strdup(why);
                return;
        }
        if (skip_if_unchanged && d->is_armed) {
                _cleanup_(file_snapshot_done) FileSnapshot snap = {};
                file_snapshot_take(&d->options, &snap);
                if (file_snapshot_equal(&snap, &d->armed_from)) {
                        log_info("%s, but both files read as they did when the capture kernel was loaded; "
                                 "nothing to do.", why);
                        /* A file put back as it was after a failed reload:
                         * what is loaded is what the files say again. */
                        d->state.generation++;
                        state_publish(d, ARM_PHASE_ARMED, NULL);
                        notify_armed(d);
                        return;
                }
        }
        daemon_arm(d, why, force);
}

static int on_reload(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        daemon_reload(userdata, "reload requested (SIGHUP)", false, false);
        return 0;
}

static int on_rebuild(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        daemon_reload(userdata, "rebuild requested (SIGUSR1)", false, true);
        return 0;
}

static void on_files_changed(ConfigWatch *w, char * const *changed, void *userdata) {
        _cleanup_free_ char *files = strv_join(changed, " and ");
        _cleanup_free_ char *why = NULL;

        if (!files || asprintf(&why, "%s changed", files) < 0) {
                log_oom();
                return;
        }
        daemon_reload(userdata, why, true, false);
}

/* The loaded crash headers describe the memory and CPUs at load time. */
static void on_hotplug(HotplugWatch *w, const char *what, void *userdata) {
        _cleanup_free_ char *why = NULL, *now = NULL;
        Daemon *d = userdata;

        /* Compared with what the running arming read (udev's coldplug
         * at boot replays every memory block's "add" while the first
         * arming runs), else with what the loaded headers describe. */
        const char *then = d->worker ? d->worker_hardware : d->is_armed ? d->armed_hardware : NULL;

        if (then && hotplug_signature("/sys", &now) >= 0 && strcmp(now, then) == 0) {
                log_debug("%s events, but %s as when the capture kernel was %s; nothing to do.", what, now,
                          d->worker ? "being loaded" : "loaded");
                return;
        }

        if (asprintf(&why, "%s hot-plugged: loading the capture kernel again so that a dump covers it", what) < 0)
                return (void) log_oom();
        daemon_reload(userdata, why, false, false);
}

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        _cleanup_(crash_region_done) CrashRegion cr = {};
        Daemon *d = userdata;

        sd_notify(false, "STOPPING=1\nSTATUS=Unloading the capture kernel…");
        if (d->worker) {
                /* dracut gets SIGINT and removes its temporary files; the
                 * build directory goes with the worker. */
                log_info("Stopping the arming that runs now.");
                worker_stop(d->worker, 30 * 1000000ULL);
                d->worker = worker_free(d->worker);
        }
        /* The kernel's word: a stopped arming may have loaded one. */
        if (d->is_armed || (crash_region_read(d->options.root, &cr) >= 0 && cr.loaded)) {
                int r = kexec_crash_unload();
                if (r < 0)
                        log_error_errno(r, "Failed to unload the capture kernel: %m");
                else
                        log_info("Capture kernel unloaded.");
        }
        /* Also when the unload failed: kdumpd leaves the machine's
         * sysctls as it found them when it goes. */
        panic_triggers_put_back(d);
        d->is_armed = false;
        d->net_watch = net_watch_free(d->net_watch);
        d->state.generation++;
        state_publish(d, ARM_PHASE_FAILED, "kdumpd was stopped");
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

/* /run/kdump, where the state file goes. */
static int state_file_dir_create(const char *state_file) {
        _cleanup_free_ char *dir = strndup(state_file, strrchr(state_file, '/') - state_file);
        if (!dir)
                return -ENOMEM;
        return dir[0] ? mkdir_p(dir, 0755) : 0;
}

static void help(void) {
        printf("kdumpd [--config FILE] [--settings FILE]\n\n"
               "Keep a capture kernel loaded for kdump.\n\n"
               "  -c, --config FILE     the dump configuration (default " KDUMP_CONFIG_PATH ")\n"
               "  -s, --settings FILE   kdumpd's settings (default " KDUMPD_SETTINGS_PATH ")\n"
               "  -h, --help            show this help\n");
}

/* The paths a test moves (env-path.h); the defaults on a real system. */
static void options_from_environment(DaemonOptions *o) {
        o->state_file = arm_state_path();
        o->arm_program = env_path("KDUMPD_ARM_PROGRAM", KDUMPD_ARM_PATH);
        o->root = env_path("KDUMPD_ROOT", "");
        o->state_dir = env_path("KDUMPD_STATE_DIR", NULL);
}

/* A capture boot (mount_root_run_init): kdumpd-arm saves the dump and
 * ends the boot, in this process, whose READY=1 systemd waits for. */
static int capture_boot_exec(const DaemonOptions *o) {
        _cleanup_strv_free_ char **argv = NULL;
        ArmCommand c = {
                .mode = ARM_MODE_CAPTURE_BOOT,
                .config_path = o->config_path,
                .settings_path = o->settings_path,
                .report_fd = -EBADF,
        };
        int r;

        r = arm_command_to_argv(&c, o->arm_program, &argv);
        if (r >= 0) {
                execv(argv[0], argv);
                r = -errno;
        }
        /* No dump then; this kernel is not for running the machine (its
         * memory is the crash region): boot again, as a failed dump does. */
        (void) log_open_kmsg();
        log_error_errno(r, "Failed to run %s to save the dump: %m; rebooting.", o->arm_program);
        char *reboot[] = { (char *) "systemctl", (char *) "--no-block", (char *) "reboot", NULL };
        (void) spawn_and_wait(reboot, NULL);
        return EX_OSERR;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "settings", required_argument, NULL, 's' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        Daemon d = {
                .options = {
                        .config_path = KDUMP_CONFIG_PATH,
                        .settings_path = KDUMPD_SETTINGS_PATH,
                },
        };
        sigset_t mask;
        int c, r;

        log_open("kdumpd");
        options_from_environment(&d.options);
        while ((c = getopt_long(argc, argv, "c:s:h", options, NULL)) >= 0)
                switch (c) {
                case 'c': d.options.config_path = optarg; break;
                case 's': d.options.settings_path = optarg; break;
                case 'h': help(); return EX_OK;
                default: return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }
        if (access(CAPTURE_BOOT_VMCORE, F_OK) == 0)
                return capture_boot_exec(&d.options);

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGUSR1);
        sigaddset(&mask, SIGCHLD); /* the worker's end comes through the loop */
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_default(&e);
        if (r < 0) {
                log_error_errno(r, "Failed to set up the event loop: %m");
                return EX_OSERR;
        }
        d.event = e;
        if (sd_event_add_signal(e, NULL, SIGTERM, on_exit_signal, &d) < 0 ||
            sd_event_add_signal(e, NULL, SIGINT, on_exit_signal, &d) < 0 ||
            sd_event_add_signal(e, NULL, SIGHUP, on_reload, &d) < 0 ||
            sd_event_add_signal(e, NULL, SIGUSR1, on_rebuild, &d) < 0) {
                log_error("Failed to set up signal handling.");
                return EX_OSERR;
        }
        r = state_file_dir_create(d.options.state_file);
        if (r < 0)
                log_warning_errno(r, "Cannot create the directory of %s; kdumpctl cannot tell when a reload ended: %m",
                                  d.options.state_file);
        /* Before the first arming, which can take minutes: a change saved
         * meanwhile is queued and re-arms right after. */
        watch_files(&d, e);
        r = hotplug_watch_new(e, "/sys", HOTPLUG_DEBOUNCE_USEC, on_hotplug, &d, &d.hotplug);
        if (r < 0)
                log_warning_errno(r, "Cannot watch memory and CPU hot-plug; after one, \"kdumpctl reload\": %m");

        /* READY=1 comes once armed, or as soon as the arming needs slow
         * work (a build, a raw dump to restore): boot never waits for
         * dracut. A failure before that fails the start. */
        sd_notify(false, "STATUS=Arming: reading configuration, checking the capture initramfs…");
        d.worker_first = true;
        daemon_arm(&d, "kdumpd started", false);

        r = sd_event_loop(e);
        if (d.worker) {
                worker_stop(d.worker, 30 * 1000000ULL);
                d.worker = worker_free(d.worker);
        }
        d.watch = config_watch_free(d.watch);
        d.hotplug = hotplug_watch_free(d.hotplug);
        d.net_watch = net_watch_free(d.net_watch);
        free(d.armed_hardware);
        free(d.worker_hardware);
        arm_result_done(&d.armed);
        arm_result_done(&d.worker_result);
        file_snapshot_done(&d.armed_from);
        file_snapshot_done(&d.worker_from);
        free(d.worker_reason);
        free(d.worker_waiting);
        free(d.pending.why);
        arm_state_done(&d.state);
        if (r < 0) {
                log_error_errno(r, "Event loop failed: %m");
                return EX_SOFTWARE;
        }
        return r;
}
