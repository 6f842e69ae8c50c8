/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpd: keeps a capture kernel loaded that matches /etc/kdump.conf.
 * Started by kdump.service (Type=notify): READY=1 only once armed. SIGHUP
 * re-arms as a transaction (a broken configuration keeps what is loaded);
 * SIGTERM unloads and exits. */
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

#include "arm.h"
#include "crash-region.h"
#include "initramfs-build.h"
#include "kdump-config.h"
#include "log.h"
#include "macro.h"

typedef struct Daemon {
        ArmSettings settings;
        ArmResult armed;
        bool is_armed;
} Daemon;

static void notify_armed(const Daemon *d) {
        sd_notifyf(false, "READY=1\nSTATUS=Armed: capture kernel %s loaded with %s (crash region %llu MiB).",
                   d->armed.kver, d->armed.initrd, d->armed.crash_size >> 20);
}

static int on_reload(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Daemon *d = userdata;
        ArmResult n = {};
        int r;

        (void) s;
        (void) si;
        sd_notify(false, "RELOADING=1\nSTATUS=Reloading configuration…");
        log_info("Reloading: %s.", d->settings.config_path);
        r = capture_arm(&d->settings, &n);
        if (r < 0) {
                /* capture_arm() touches the loaded image only in its last
                 * step, and the kernel frees the old image before it loads
                 * a new one: ask the kernel what is loaded now. */
                _cleanup_(crash_region_done) CrashRegion cr = {};
                d->is_armed = d->is_armed && crash_region_read(d->settings.root, &cr) >= 0 && cr.loaded;
                if (d->is_armed)
                        sd_notifyf(false, "READY=1\nSTATUS=Armed with the previous configuration; reload failed: %s",
                                   strerror(-r));
                else {
                        log_error("Reload failed and no capture kernel is loaded: a crash now would not be saved.");
                        sd_notifyf(false, "READY=1\nSTATUS=Not armed: %s", strerror(-r));
                }
                return 0;
        }
        arm_result_done(&d->armed);
        d->armed = n;
        d->is_armed = true;
        notify_armed(d);
        return 0;
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

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        Daemon d = {
                .settings = { .config_path = KDUMP_CONFIG_PATH, .state_dir = KDUMP_STATE_DIR, .root = "" },
        };
        sigset_t mask;
        int c, r;

        log_open("kdumpd");
        while ((c = getopt_long(argc, argv, "c:h", options, NULL)) >= 0)
                switch (c) {
                case 'c': d.settings.config_path = optarg; break;
                case 'h': printf("kdumpd [--config FILE]\n\nKeep a capture kernel loaded for kdump.\n"); return EX_OK;
                default: return EX_USAGE;
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

        sd_notify(false, "STATUS=Arming: reading configuration, checking the capture initramfs…");
        r = capture_arm(&d.settings, &d.armed);
        if (r < 0) {
                sd_notifyf(false, "STATUS=Failed to arm: %s", strerror(-r));
                return exit_code_for(r);
        }
        d.is_armed = true;
        log_info("kdump armed: a kernel panic now saves a dump as %s says.", d.settings.config_path);
        notify_armed(&d);

        r = sd_event_loop(e);
        arm_result_done(&d.armed);
        if (r < 0) {
                log_error_errno(r, "Event loop failed: %m");
                return EX_SOFTWARE;
        }
        return EX_OK;
}
