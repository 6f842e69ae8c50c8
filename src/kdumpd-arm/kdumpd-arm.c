/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpd-arm: one arming, for kdumpd (what they say to each other:
 * arm-protocol.h). kdumpd's worker exec's it; it reads both files, builds
 * the capture initramfs if needed and loads the capture kernel, and tells
 * kdumpd how it went in lines on --report-fd: "busy" when slow work
 * starts, then "armed", "waiting" (exit status EX_TEMPFAIL) or "failed".
 * Its exit status is a sysexits code, which kdumpd exits with when its
 * first arming fails (but for EX_TEMPFAIL). With --capture-boot, kdumpd
 * exec's it in its own place (the same PID, so systemd takes its READY=1):
 * it saves the dump of a mount_root_run_init capture boot and ends the
 * boot. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "arm.h"
#include "arm-protocol.h"
#include "block-device.h"
#include "capture-boot.h"
#include "collector-probe.h"
#include "crash-learn.h"
#include "crash-record.h"
#include "dump-report.h"
#include "dump-space.h"
#include "dump-target.h"
#include "fileio.h"
#include "initramfs-build.h"
#include "kdump-config.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "panic-triggers.h"
#include "raw-harvest.h"
#include "spawn.h"
#include "strv.h"

/* Where a filesystem the capture wrote to is mounted here, for its trace. */
static int fs_mountpoint(const char *spec, char **ret, void *userdata) {
        _cleanup_free_ char *dev = NULL;
        int r;

        (void) userdata;
        r = block_device_find(spec, &dev);
        if (r < 0)
                return r == -ENODEV ? -ENOENT : r;
        return target_fs_mountpoint("/proc/self/mountinfo", dev, ret);
}

/* After a crash: one record per crash this machine did not know of yet
 * (crash-learn.h), whatever kept it. */
static void crashes_learn_new(const ArmInputs *in, const char *state_dir, const char *store, const char *raw_dir) {
        _cleanup_free_ char *legacy = NULL;
        DumpTargetType type = kdump_config_target_type(in->config);
        int r;

        if (asprintf(&legacy, "%s/reported-dumps", state_dir) < 0)
                return (void) log_oom();
        CrashLearn l = {
                .store = store,
                /* Dumps on a local path; raw dumps are restored there (raw_harvest). */
                .dump_path = type == DUMP_TARGET_PATH || type == DUMP_TARGET_RAW ? kdump_config_path(in->config) : NULL,
                .raw_dir = raw_dir,
                .legacy_reported = legacy,
                .now_usec = crash_realtime_usec(),
                .fs_mountpoint = fs_mountpoint,
        };
        r = crashes_learn(&l);
        if (r < 0)
                log_warning_errno(r, "Could not record every crash since the last start in \"%s\": %m", store);
        else if (r > 0)
                log_debug("Recorded %d new crash(es) in \"%s\".", r, store);
}

/* The capture's note beside a local dump (collector-probe.h), repeated. */
static void collector_note_report(const CrashRecord *c) {
        _cleanup_free_ char *path = NULL, *note = NULL;

        if (!crash_dump_is_local(c->dump) || !c->location ||
            asprintf(&path, "%s/" COLLECTOR_NOTE_FILE, c->location) < 0 || read_text_file(path, &note) < 0)
                return;
        note[strcspn(note, "\n")] = '\0';
        log_warning("Crash %u's dump in %s is bigger than its dump level says: %s", c->id, c->location,
                    note);
}

/* One journal entry per crash record not reported yet (complete or not,
 * the panic, the crashed kernel), with a MESSAGE_ID to find them by. */
