/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl: the admin's view of kdump. Service verbs go through systemd
 * (kdumpd is the one that arms); status reads the kernel's own state, and
 * what kdumpd last said about it through systemd. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "arm-state.h"
#include "config-check.h"
#include "crash-region.h"
#include "deadline.h"
#include "initramfs-build.h"
#include "json-print.h"
#include "kdump-messages.h"
#include "net-target.h"
#include "kdump-config.h"
#include "kdumpctl-crashkernel.h"
#include "kdumpctl-propagate.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "manifest-diff.h"
#include "spawn.h"
#include "strv.h"

/* LSB: "program is not running" for status */
#define EXIT_NOT_RUNNING 3

#ifndef MKDUMPRD_PATH
#define MKDUMPRD_PATH "mkdumprd"
#endif

static int systemctl(const char *verb) {
        char *argv[] = { (char *) "systemctl", (char *) verb, (char *) "kdump.service", NULL };
        int r = spawn_and_wait(argv, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to run systemctl: %m");
                return EX_UNAVAILABLE;
        }
        return r;
}

static const char *strna(const char *s) {
        return s ? s : "(unknown)";
}

#define KDUMP_UNIT_PATH "/org/freedesktop/systemd1/unit/kdump_2eservice"

/* kdump.service's ActiveState and kdumpd's last STATUS= line (sd_notify),
 * as systemd keeps them: the kernel says whether a capture kernel is
 * loaded, only the daemon says whether it still follows the files (a
 * refused reload keeps the previous capture kernel). */
static int service_state(char **ret_active, char **ret_status, uint32_t *ret_main_pid) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *active = NULL, *status = NULL;
        uint32_t pid = 0;
        int r;

        r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", KDUMP_UNIT_PATH,
                                       "org.freedesktop.systemd1.Unit", "ActiveState", &error, &active);
        if (r < 0)
                return r;
        r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", KDUMP_UNIT_PATH,
                                       "org.freedesktop.systemd1.Service", "StatusText", &error, &status);
        if (r < 0)
                return r;
        r = sd_bus_get_property_trivial(bus, "org.freedesktop.systemd1", KDUMP_UNIT_PATH,
                                        "org.freedesktop.systemd1.Service", "MainPID", &error, 'u', &pid);
        if (r < 0)
                return r;
        *ret_active = TAKE_PTR(active);
        *ret_status = TAKE_PTR(status);
        if (ret_main_pid)
                *ret_main_pid = pid;
        return 0;
}

static bool service_is_running(const char *active) {
        return strcmp(active, "active") == 0 || strcmp(active, "reloading") == 0;
}

static void service_line_print(const char *active, const char *status) {
        if (service_is_running(active))
                printf("kdumpd: running: %s\n", status[0] ? status : "(no status)");
        else
                printf("kdumpd: not running (kdump.service is %s): nothing re-arms kdump when its configuration "
                       "changes.%s%s\n", active, status[0] ? " Last status: " : "", status);
}

static void service_state_print(void) {
        _cleanup_free_ char *active = NULL, *status = NULL;

        if (service_state(&active, &status, NULL) < 0)
                return; /* no systemd to ask: the kernel's answer stands alone */
        service_line_print(active, status);
}

/* Colour only for a person at a terminal who did not opt out
 * (https://no-color.org: NO_COLOR set and not empty). */
static bool use_color(void) {
        const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
        return isatty(STDOUT_FILENO) && !(no && no[0]) && !(term && strcmp(term, "dumb") == 0);
}

#define ANSI_GREEN "\x1b[1;32m"
#define ANSI_RED "\x1b[1;31m"
#define ANSI_RESET "\x1b[0m"

static const char *color(bool on, const char *code) {
        return on ? code : "";
}

