/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpd: keeps a capture kernel loaded that matches /etc/kdump.conf and
 * /etc/kdump/kdumpd.conf. Started by kdump.service (Type=notify): READY=1
 * only once armed. SIGHUP, or a saved change to either file, re-arms as a
 * transaction (a broken file keeps what is loaded); SIGTERM unloads and
 * exits. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sysexits.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "arm.h"
#include "capture-boot.h"
#include "config-watch.h"
#include "crash-region.h"
#include "dump-report.h"
#include "dump-space.h"
#include "fileio.h"
#include "initramfs-build.h"
#include "kdump-config.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "raw-harvest.h"
#include "spawn.h"
#include "strv.h"

/* Editors write a file in several steps (temp file, rename, chmod) and
 * admins save twice in a row: wait for two quiet seconds. */
#define RELOAD_DEBOUNCE_USEC (2 * 1000000ULL)

typedef struct FileSnapshot {
        bool valid;
        char *config_text;   /* NULL: missing */
        char *settings_text; /* NULL: missing */
} FileSnapshot;

typedef struct Daemon {
        ArmOptions options;
        ArmResult armed;
        bool is_armed;
        /* The files' content the loaded capture kernel was armed from. */
        FileSnapshot armed_from;
        ConfigWatch *watch;
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
static void file_snapshot_take(const ArmOptions *o, FileSnapshot *ret) {
        FileSnapshot s = {};

        s.valid = read_if_exists(o->config_path, &s.config_text) >= 0 &&
                  read_if_exists(o->settings_path, &s.settings_text) >= 0;
        *ret = s;
}

static bool file_snapshot_equal(const FileSnapshot *a, const FileSnapshot *b) {
        return a->valid && b->valid && streq_ptr(a->config_text, b->config_text) &&
               streq_ptr(a->settings_text, b->settings_text);
}

static void notify_armed(const Daemon *d) {
        sd_notifyf(false, "READY=1\nSTATUS=Armed: capture kernel %s loaded with %s (crash region %llu MiB).",
                   d->armed.kver, d->armed.initrd, d->armed.crash_size >> 20);
}

/* keep_dumps: at start only, before anything can write a dump. */
static void dumps_prune(const ArmInputs *in) {
        _cleanup_strv_free_ char **removed = NULL;
        unsigned keep = kdumpd_settings_keep_dumps(in->settings);
        const char *path = kdump_config_path(in->config);
        int r;

        if (keep == 0)
                return;
        if (kdump_config_target_type(in->config) != DUMP_TARGET_PATH) {
                log_info("keep_dumps = %u: only dumps on a local path are deleted, not those on the %s target.", keep,
                         dump_target_type_to_string(kdump_config_target_type(in->config)));
                return;
        }
        r = dump_dirs_prune(path, keep, &removed);
        for (char **i = removed; i && *i; i++)
                log_info("Deleted the old dump \"%s/%s\" (keep_dumps = %u).", path, *i, keep);
        if (r < 0)
                log_warning_errno(r, "Failed to delete old dumps in \"%s\" (keep_dumps = %u): %m", path, keep);
}

/* After a crash: one journal entry per new dump (complete or not, the
 * panic, the crashed kernel), with a MESSAGE_ID to find them by. */
static void dumps_report(const ArmInputs *in, const char *state_dir) {
        _cleanup_free_ char *state = NULL;
        DumpReport *list = NULL;
        size_t n = 0;
        int r;

        /* Dumps on a local path; raw dumps are restored there (raw_harvest). */
        if (kdump_config_target_type(in->config) != DUMP_TARGET_PATH &&
            kdump_config_target_type(in->config) != DUMP_TARGET_RAW)
                return;
        if (asprintf(&state, "%s/reported-dumps", state_dir) < 0)
                return (void) log_oom();
        r = dump_reports_new(kdump_config_path(in->config), state, true, &list, &n);
        if (r < 0)
                return (void) log_warning_errno(r, "Cannot read the dumps in \"%s\": %m", kdump_config_path(in->config));
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *msg = NULL;
                if (dump_report_format(&list[i], &msg) < 0)
                        continue;
                sd_journal_send("MESSAGE_ID=" KDUMP_DUMP_REPORT_MESSAGE_ID, "MESSAGE=%s", msg, "PRIORITY=%d",
                                list[i].complete ? LOG_NOTICE : LOG_WARNING, "KDUMP_DUMP_DIR=%s", list[i].dir,
                                "KDUMP_DUMP_COMPLETE=%d", list[i].complete, "KDUMP_CRASHED_KERNEL=%s",
                                list[i].kernel ?: "", "KDUMP_PANIC=%s", list[i].panic ?: "", NULL);
        }
        dump_reports_free(list, n);
}