static void crashes_report(const char *store) {
        CrashRecord *list = NULL;
        size_t n = 0;
        int r;

        r = crash_store_list(store, &list, &n, NULL);
        if (r < 0)
                return (void) log_warning_errno(r, "Cannot read the crash records in \"%s\": %m", store);
        for (size_t i = 0; i < n; i++) {
                CrashRecord *c = &list[i];
                _cleanup_free_ char *msg = NULL;
                if (c->reported || crash_report_format(c, &msg) < 0)
                        continue;
                r = sd_journal_send("MESSAGE_ID=" KDUMP_DUMP_REPORT_MESSAGE_ID, "MESSAGE=%s", msg, "PRIORITY=%d",
                                    c->complete ? LOG_NOTICE : LOG_WARNING, "KDUMP_CRASH_ID=%u", c->id,
                                    "KDUMP_DUMP_KIND=%s", crash_dump_to_string(c->dump), "KDUMP_DUMP_LOCATION=%s",
                                    strempty(c->location), "KDUMP_DUMP_DIR=%s",
                                    crash_dump_is_local(c->dump) ? strempty(c->location) : "",
                                    "KDUMP_DUMP_COMPLETE=%d", c->complete, "KDUMP_CRASHED_KERNEL=%s",
                                    strempty(c->kernel), "KDUMP_PANIC=%s", strempty(c->panic), NULL);
                if (r < 0) {
                        /* Not marked: told at the next start, and not deleted before. */
                        log_warning_errno(r, "Cannot tell the journal of crash %u: %m", c->id);
                        continue;
                }
                c->reported = true;
                collector_note_report(c);
                r = crash_store_update(store, c);
                if (r < 0)
                        log_warning_errno(r, "Cannot mark crash %u reported in \"%s\": %m", c->id, store);
        }
        crash_records_free(list, n);
}

/* keep_dumps: at start only, before anything can write a dump, after the
 * crashes were recorded and reported. */
static void dumps_prune(const ArmInputs *in, const char *store) {
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
        r = dump_dirs_prune(store, path, keep, &removed);
        for (char **i = removed; i && *i; i++)
                log_info("Deleted the old dump \"%s/%s\" (keep_dumps = %u).", path, *i, keep);
        if (r < 0)
                log_warning_errno(r, "Failed to delete old dumps in \"%s\" (keep_dumps = %u): %m", path, keep);
}

/* The first arming after boot: the dumps of the last crash. */
static void crashes_after_boot(const ArmInputs *in, const char *state_dir, int report_fd) {
        _cleanup_free_ char *store = NULL, *raw_dir = NULL;

        if (asprintf(&store, "%s/" CRASH_STORE_DIR, state_dir) < 0)
                return (void) log_oom();
        /* Before arming: nothing may write to the raw device while its
         * dump is read (kdump-utils does the same). */
        if (kdump_config_target_type(in->config) == DUMP_TARGET_RAW)
                (void) arm_line_write(report_fd, ARM_LINE_BUSY, "looking for a dump on the raw device");
        raw_harvest(in->config, state_dir, &raw_dir);
        crashes_learn_new(in, state_dir, store, raw_dir);
        crashes_report(store);
        dumps_prune(in, store);
}

/* Armed: the events kdumpd.conf names panic the machine from now on
 * (panic-triggers.h); kdumpd puts the sysctls back when it unloads. A
 * trigger that cannot be set is logged and does not fail the arming. */