/* "Mon 2026-11-23 15:47:49 UTC" for CLOCK_REALTIME µs, in local time. */
static void format_timestamp(uint64_t usec, char *buf, size_t size) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;
        if (!localtime_r(&t, &tm) || strftime(buf, size, "%a %Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                snprintf(buf, size, "@%llu", (unsigned long long) (usec / 1000000));
}

/* Everything status reports, gathered once for the text and the JSON. */
typedef struct StatusFacts {
        int region_r;               /* crash_region_read() */
        CrashRegion region;
        int service_r;              /* service_state(): < 0 when systemd did not answer */
        char *active, *status_text;
        uint32_t main_pid;
        int state_r;                /* arm_state_read(): -ENOENT when kdumpd wrote none since boot */
        ArmState state;
        bool state_current;         /* written by the kdumpd that runs now */
        int changed_r;              /* < 0: which inputs changed is not known */
        const char *changed_unknown; /* why not */
        bool image_built;           /* a manifest of a build exists */
        char **changed;             /* the inputs that differ from the last build's */
} StatusFacts;

static void status_facts_done(StatusFacts *f) {
        crash_region_done(&f->region);
        free(f->active);
        free(f->status_text);
        arm_state_done(&f->state);
        strv_free(f->changed);
        *f = (StatusFacts) {};
}

/* Which inputs of the image for the kernel kdumpd arms (kdumpd.conf's
 * kernel= or the running one) differ from when it was built: the
 * manifest a build would write now against the one on disk. */
static int status_changed_inputs(StatusFacts *f) {
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = NULL;
        _cleanup_free_ char *kver = NULL, *kernel = NULL, *current = NULL, *built = NULL;
        ConfigDiagnostics diag = {};
        int r, q;

        if (geteuid() != 0) {
                f->changed_unknown = "only root can read the build manifest";
                return -EACCES;
        }
        r = kdump_config_parse_file(KDUMP_CONFIG_PATH, &diag, &config);
        q = kdumpd_settings_load(KDUMPD_SETTINGS_PATH, &diag, &settings);
        config_diagnostics_done(&diag);
        if (r < 0 || q < 0) {
                f->changed_unknown = "the configuration has errors; see \"kdumpctl check\"";
                return r < 0 ? r : q;
        }
        r = build_paths_for_kernel(kdumpd_settings_kernel(settings), &kver, &kernel);
        if (r < 0) {
                f->changed_unknown = "out of memory";
                return r;
        }
        BuildPaths p = { .state_dir = KDUMP_STATE_DIR, .kver = kver, .kernel = kernel };
        /* A build's progress lines are not status; its errors say why the
         * comparison failed. */
        log_set_max_level(LOG_WARNING);
        r = initramfs_manifest_current(config, KDUMP_CONFIG_PATH, &p, &current, &built);
        log_set_max_level(LOG_INFO);
        if (r == -ENETDOWN) {
                f->changed_unknown = "the dump server cannot be reached now";
                return r;
        }
        if (r < 0) {
                f->changed_unknown = "the inputs cannot be read now; see the error above";
                return r;
        }
        f->image_built = built != NULL;
        r = manifest_changed_inputs(built, current, &f->changed);
        if (r < 0)
                f->changed_unknown = "out of memory";
        return r;
}

static void status_facts_gather(StatusFacts *f) {
        *f = (StatusFacts) {};
        f->region_r = crash_region_read("", &f->region);
        f->service_r = service_state(&f->active, &f->status_text, &f->main_pid);
        f->state_r = arm_state_read(ARM_STATE_PATH, &f->state);
        f->state_current = f->state_r >= 0 && f->service_r >= 0 && service_is_running(f->active) &&
                           f->state.pid == f->main_pid;
        f->changed_r = f->region_r >= 0 ? status_changed_inputs(f) : -ENODATA;
}

static void status_print_text(const StatusFacts *f) {
        bool c = use_color();
        const ArmState *s = &f->state;
        char buf[64];

        if (f->region.size == 0)
                printf("kdump: %snot armed%s: no memory is reserved for a crash kernel (crashkernel= is not set).\n",
                       color(c, ANSI_RED), color(c, ANSI_RESET));
        else if (!f->region.loaded)
                printf("kdump: %snot armed%s: no capture kernel is loaded (crash region %llu MiB).\n", color(c, ANSI_RED),
                       color(c, ANSI_RESET), (unsigned long long) (f->region.size >> 20));
        else
                printf("kdump: %sarmed%s: capture kernel loaded (crash region %llu MiB).\n", color(c, ANSI_GREEN),
                       color(c, ANSI_RESET), (unsigned long long) (f->region.size >> 20));
        if (f->service_r >= 0)
                service_line_print(f->active, f->status_text);

        if (f->state_r >= 0) {
                if (!f->state_current)
                        printf("kdumpd's last report (pid %llu, which does not run any more):\n",
                               (unsigned long long) s->pid);
                printf("  phase: %s%s%s\n", s->phase == ARM_PHASE_FAILED ? color(c, ANSI_RED) : "",
                       arm_phase_to_string(s->phase), s->phase == ARM_PHASE_FAILED ? color(c, ANSI_RESET) : "");
                if (s->phase == ARM_PHASE_FAILED && s->reason)
                        printf("  last failure: %s\n", s->reason);
                if (s->phase == ARM_PHASE_WAITING && s->reason)
                        printf("  waiting for the network: %s; kdumpd arms as soon as the dump server can be "
                               "reached\n", s->reason);
                /* What it loaded last; after a stop or a failed first
                 * attempt, nothing of it is loaded. */
                if (s->kver)
                        printf("  capture kernel: %s%s\n", s->kver, s->armed ? "" : " (not loaded now)");
                if (s->initrd)
                        printf("  image: %s (%.1f MiB%s)\n", s->initrd, s->image_size / 1048576.0,
                               s->armed ? "" : ", not loaded now");
                if (s->phase == ARM_PHASE_ARMED || s->phase == ARM_PHASE_FAILED) {
                        if (s->build_usec > 0)
                                printf("  last build: took %.1f s\n", s->build_usec / 1e6);
                        else
                                printf("  last build: none needed (the image was up to date)\n");
                }
                if (s->armed_at > 0) {
                        format_timestamp(s->armed_at, buf, sizeof(buf));
                        printf("  armed at: %s\n", buf);
                }
        } else if (f->state_r != -ENOENT)
                printf("  kdumpd's report %s cannot be read: %s\n", ARM_STATE_PATH, strerror(-f->state_r));

        if (f->changed_r < 0)
                printf("  changed since the last build: unknown (%s)\n", f->changed_unknown);
        else if (!f->image_built)
                printf("  changed since the last build: no image was built yet\n");
        else if (!f->changed[0])
                printf("  changed since the last build: nothing\n");
        else {
                _cleanup_free_ char *list = strv_join(f->changed, ", ");
                printf("  changed since the last build: %s\n", list ? list : "(out of memory)");
        }
}

/* --json: on a terminal one member a line, to scripts one line. */
static int json_finish(JsonWriter *w) {
        int r = json_writer_finish(w);
        if (r < 0) {
                log_error_errno(r, "Failed to write the JSON output: %m");
                return EX_IOERR;
        }
        return 0;
}

/* status --json: the same facts as the text, for scripts. */
static int status_print_json(const StatusFacts *f) {
        const ArmState *s = &f->state;
        JsonWriter w;

        json_writer_init(&w, stdout, isatty(STDOUT_FILENO));
        json_object_begin(&w);
        json_field_bool(&w, "armed", f->region.size > 0 && f->region.loaded);
        json_key(&w, "crash_region");
        json_object_begin(&w);
        json_field_uint(&w, "size", f->region.size);
        if (f->region.have_range) {
                json_field_uint(&w, "start", f->region.start);
                json_field_uint(&w, "end", f->region.end);
        }
        json_field_bool(&w, "loaded", f->region.loaded);
        json_object_end(&w);

        json_field_bool(&w, "daemon_running", f->service_r >= 0 && service_is_running(f->active));
        json_key(&w, "service");
        if (f->service_r >= 0) {
                json_object_begin(&w);
                json_field_string(&w, "active_state", f->active);
                json_field_string(&w, "status", f->status_text);
                json_field_uint(&w, "main_pid", f->main_pid);
                json_object_end(&w);
        } else
                json_null(&w);

        /* kdumpd's report; "current": from the kdumpd that runs now. */
        json_key(&w, "state");
        if (f->state_r >= 0) {
                json_object_begin(&w);
                json_field_bool(&w, "current", f->state_current);
                json_field_uint(&w, "generation", s->generation);
                json_field_string(&w, "phase", arm_phase_to_string(s->phase));
                json_field_bool(&w, "armed", s->armed);
                json_field_uint(&w, "pid", s->pid);
                json_field_string(&w, "reason", s->reason);
                json_field_string(&w, "kernel", s->kver);
                json_field_string(&w, "image", s->initrd);
                json_field_uint(&w, "image_size", s->image_size);
                json_field_uint(&w, "build_usec", s->build_usec);
                json_field_uint(&w, "armed_at_usec", s->armed_at);
                json_object_end(&w);
        } else
                json_null(&w);

        /* null, with the reason, when it cannot be told. */
        json_key(&w, "changed_inputs");
        if (f->changed_r >= 0) {
                json_array_begin(&w);
                for (char **c = f->changed; *c; c++)
                        json_string(&w, *c);
                json_array_end(&w);
                json_field_bool(&w, "image_built", f->image_built);
        } else {
                json_null(&w);
                json_field_string(&w, "changed_inputs_unknown", f->changed_unknown);
        }
        json_object_end(&w);
        return json_finish(&w);
}

/* The only option of status and showmem. */
static int parse_json_option(const char *verb, int argc, char *argv[], bool *ret_json) {
        static const struct option options[] = {
                { "json", no_argument, NULL, 'j' },
                {},
        };
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'j': *ret_json = true; break;
                default:
                        log_error("Unknown option \"%s\" for %s; see \"kdumpctl --help\".", argv[optind - 1], verb);
                        return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }
        return 0;
}