/* One reload, as a transaction: the new state is built beside the old one,
 * which stays when anything fails. */
static void daemon_reload(Daemon *d, const char *why, bool skip_if_unchanged) {
        _cleanup_(file_snapshot_done) FileSnapshot snap = {};
        _cleanup_(arm_inputs_done) ArmInputs in = {};
        ArmResult n = {};
        int r;

        file_snapshot_take(&d->options, &snap);
        if (skip_if_unchanged && d->is_armed && file_snapshot_equal(&snap, &d->armed_from)) {
                log_info("%s, but both files read as they did when the capture kernel was loaded; nothing to do.",
                         why);
                /* A file put back as it was after a failed reload: what is
                 * loaded is what the files say again. */
                notify_armed(d);
                return;
        }

        sd_notify(false, "RELOADING=1\nSTATUS=Reloading configuration…");
        log_info("Reloading: %s.", why);
        r = arm_inputs_load(&d->options, &in);
        bool files_bad = r == -EINVAL;
        if (r >= 0)
                r = capture_arm(&d->options, &in, d->is_armed ? &d->armed : NULL, &n);
        if (r < 0) {
                /* capture_arm() touches the loaded image only in its last
                 * step, and the kernel frees the old image before it loads
                 * a new one: ask the kernel what is loaded now. The
                 * STATUS= line is what "kdumpctl status" shows. */
                _cleanup_(crash_region_done) CrashRegion cr = {};
                const char *reason = files_bad ? "the configuration has errors" : strerror(-r);
                d->is_armed = d->is_armed && crash_region_read(d->options.root, &cr) >= 0 && cr.loaded;
                if (d->is_armed)
                        sd_notifyf(false,
                                   "READY=1\nSTATUS=Armed with the previous configuration; the last reload "
                                   "failed (%s): see \"journalctl -u kdump\".",
                                   reason);
                else {
                        log_error("Reload failed and no capture kernel is loaded: a crash now would not be saved.");
                        sd_notifyf(false, "READY=1\nSTATUS=Not armed: the last reload failed (%s): see "
                                   "\"journalctl -u kdump\".", reason);
                }
                return;
        }
        arm_result_done(&d->armed);
        d->armed = n;
        d->is_armed = true;
        file_snapshot_done(&d->armed_from);
        d->armed_from = snap;
        snap = (FileSnapshot) {};
        log_info("kdump re-armed: capture kernel %s loaded with %s.", d->armed.kver, d->armed.initrd);
        notify_armed(d);
}

static int on_reload(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        daemon_reload(userdata, "reload requested (SIGHUP)", false);
        return 0;
}

static void on_files_changed(ConfigWatch *w, char * const *changed, void *userdata) {
        _cleanup_free_ char *files = strv_join(changed, " and ");
        _cleanup_free_ char *why = NULL;

        if (!files || asprintf(&why, "%s changed", files) < 0) {
                log_oom();
                return;
        }
        daemon_reload(userdata, why, true);
}