static void panic_triggers_arm(const ArmOptions *o, const ArmInputs *in) {
        _cleanup_(sysctl_changes_done) SysctlChanges c = {};
        _cleanup_free_ char *state = NULL, *wanted = NULL;
        PanicTriggersApply a = {
                .root = o->root,
                .wanted = kdumpd_settings_panic_triggers(in->settings),
                .hung_task_timeout = kdumpd_settings_hung_task_timeout(in->settings),
        };
        int r;

        if (asprintf(&state, "%s%s", o->root, PANIC_TRIGGERS_STATE_PATH) < 0)
                return (void) log_oom();
        a.state_path = state;
        r = panic_triggers_apply(&a, &c);
        for (size_t i = 0; i < c.n; i++) {
                _cleanup_free_ char *line = NULL;
                int prio;
                if (sysctl_change_describe(&c.changes[i], &prio, &line) >= 0)
                        log_full_errno(prio, 0, "%s", line);
        }
        wanted = panic_trigger_set_to_string(a.wanted);
        if (r < 0)
                log_warning_errno(r, "Panic triggers (%s) not all set: %m", strempty(wanted));
        else
                log_debug("Panic triggers while armed: %s.", strempty(wanted));
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

/* Why an arming failed, as one line for STATUS= and the state file. */
static const char *reason_for(int r) {
        if (r == -EINVAL)
                return "the configuration has errors";
        if (r == -ENOEXEC)
                return "the capture initramfs dracut built lacks what the build planned (see the journal)";
        if (r == -ETIME)
                return "dracut did not finish within build_timeout and was stopped";
        if (r == -EIO)
                return "dracut failed (see the journal)";
        return strerror(r < 0 ? -r : r);
}

static void report_building(const char *kver, void *userdata) {
        (void) arm_line_write(*(int *) userdata, ARM_LINE_BUSY, "building the capture initramfs for %s", kver);
}

static void report_waiting(const char *why, void *userdata) {
        (void) arm_line_write(*(int *) userdata, ARM_LINE_WAITING, "%s", why);
}

static int arm_work(ArmOptions *o, const ArmCommand *c, int report_fd) {
        _cleanup_(arm_inputs_done) ArmInputs in = {};
        _cleanup_(arm_result_done) ArmResult res = {};
        int r;

        o->building = report_building;
        o->waiting = report_waiting;
        o->userdata = &report_fd;
        r = arm_inputs_load(o, &in);
        if (r < 0) {
                (void) arm_line_write(report_fd, ARM_LINE_FAILED, "%s", reason_for(r));
                return exit_code_for(r);
        }
        if (c->first)
                crashes_after_boot(&in, o->state_dir, report_fd);
        r = capture_arm(o, &in, c->loaded.initrd ? &c->loaded : NULL, &res);
        if (r == -ENETDOWN)
                return EX_TEMPFAIL; /* "waiting" was reported: not a failure of the configuration */
        if (r < 0) {
                (void) arm_line_write(report_fd, ARM_LINE_FAILED, "%s", reason_for(r));
                return exit_code_for(r);
        }
        panic_triggers_arm(o, &in);
        r = arm_line_write_armed(report_fd, &res);
        if (r == -ENOMEM) {
                log_oom();
                return EX_OSERR;
        }
        return r < 0 ? EX_IOERR : EX_OK;
}

int main(int argc, char *argv[]) {
        _cleanup_(arm_command_done) ArmCommand c = {};
        int report_fd;

        /* The daemon's name: the lines go to kdump.service's journal stream
         * as kdumpd's own did before the arming was a program of its own. */
        log_open("kdumpd");
        if (arm_command_parse(argc, argv, &c) < 0)
                return EX_USAGE;
        ArmOptions o = {
                .config_path = c.config_path ?: KDUMP_CONFIG_PATH,
                .settings_path = c.settings_path ?: KDUMPD_SETTINGS_PATH,
                .state_dir = c.state_dir ?: KDUMP_STATE_DIR,
                .root = c.root ?: "",
                .force_rebuild = c.force,
        };

        if (c.mode == ARM_MODE_CAPTURE_BOOT) {
                /* Nobody reads the journal of a boot that is about to end:
                 * the console shows it too. */
                int r = log_open_kmsg();
                if (r < 0)
                        log_warning_errno(r, "Cannot write to /dev/kmsg; the console will not show how the dump "
                                          "went: %m");
                return capture_boot_run(&o);
        }

        /* kdumpd cleared close-on-exec for us; dracut and the rest must not
         * hold kdumpd's pipe open. */
        report_fd = c.report_fd >= 0 ? c.report_fd : STDOUT_FILENO;
        if (report_fd != STDOUT_FILENO && fcntl(report_fd, F_SETFD, FD_CLOEXEC) < 0) {
                log_error_errno(errno, "--report-fd=%d is not an open file descriptor: %m", report_fd);
                return EX_USAGE;
        }
        /* exec reset the worker's SIGINT handler: a stop interrupts dracut,
         * and this process reports the failed arming after it cleaned up. */
        spawn_wait_on_sigint();
        return arm_work(&o, &c, report_fd);
}