static int verb_status(int argc, char *argv[]) {
        _cleanup_(status_facts_done) StatusFacts f = {};
        bool json = false;
        int r;

        r = parse_json_option("status", argc, argv, &json);
        if (r != 0)
                return r;
        status_facts_gather(&f);
        if (f.region_r < 0) {
                log_error_errno(f.region_r, "Cannot read the kernel's kexec state: %m");
                return 4; /* LSB: status unknown */
        }
        if (json) {
                r = status_print_json(&f);
                if (r != 0)
                        return r;
        } else
                status_print_text(&f);
        return f.region.size > 0 && f.region.loaded ? EX_OK : EXIT_NOT_RUNNING;
}

/* Reads one answer line from the terminal; true only for "yes". */
static bool confirm_on_tty(void) {
        char line[32];

        printf("Type \"yes\" to crash this machine now: ");
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin))
                return false;
        line[strcspn(line, "\n")] = 0;
        return strcmp(line, "yes") == 0;
}

/* Crashes the kernel on purpose, the way an admin proves kdump works. */
static int verb_test(int argc, char *argv[]) {
        static const struct option options[] = {
                { "yes", no_argument, NULL, 'y' },
                {},
        };
        _cleanup_(crash_region_done) CrashRegion cr = {};
        bool yes = false;
        int c, r;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "y", options, NULL)) >= 0)
                switch (c) {
                case 'y': yes = true; break;
                default:
                        log_error("Unknown option \"%s\" for test; see \"kdumpctl --help\".", argv[optind - 1]);
                        return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }

        r = crash_region_read("", &cr);
        if (r < 0) {
                log_error_errno(r, "Cannot read the kernel's kexec state: %m");
                return EX_OSERR;
        }
        if (cr.size == 0 || !cr.loaded) {
                log_error("kdump is not armed (%s): a crash now would not be saved, so none is caused. "
                          "See \"kdumpctl status\".",
                          cr.size == 0 ? "no memory is reserved for a crash kernel" : "no capture kernel is loaded");
                return EX_UNAVAILABLE;
        }
        if (geteuid() != 0) {
                log_error("Only root can crash the kernel.");
                return EX_NOPERM;
        }
        if (!yes && !isatty(STDIN_FILENO)) {
                log_error("Not crashing: there is no terminal to confirm on; pass --yes to crash without a question.");
                return EX_USAGE;
        }
        printf("This crashes the kernel now, on purpose (sysrq \"c\"): every program dies at once and unsaved\n"
               "data is lost. The capture kernel then saves a dump where %s says and ends\n"
               "as it says (final_action; by default a reboot). On the next boot, the journal tells whether\n"
               "the dump landed: journalctl -b MESSAGE_ID=%s\n",
               KDUMP_CONFIG_PATH, KDUMP_DUMP_REPORT_MESSAGE_ID);
        service_state_print();
        if (!yes && !confirm_on_tty()) {
                printf("Not crashing.\n");
                return 1;
        }
        fflush(stdout);
        sync();
        /* /proc/sysrq-trigger takes every command whatever kernel.sysrq
         * says: that setting gates the keyboard only (the kernel's
         * Documentation/admin-guide/sysrq.rst). */
        _cleanup_close_ int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
                log_error_errno(-errno, "Failed to open /proc/sysrq-trigger: %m");
                return EX_OSERR;
        }
        if (write(fd, "c", 1) != 1) {
                log_error_errno(-errno, "Failed to write to /proc/sysrq-trigger: %m");
                return EX_OSERR;
        }
        /* Not reached: the kernel panics inside write(2). */
        log_error("The kernel is still running after sysrq \"c\".");
        return EX_SOFTWARE;
}