static int on_exit_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Daemon *d = userdata;

        sd_notify(false, "STOPPING=1\nSTATUS=Unloading the capture kernel…");
        if (d->is_armed && capture_disarm() >= 0) {
                d->is_armed = false;
                log_info("Capture kernel unloaded.");
        }
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int exit_code_for(int r) {
        switch (r) {
        case -EINVAL:
        case -EOPNOTSUPP:
        case -ENODEV:
                return EX_CONFIG;
        case -ENOMEM:
        case -EADDRNOTAVAIL:
        case -E2BIG:
        case -EPERM:
        case -EKEYREJECTED:
        case -ENOSYS:
                return EX_UNAVAILABLE;
        default:
                return EX_SOFTWARE;
        }
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

static void help(void) {
        printf("kdumpd [--config FILE] [--settings FILE]\n\n"
               "Keep a capture kernel loaded for kdump.\n\n"
               "  -c, --config FILE     the dump configuration (default " KDUMP_CONFIG_PATH ")\n"
               "  -s, --settings FILE   kdumpd's settings (default " KDUMPD_SETTINGS_PATH ")\n"
               "  -h, --help            show this help\n");
}

/* A capture boot (mount_root_run_init): save the dump, then end the boot
 * as kdump.conf says. No arming: this kernel has no crash region. */
static int capture_boot(const ArmOptions *o) {
        _cleanup_(arm_inputs_done) ArmInputs in = {};
        KdumpAction a;
        int r;

        /* Ready at once: the dump takes as long as the memory, and no start
         * timeout may cut it short. */
        sd_notify(false, "READY=1\nSTATUS=Capture boot: saving the crashed kernel's memory…");
        r = arm_inputs_load(o, &in);
        if (r >= 0)
                r = capture_boot_save(in.config, CAPTURE_BOOT_VMCORE, NULL);
        a = r >= 0 ? kdump_config_final_action(in.config) : KDUMP_ACTION_REBOOT;
        if (r < 0 && in.config) {
                KdumpAction f = kdump_config_failure_action(in.config);
                if (f == KDUMP_ACTION_HALT || f == KDUMP_ACTION_POWEROFF)
                        a = f;
        }
        sd_notifyf(false, "STATUS=Capture boot: %s; %s.", r >= 0 ? "dump saved" : "dump failed",
                   kdump_action_to_string(a));
        if (a != KDUMP_ACTION_REBOOT && a != KDUMP_ACTION_HALT && a != KDUMP_ACTION_POWEROFF)
                a = KDUMP_ACTION_REBOOT;
        char *argv[] = { (char *) "systemctl", (char *) "--no-block", (char *) kdump_action_to_string(a), NULL };
        log_notice("Capture boot done: %s.", kdump_action_to_string(a));
        (void) spawn_and_wait(argv, NULL);
        return r < 0 ? EX_SOFTWARE : EX_OK;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "settings", required_argument, NULL, 's' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(arm_inputs_done) ArmInputs in = {};
        Daemon d = {
                .options = {
                        .config_path = KDUMP_CONFIG_PATH,
                        .settings_path = KDUMPD_SETTINGS_PATH,
                        .state_dir = KDUMP_STATE_DIR,
                        .root = "",
                },
        };
        sigset_t mask;
        int c, r;

        log_open("kdumpd");
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
        if (access(CAPTURE_BOOT_VMCORE, F_OK) == 0) {
                /* Nobody reads the journal of a boot that is about to end:
                 * the console shows it too. */
                (void) log_open_kmsg();
                return capture_boot(&d.options);
        }

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        r = sd_event_default(&e);
        if (r < 0) {
                log_error_errno(r, "Failed to set up the event loop: %m");
                return EX_OSERR;
        }
        if (sd_event_add_signal(e, NULL, SIGTERM, on_exit_signal, &d) < 0 ||
            sd_event_add_signal(e, NULL, SIGINT, on_exit_signal, &d) < 0 ||
            sd_event_add_signal(e, NULL, SIGHUP, on_reload, &d) < 0) {
                log_error("Failed to set up signal handling.");
                return EX_OSERR;
        }
        /* Before the first arming, which can take minutes: a change saved
         * meanwhile is queued and re-arms right after. */
        watch_files(&d, e);

        sd_notify(false, "STATUS=Arming: reading configuration, checking the capture initramfs…");
        file_snapshot_take(&d.options, &d.armed_from);
        r = arm_inputs_load(&d.options, &in);
        if (r >= 0) {
                dumps_prune(&in);
                /* Before arming: nothing may write to the raw device while
                 * its dump is read (kdump-utils does the same). */
                raw_harvest(in.config);
                dumps_report(&in, d.options.state_dir);
                r = capture_arm(&d.options, &in, NULL, &d.armed);
        }
        arm_inputs_done(&in);
        if (r < 0) {
                sd_notifyf(false, "STATUS=Failed to arm: %s", strerror(-r));
                config_watch_free(d.watch);
                file_snapshot_done(&d.armed_from);
                return exit_code_for(r);
        }
        d.is_armed = true;
        log_info("kdump armed: a kernel panic now saves a dump as %s says.", d.options.config_path);
        notify_armed(&d);

        r = sd_event_loop(e);
        d.watch = config_watch_free(d.watch);
        arm_result_done(&d.armed);
        file_snapshot_done(&d.armed_from);
        if (r < 0) {
                log_error_errno(r, "Event loop failed: %m");
                return EX_SOFTWARE;
        }
        return EX_OK;
}
