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
#include "capture-boot.h"
#include "dump-report.h"
#include "dump-space.h"
#include "initramfs-build.h"
#include "kdump-config.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "raw-harvest.h"
#include "spawn.h"
#include "strv.h"

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
        if (c->first) {
                dumps_prune(&in);
                /* Before arming: nothing may write to the raw device while
                 * its dump is read (kdump-utils does the same). */
                if (kdump_config_target_type(in.config) == DUMP_TARGET_RAW)
                        (void) arm_line_write(report_fd, ARM_LINE_BUSY, "looking for a dump on the raw device");
                raw_harvest(in.config, o->state_dir);
                dumps_report(&in, o->state_dir);
        }
        r = capture_arm(o, &in, c->loaded.initrd ? &c->loaded : NULL, &res);
        if (r == -ENETDOWN)
                return EX_TEMPFAIL; /* "waiting" was reported: not a failure of the configuration */
        if (r < 0) {
                (void) arm_line_write(report_fd, ARM_LINE_FAILED, "%s", reason_for(r));
                return exit_code_for(r);
        }
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