static int verb_showmem(int argc, char *argv[]) {
        _cleanup_(crash_region_done) CrashRegion cr = {};
        bool json = false;
        int r = parse_json_option("showmem", argc, argv, &json);

        if (r != 0)
                return r;
        r = crash_region_read("", &cr);
        if (r < 0) {
                log_error_errno(r, "Cannot read the kernel's kexec state: %m");
                return EX_OSERR;
        }
        if (json) {
                JsonWriter w;
                json_writer_init(&w, stdout, isatty(STDOUT_FILENO));
                json_object_begin(&w);
                json_field_uint(&w, "reserved", cr.size);
                if (cr.have_range) {
                        json_field_uint(&w, "start", cr.start);
                        json_field_uint(&w, "end", cr.end);
                }
                json_field_bool(&w, "loaded", cr.loaded);
                json_object_end(&w);
                r = json_finish(&w);
                if (r != 0)
                        return r;
                return cr.size == 0 ? EX_UNAVAILABLE : EX_OK;
        }
        if (cr.size == 0) {
                printf("No memory is reserved for a crash kernel; add crashkernel= to the kernel command line.\n");
                return EX_UNAVAILABLE;
        }
        if (cr.have_range)
                printf("Reserved %llu MiB of crash memory at 0x%llx-0x%llx.\n", (unsigned long long) (cr.size >> 20),
                       (unsigned long long) cr.start, (unsigned long long) cr.end);
        else
                printf("Reserved %llu MiB of crash memory.\n", (unsigned long long) (cr.size >> 20));
        return EX_OK;
}

