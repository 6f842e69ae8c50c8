/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-status.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "arm-state.h"
#include "collector-probe.h"
#include "crash-region.h"
#include "env-path.h"
#include "initramfs-build.h"
#include "json-print.h"
#include "kdump-config.h"
#include "kdumpctl-util.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "manifest-diff.h"
#include "panic-triggers.h"
#include "strv.h"

/* Colour only for a person at a terminal who did not opt out
 * (https://no-color.org: NO_COLOR set and not empty). */
static bool use_color(void) {
        const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
        return isatty(STDOUT_FILENO) && !(no && no[0]) && !(term && strcmp(term, "dumb") == 0);
}

#define ANSI_GREEN "\x1b[1;32m"
#define ANSI_RED "\x1b[1;31m"
#define ANSI_YELLOW "\x1b[1;33m"
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
        char *collector_warning;    /* collector-probe.h's warning for the armed kernel, or NULL */
        bool wanted_known;          /* kdumpd.conf could be read */
        PanicTriggerSet wanted;     /* its panic_triggers */
        int triggers_r;             /* < 0: the sysctls cannot be read */
        PanicTriggerState triggers[_PANIC_TRIGGER_MAX];
} StatusFacts;

static void status_facts_done(StatusFacts *f) {
        crash_region_done(&f->region);
        free(f->active);
        free(f->status_text);
        arm_state_done(&f->state);
        strv_free(f->changed);
        free(f->collector_warning);
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++)
                panic_trigger_state_done(&f->triggers[t]);
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
        BuildPaths p = { .state_dir = KDUMP_STATE_DIR, .kver = kver, .kernel = kernel, .settings = settings };
        (void) collector_probe_warning(env_path("KDUMPD_COLLECTOR_PROBE", COLLECTOR_PROBE_PATH), kver,
                                       kdump_config_core_collector_argv(config), &f->collector_warning);
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

/* Which events panic the machine now, and what kdumpd.conf asks for. */
static void status_triggers_gather(StatusFacts *f) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = NULL;

        if (kdumpd_settings_load(KDUMPD_SETTINGS_PATH, NULL, &settings) >= 0) {
                f->wanted_known = true;
                f->wanted = kdumpd_settings_panic_triggers(settings);
        }
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++) {
                int r = panic_trigger_state_read("", PANIC_TRIGGERS_STATE_PATH, t, &f->triggers[t]);
                if (r < 0 && f->triggers_r == 0)
                        f->triggers_r = r;
        }
}

static void status_facts_gather(StatusFacts *f) {
        *f = (StatusFacts) {};
        f->region_r = crash_region_read(env_path("KDUMPD_ROOT", ""), &f->region);
        f->service_r = service_state(&f->active, &f->status_text, &f->main_pid);
        f->state_r = arm_state_read(arm_state_path(), &f->state);
        f->state_current = f->state_r >= 0 && f->service_r >= 0 && service_is_running(f->active) &&
                           f->state.pid == f->main_pid;
        f->changed_r = f->region_r >= 0 ? status_changed_inputs(f) : -ENODATA;
        status_triggers_gather(f);
}

static bool status_armed(const StatusFacts *f) {
        return f->region.size > 0 && f->region.loaded;
}

/* "panics on: oops, nmi, hung-task (timeout 120 s)", then why each
 * trigger kdumpd.conf asks for is not active. */
static void status_print_triggers(const StatusFacts *f) {
        _cleanup_free_ char *wanted = panic_trigger_set_to_string(f->wanted);
        bool any = false;

        if (f->triggers_r < 0) {
                printf("  panic triggers: unknown (%s)\n", strerror(-f->triggers_r));
                return;
        }
        printf("  panics on:");
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++) {
                const PanicTriggerState *s = &f->triggers[t];
                if (!s->active)
                        continue;
                printf("%s %s", any ? "," : "", panic_trigger_to_string(t));
                if (t == PANIC_TRIGGER_HUNG_TASK && s->timeout)
                        printf(" (timeout %s s)", s->timeout);
                if (!s->by_kdumpd)
                        printf(" (not set by kdumpd)");
                any = true;
        }
        printf("%s\n", any ? "" : " nothing but a panic itself");
        if (!f->wanted_known)
                return;
        if (!status_armed(f)) {
                if (f->wanted)
                        printf("  kdumpd makes %s panic the machine once a capture kernel is loaded\n",
                               strempty(wanted));
                return;
        }
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++) {
                const PanicTriggerState *s = &f->triggers[t];
                if (!(f->wanted & PANIC_TRIGGER_BIT(t)) || s->active)
                        continue;
                if (!s->present)
                        printf("  not panicking on %s: this kernel lacks its sysctls\n", panic_trigger_to_string(t));
                else if (s->admin)
                        printf("  not panicking on %s: %s, which kdumpd leaves alone\n", panic_trigger_to_string(t),
                               s->admin);
                else
                        printf("  not panicking on %s: %s (changed after kdumpd set it, or it could not)\n",
                               panic_trigger_to_string(t), strempty(s->off_sysctl));
        }
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
                if (s->stale)
                        printf("  %simage is stale%s: %s; fix the build and run \"kdumpctl rebuild\"\n",
                               color(c, ANSI_RED), color(c, ANSI_RESET), s->stale);
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
                printf("  kdumpd's report %s cannot be read: %s\n", arm_state_path(), strerror(-f->state_r));

        status_print_triggers(f);

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
        if (f->collector_warning)
                printf("  %swarning%s: core_collector: %s\n", color(c, ANSI_YELLOW), color(c, ANSI_RESET),
                       f->collector_warning);
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
                json_field_string(&w, "stale", s->stale);
                json_field_string(&w, "collector_warning", f->collector_warning);
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
        /* Each trigger: active now, asked for by kdumpd.conf, set by kdumpd. */
        json_key(&w, "panic_triggers");
        if (f->triggers_r >= 0) {
                json_array_begin(&w);
                for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++) {
                        const PanicTriggerState *pt = &f->triggers[t];
                        json_object_begin(&w);
                        json_field_string(&w, "name", panic_trigger_to_string(t));
                        json_field_bool(&w, "active", pt->active);
                        json_key(&w, "wanted");
                        if (f->wanted_known)
                                json_bool(&w, f->wanted & PANIC_TRIGGER_BIT(t));
                        else
                                json_null(&w);
                        json_field_bool(&w, "set_by_kdumpd", pt->by_kdumpd);
                        json_field_bool(&w, "present", pt->present);
                        json_field_string(&w, "admin_setting", pt->admin);
                        json_field_string(&w, "off_because", pt->off_sysctl);
                        if (t == PANIC_TRIGGER_HUNG_TASK)
                                json_field_string(&w, "timeout", pt->timeout);
                        json_object_end(&w);
                }
                json_array_end(&w);
        } else
                json_null(&w);
        json_object_end(&w);
        return json_finish(&w);
}

int verb_status(int argc, char *argv[]) {
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
