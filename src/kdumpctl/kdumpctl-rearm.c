/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-rearm.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "arm-state.h"
#include "deadline.h"
#include "kdumpctl-util.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"

#ifndef MKDUMPRD_PATH
#define MKDUMPRD_PATH "mkdumprd"
#endif

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

static const char *strna(const char *s) {
        return s ? s : "(unknown)";
}

/* The one line that says how kdumpd's attempt ended; its exit status. */
static int rearm_report(const ArmState *s) {
        if (s->phase == ARM_PHASE_ARMED) {
                char built[48];
                if (s->stale) {
                        log_warning("kdump armed with a stale image: capture kernel %s, image %s; %s.", strna(s->kver),
                                    strna(s->initrd), s->stale);
                        return EX_OK;
                }
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

                r = arm_state_read(arm_state_path(), &s);
                if (r < 0 && r != -ENOENT) {
                        log_error_errno(r, "Cannot read %s: %m", arm_state_path());
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
static int rearm(bool rebuild, uint32_t signal_pid) {
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
                r = arm_state_read(arm_state_path(), &before);
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

        r = arm_state_read(arm_state_path(), &before);
        if (r == -ENOENT) {
                /* A kdumpd that does not report: do what it understands. */
                log_warning("kdumpd does not report its state in %s; not waiting for the result.", arm_state_path());
                if (rebuild) {
                        r = rebuild_without_daemon();
                        if (r != 0)
                                return r;
                }
                return systemctl("reload");
        }
        if (r < 0) {
                log_error_errno(r, "Cannot read %s: %m", arm_state_path());
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
                if (arm_state_read(arm_state_path(), &s) >= 0 && s.pid == main_pid && s.generation >= target &&
                    arm_phase_is_final(s.phase))
                        return rearm_report(&s);
                return r;
        }

        return rearm_wait(main_pid, before.pid, target);
}

int verb_systemctl(int argc, char *argv[]) {
        return systemctl(argv[0]);
}

int verb_reload(int argc, char *argv[]) {
        if (argc == 3 && strcmp(argv[1], "--pid") == 0) {
                char *end;
                unsigned long pid = strtoul(argv[2], &end, 10);
                /* Above INT_MAX kill(2) would take it as a process group
                 * (-1: every process); 1 is systemd itself. */
                if (!isdigit((unsigned char) argv[2][0]) || *end || pid <= 1 || pid > INT_MAX) {
                        log_error("--pid needs a process ID, not \"%s\".", argv[2]);
                        return EX_USAGE;
                }
                return rearm(false, (uint32_t) pid);
        }
        if (argc > 1) {
                log_error("Unexpected argument \"%s\".", argv[1]);
                return EX_USAGE;
        }
        return rearm(false, 0);
}

int verb_rebuild(int argc, char *argv[]) {
        return rearm(true, 0);
}