/* kdumpd's own deadline for a start (TimeoutStartSec=): a slow dracut. */
#define REARM_TIMEOUT_USEC (20ULL * 60 * 1000000)
#define REARM_POLL_USEC (200 * 1000)

static bool arm_phase_is_final(ArmPhase p) {
        return p == ARM_PHASE_ARMED || p == ARM_PHASE_FAILED || p == ARM_PHASE_WAITING;
}

/* Without a running kdumpd, a rebuild is mkdumprd's, for the kernel
 * kdumpd would arm (kdumpd.conf's kernel=, else the running one). */
static int rebuild_without_daemon(void) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = NULL;
        ConfigDiagnostics diag = {};
        int r = kdumpd_settings_load(KDUMPD_SETTINGS_PATH, &diag, &settings);

        config_diagnostics_print(&diag, stderr);
        config_diagnostics_done(&diag);
        if (r < 0) {
                log_error_errno(r, "Cannot use %s: %m", KDUMPD_SETTINGS_PATH);
                return EX_CONFIG;
        }
        const char *kver = kdumpd_settings_kernel(settings);
        char *argv[] = { (char *) MKDUMPRD_PATH, (char *) "--force", kver ? (char *) "--kver" : NULL, (char *) kver,
                         NULL };
        r = spawn_and_wait(argv, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to run %s: %m", MKDUMPRD_PATH);
                return EX_UNAVAILABLE;
        }
        return r;
}

/* The one line that says how kdumpd's attempt ended; its exit status. */
static int rearm_report(const ArmState *s) {
        if (s->phase == ARM_PHASE_ARMED) {
                char built[48];
                if (s->build_usec > 0)
                        snprintf(built, sizeof(built), "built in %.1f s", s->build_usec / 1e6);
                else
                        snprintf(built, sizeof(built), "up to date");
                printf("kdump armed: capture kernel %s, image %s (%.1f MiB, %s).\n", strna(s->kver), strna(s->initrd),
                       s->image_size / 1048576.0, built);
                return EX_OK;
        }
        const char *why = s->reason ? s->reason : "kdumpd gave no reason; see \"journalctl -u kdump\"";
        size_t n = strlen(why);
        if (n > 0 && why[n - 1] == '.')
                n--;
        if (s->phase == ARM_PHASE_WAITING) {
                log_error("kdump not %s: waiting for the network: %.*s. kdumpd tries again whenever the network "
                          "changes.%s", s->armed ? "re-armed" : "armed", (int) n, why,
                          s->armed ? " The capture kernel loaded before stays loaded." : "");
                return EX_TEMPFAIL;
        }
        if (s->armed)
                log_error("kdump not re-armed: %.*s. The capture kernel loaded before (%s) stays loaded: a crash now is "
                          "still saved, as the configuration it was built from says.", (int) n, why, strna(s->kver));
        else
                log_error("kdump not armed: %.*s. No capture kernel is loaded: a crash now would not be saved.", (int) n,
                          why);
        return 1;
}

/* Waits until kdumpd (main_pid) reports its attempt number target as
 * ended, and says how it ended. before_pid: whoever wrote the state file
 * before (a restart in between is not ours to judge). */
static int rearm_wait(uint32_t main_pid, uint64_t before_pid, uint64_t target) {
        uint64_t deadline;
        bool gone = false;
        int r;

        deadline = now_usec() + REARM_TIMEOUT_USEC;
        for (;;) {
                _cleanup_(arm_state_done) ArmState s = {};

                r = arm_state_read(ARM_STATE_PATH, &s);
                if (r < 0 && r != -ENOENT) {
                        log_error_errno(r, "Cannot read %s: %m", ARM_STATE_PATH);
                        return EX_OSERR;
                }
                if (r >= 0 && s.pid == main_pid && s.generation >= target && arm_phase_is_final(s.phase))
                        return rearm_report(&s);
                if (r >= 0 && s.pid != main_pid && s.pid != before_pid) {
                        log_error("kdumpd was restarted (pid %" PRIu32 ", now %" PRIu64 ") before it re-armed: how the "
                                  "attempt ended is not known. See \"kdumpctl status\".", main_pid, s.pid);
                        return EX_UNAVAILABLE;
                }
                /* One more look at the file after kdumpd exited: it may
                 * have written its last state just before. */
                if (gone) {
                        log_error("kdumpd (pid %" PRIu32 ") exited before it re-armed (kdump.service stopped?). "
                                  "See \"journalctl -u kdump\" and \"kdumpctl status\".", main_pid);
                        return EX_UNAVAILABLE;
                }
                if (kill((pid_t) main_pid, 0) < 0 && errno == ESRCH) {
                        gone = true;
                        continue;
                }
                if (now_usec() > deadline) {
                        log_error("kdumpd has not finished re-arming after 20 minutes; it goes on. See \"kdumpctl "
                                  "status\" and \"journalctl -u kdump\".");
                        return EX_TEMPFAIL;
                }
                (void) usleep(REARM_POLL_USEC);
        }
}

/* reload and rebuild through a running kdumpd: signal it and wait until
 * its state file says the attempt that the signal started has ended. */
static int verb_rearm(bool rebuild, uint32_t signal_pid) {
        _cleanup_free_ char *active = NULL, *status = NULL;
        _cleanup_(arm_state_done) ArmState before = {};
        uint32_t main_pid = 0;
        uint64_t target;
        int r;

        /* kdump.service's ExecReload (--pid $MAINPID): systemd says the
         * service is "reloading" now; signal kdumpd itself and wait, so
         * that "systemctl reload" returns once re-armed (what
         * Type=notify-reload does, which systemd 252 does not have). */
        if (signal_pid > 0) {
                r = arm_state_read(ARM_STATE_PATH, &before);
                if (r < 0)
                        return kill((pid_t) signal_pid, SIGHUP) < 0 ? EX_UNAVAILABLE : EX_OK;
                target = before.pid != signal_pid ? 2 : before.generation + (arm_phase_is_final(before.phase) ? 1 : 2);
                if (kill((pid_t) signal_pid, SIGHUP) < 0) {
                        log_error_errno(-errno, "Cannot signal kdumpd (pid %" PRIu32 "): %m", signal_pid);
                        return EX_UNAVAILABLE;
                }
                return rearm_wait(signal_pid, before.pid, target);
        }

        r = service_state(&active, &status, &main_pid);
        if (r >= 0 && strcmp(active, "activating") == 0) {
                /* kdumpd may not handle the signal yet: SIGUSR1 would end it. */
                log_error("kdump.service is still starting; try again once it is active.");
                return EX_TEMPFAIL;
        }
        if (r < 0 || !service_is_running(active) || main_pid == 0) {
                if (rebuild)
                        return rebuild_without_daemon();
                if (r < 0) {
                        log_error_errno(r, "Cannot ask systemd whether kdump.service runs: %m");
                        return EX_UNAVAILABLE;
                }
                log_error("kdump.service is not running (%s): there is no kdumpd to reload. Start it with "
                          "\"kdumpctl start\".", active);
                return EXIT_NOT_RUNNING;
        }

        r = arm_state_read(ARM_STATE_PATH, &before);
        if (r == -ENOENT) {
                /* A kdumpd that does not report: do what it understands. */
                log_warning("kdumpd does not report its state in %s; not waiting for the result.", ARM_STATE_PATH);
                if (rebuild) {
                        r = rebuild_without_daemon();
                        if (r != 0)
                                return r;
                }
                return systemctl("reload");
        }
        if (r < 0) {
                log_error_errno(r, "Cannot read %s: %m", ARM_STATE_PATH);
                return EX_OSERR;
        }
        /* Attempts end in the order they start, and a signal that comes
         * while one runs queues another after it: ours is the next to end
         * when kdumpd is idle, the one after when it is busy. A file left
         * by an earlier kdumpd: this one is still in its first attempt. */
        if (before.pid != main_pid)
                target = 2;
        else
                target = before.generation + (arm_phase_is_final(before.phase) ? 1 : 2);

        if (rebuild) {
                char *argv[] = { (char *) "systemctl", (char *) "kill", (char *) "--kill-whom=main",
                                 (char *) "--signal=SIGUSR1", (char *) "kdump.service", NULL };
                r = spawn_and_wait(argv, NULL);
                if (r < 0) {
                        log_error_errno(r, "Failed to run systemctl: %m");
                        return EX_UNAVAILABLE;
                }
        } else
                r = systemctl("reload");
        if (r != 0) {
                /* kdump.service's ExecReload waits too, and a failed attempt
                 * fails "systemctl reload": say why, from the state file. */
                _cleanup_(arm_state_done) ArmState s = {};
                if (arm_state_read(ARM_STATE_PATH, &s) >= 0 && s.pid == main_pid && s.generation >= target &&
                    arm_phase_is_final(s.phase))
                        return rearm_report(&s);
                return r;
        }

        return rearm_wait(main_pid, before.pid, target);
}

/* The effective settings after the configuration, as comments: the output
 * stays a kdump.conf that parses to the same configuration. */
static int settings_print_as_comments(const KdumpdSettings *s, const char *path, int source, FILE *out) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int r;

        if (!f)
                return -ENOMEM;
        r = kdumpd_settings_format(s, f);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        fprintf(out, "\n# kdumpd settings, %s%s:\n", path,
                source == KDUMPD_SETTINGS_DEFAULTS ? " (the file does not exist: defaults)" : "");
        for (char *l = text, *next; l && *l; l = next) {
                next = strchr(l, '\n');
                if (next)
                        *next++ = 0;
                fprintf(out, "%s%s\n", strncmp(l, "# ", 2) == 0 ? "" : "# ", l);
        }
        return 0;
}

/* Would kdumpd take these files? The same parsers and the same checks
 * against this machine as kdumpd and mkdumprd run; nothing is built.
 * --offline: the language only, for files written for another machine
 * (no block devices, no network, no kernel of this one looked at). */
static int verb_check(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "settings", required_argument, NULL, 's' },
                { "offline", no_argument, NULL, 'o' },
                {},
        };
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = NULL;
        _cleanup_free_ char *kver = NULL, *kernel = NULL;
        const char *config_path = KDUMP_CONFIG_PATH, *settings_path = KDUMPD_SETTINGS_PATH;
        ConfigDiagnostics diag = {};
        bool ok = true, offline = false;
        int c, r, q;

        opterr = 0; /* getopt would name the verb as the program */
        while ((c = getopt_long(argc, argv, ":c:s:", options, NULL)) >= 0)
                switch (c) {
                case 'c': config_path = optarg; break;
                case 's': settings_path = optarg; break;
                case 'o': offline = true; break;
                case ':':
                        log_error("Option \"%s\" needs a file name.", argv[optind - 1]);
                        return EX_USAGE;
                default:
                        log_error("Unknown option \"%s\" for check; see \"kdumpctl --help\".", argv[optind - 1]);
                        return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }

        r = kdump_config_parse_file(config_path, &diag, &config);
        q = kdumpd_settings_load(settings_path, &diag, &settings);
        if (r < 0 && r != -EINVAL) {
                log_error_errno(r, "Failed to read %s: %m", config_path);
                ok = false;
        }
        if (q < 0 && q != -EINVAL) {
                log_error_errno(q, "Failed to read %s: %m", settings_path);
                ok = false;
        }
        if (r >= 0 && q >= 0 && !offline) {
                int k = build_paths_for_kernel(kdumpd_settings_kernel(settings), &kver, &kernel);
                if (k >= 0)
                        k = config_check_machine(config, kver, &diag);
                if (k < 0) {
                        log_error_errno(k, "Failed to check the configuration against this machine: %m");
                        ok = false;
                }
                /* kdumpd refuses to arm with it, as it does with a
                 * missing hook: an error of this file on this machine. */
                if (k >= 0 && kdumpd_settings_kernel(settings) && access(kernel, R_OK) < 0) {
                        int e = errno;
                        if (config_diagnostics_add(&diag, settings_path, 0, true,
                                                   "kernel image \"%s\" is not readable (%s): kdumpd cannot arm "
                                                   "with \"kernel = %s\" on this machine", kernel, strerror(e),
                                                   kver) < 0)
                                ok = false;
                }
        }
        config_diagnostics_print(&diag, stderr);
        ok = ok && r >= 0 && q >= 0 && diag.n_errors == 0;
        config_diagnostics_done(&diag);
        if (!ok)
                return 1;

        r = kdump_config_format(config, stdout);
        if (r >= 0)
                r = settings_print_as_comments(settings, settings_path, q, stdout);
        if (r < 0 || fflush(stdout) != 0) {
                log_error_errno(r < 0 ? r : -EIO, "Failed to write the configuration: %m");
                return 1;
        }
        return EX_OK;
}

static int verb_propagate(void) {
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        ConfigDiagnostics diag = {};
        int r = kdump_config_parse_file(KDUMP_CONFIG_PATH, &diag, &config);

        config_diagnostics_print(&diag, stderr);
        config_diagnostics_done(&diag);
        if (r < 0) {
                log_error_errno(r, "Cannot use %s: %m", KDUMP_CONFIG_PATH);
                return EX_CONFIG;
        }
        return propagate_ssh_key(config);
}

static void help(void) {
        printf("kdumpctl COMMAND\n"
               "kdumpctl status|showmem [--json]\n"
               "kdumpctl check [--offline] [--config FILE] [--settings FILE]\n"
               "kdumpctl test [--yes]\n"
               "kdumpctl estimate [--json]\n"
               "kdumpctl reset-crashkernel [--root DIR] [--value crashkernel=SIZE]\n\n"
               "  start      arm kdump (starts kdump.service)\n"
               "  stop       disarm kdump (stops kdump.service)\n"
               "  restart    stop and start again\n"
               "  reload     re-read kdump.conf and kdumpd.conf and re-arm (rebuilds when an\n"
               "             input changed); waits until kdumpd armed (exit 0) or failed (exit 1;\n"
               "             a broken file keeps what is loaded); exit 3 when kdumpd is not running\n"
               "  status     say whether a capture kernel is loaded (exit 0 armed, 3 not), what\n"
               "             kdumpd last did (phase, image, build time, why it failed) and which\n"
               "             input changed since the last build\n"
               "  rebuild    rebuild the capture initramfs now and re-arm, waiting as reload\n"
               "             does (without a running kdumpd: build it with mkdumprd)\n"
               "  propagate  ssh target: create kdump's key if missing, record the server's host\n"
               "             keys in " KDUMP_SSH_KNOWN_HOSTS ", install the key on the server\n"
               "  showmem    show the memory reserved for the crash kernel\n"
               "    --json                status and showmem: one JSON object, for scripts\n"
               "  check      check " KDUMP_CONFIG_PATH " and " KDUMPD_SETTINGS_PATH " as kdumpd would;\n"
               "             print the effective configuration (exit 0) or every error (exit 1)\n"
               "    -c, --config FILE     check FILE instead of " KDUMP_CONFIG_PATH "\n"
               "    -s, --settings FILE   check FILE instead of " KDUMPD_SETTINGS_PATH "\n"
               "    --offline             the language only, for files written for another\n"
               "                          machine: nothing of this machine is looked at\n"
               "  test       crash the kernel now to prove a dump is saved (asks first; refuses\n"
               "             when kdump is not armed); the next boot's journal reports the dump\n"
               "    -y, --yes             crash without asking (for scripts)\n"
               "  estimate   the crashkernel= this machine's capture needs, from the sizes of its\n"
               "             kernel and capture initramfs and its RAM, with the reasoning;\n"
               "             exit 0 when the memory reserved now is enough, 1 when not\n"
               "    --json                one JSON object, for scripts\n"
               "  get-default-crashkernel\n"
               "             print a crashkernel= value for this kernel on any machine\n"
               "  reset-crashkernel\n"
               "             put the estimate on the kernel command line through GRUB\n"
               "             (" GRUB_DROPIN_PATH ", update-grub); takes a reboot\n"
               "    --value crashkernel=SIZE  this value instead of the estimate\n"
               "    --root DIR            write under DIR, run nothing (for images, tests)\n");
}

int main(int argc, char *argv[]) {
        log_open("kdumpctl");
        if (argc < 2) {
                help();
                return EX_USAGE;
        }
        const char *verb = argv[1];
        if (strcmp(verb, "-h") == 0 || strcmp(verb, "--help") == 0) {
                help();
                return EX_OK;
        }
        if (strcmp(verb, "check") == 0)
                return verb_check(argc - 1, argv + 1);
        if (strcmp(verb, "test") == 0)
                return verb_test(argc - 1, argv + 1);
        if (strcmp(verb, "status") == 0)
                return verb_status(argc - 1, argv + 1);
        if (strcmp(verb, "showmem") == 0)
                return verb_showmem(argc - 1, argv + 1);
        if (strcmp(verb, "estimate") == 0)
                return verb_estimate(argc - 1, argv + 1);
        if (strcmp(verb, "get-default-crashkernel") == 0)
                return verb_get_default_crashkernel(argc - 1, argv + 1);
        if (strcmp(verb, "reset-crashkernel") == 0)
                return verb_reset_crashkernel(argc - 1, argv + 1);
        if (strcmp(verb, "reload") == 0 && argc == 4 && strcmp(argv[2], "--pid") == 0) {
                char *end;
                unsigned long pid = strtoul(argv[3], &end, 10);
                if (*end || pid == 0 || pid > UINT32_MAX) {
                        log_error("--pid needs a process ID, not \"%s\".", argv[3]);
                        return EX_USAGE;
                }
                return verb_rearm(false, (uint32_t) pid);
        }
        if (argc > 2) {
                log_error("Unexpected argument \"%s\".", argv[2]);
                return EX_USAGE;
        }
        if (strcmp(verb, "start") == 0 || strcmp(verb, "stop") == 0 || strcmp(verb, "restart") == 0)
                return systemctl(verb);
        if (strcmp(verb, "reload") == 0 || strcmp(verb, "rebuild") == 0)
                return verb_rearm(strcmp(verb, "rebuild") == 0, 0);
        if (strcmp(verb, "propagate") == 0)
                return verb_propagate();
        log_error("Unknown command \"%s\"; see \"kdumpctl --help\".", verb);
        return EX_USAGE;
}
