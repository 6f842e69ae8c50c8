/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl: the admin's view of kdump. Service verbs go through systemd
 * (kdumpd is the one that arms); status reads the kernel's own state, and
 * what kdumpd last said about it through systemd. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "config-check.h"
#include "crash-region.h"
#include "dump-report.h"
#include "initramfs-build.h"
#include "net-target.h"
#include "kdump-config.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"
#include "propagate.h"
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

#define KDUMP_UNIT_PATH "/org/freedesktop/systemd1/unit/kdump_2eservice"

/* kdump.service's ActiveState and kdumpd's last STATUS= line (sd_notify),
 * as systemd keeps them: the kernel says whether a capture kernel is
 * loaded, only the daemon says whether it still follows the files (a
 * refused reload keeps the previous capture kernel). */
static int service_state(char **ret_active, char **ret_status) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *active = NULL, *status = NULL;
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
        *ret_active = TAKE_PTR(active);
        *ret_status = TAKE_PTR(status);
        return 0;
}

static void service_state_print(void) {
        _cleanup_free_ char *active = NULL, *status = NULL;

        if (service_state(&active, &status) < 0)
                return; /* no systemd to ask: the kernel's answer stands alone */
        if (strcmp(active, "active") == 0 || strcmp(active, "reloading") == 0)
                printf("kdumpd: running: %s\n", status[0] ? status : "(no status)");
        else
                printf("kdumpd: not running (kdump.service is %s): nothing re-arms kdump when its configuration "
                       "changes.%s%s\n", active, status[0] ? " Last status: " : "", status);
}

static int verb_status(void) {
        _cleanup_(crash_region_done) CrashRegion cr = {};
        int r = crash_region_read("", &cr);

        if (r < 0) {
                log_error_errno(r, "Cannot read the kernel's kexec state: %m");
                return 4; /* LSB: status unknown */
        }
        if (cr.size == 0) {
                printf("kdump: not armed: no memory is reserved for a crash kernel (crashkernel= is not set).\n");
                r = EXIT_NOT_RUNNING;
        } else if (!cr.loaded) {
                printf("kdump: not armed: no capture kernel is loaded (crash region %llu MiB).\n",
                       (unsigned long long) (cr.size >> 20));
                r = EXIT_NOT_RUNNING;
        } else {
                printf("kdump: armed: capture kernel loaded (crash region %llu MiB).\n",
                       (unsigned long long) (cr.size >> 20));
                r = EX_OK;
        }
        service_state_print();
        return r;
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

static int verb_showmem(void) {
        _cleanup_(crash_region_done) CrashRegion cr = {};
        int r = crash_region_read("", &cr);

        if (r < 0) {
                log_error_errno(r, "Cannot read the kernel's kexec state: %m");
                return EX_OSERR;
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

static int verb_rebuild(void) {
        char *argv[] = { (char *) MKDUMPRD_PATH, (char *) "--force", NULL };
        int r = spawn_and_wait(argv, NULL);
        if (r != 0)
                return r < 0 ? EX_UNAVAILABLE : r;
        /* A running kdumpd loads the new image on reload; not running: done. */
        char *active[] = { (char *) "systemctl", (char *) "--quiet", (char *) "is-active", (char *) "kdump.service", NULL };
        if (spawn_and_wait(active, NULL) == 0)
                return systemctl("reload");
        return EX_OK;
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
 * against this machine as kdumpd and mkdumprd run; nothing is built. */
static int verb_check(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "settings", required_argument, NULL, 's' },
                {},
        };
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = NULL;
        _cleanup_free_ char *kver = NULL, *kernel = NULL;
        const char *config_path = KDUMP_CONFIG_PATH, *settings_path = KDUMPD_SETTINGS_PATH;
        ConfigDiagnostics diag = {};
        bool ok = true;
        int c, r, q;

        opterr = 0; /* getopt would name the verb as the program */
        while ((c = getopt_long(argc, argv, ":c:s:", options, NULL)) >= 0)
                switch (c) {
                case 'c': config_path = optarg; break;
                case 's': settings_path = optarg; break;
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
        if (r >= 0 && q >= 0) {
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
               "kdumpctl check [--config FILE] [--settings FILE]\n"
               "kdumpctl test [--yes]\n\n"
               "  start      arm kdump (starts kdump.service)\n"
               "  stop       disarm kdump (stops kdump.service)\n"
               "  restart    stop and start again\n"
               "  reload     re-read kdump.conf and kdumpd.conf and re-arm; a broken file keeps\n"
               "             what is loaded\n"
               "  status     say whether a capture kernel is loaded (exit 0 armed, 3 not) and what\n"
               "             kdumpd last said (a refused reload, say)\n"
               "  rebuild    rebuild the capture initramfs now\n"
               "  propagate  ssh target: create kdump's key if missing, record the server's host\n"
               "             keys in " KDUMP_SSH_KNOWN_HOSTS ", install the key on the server\n"
               "  showmem    show the memory reserved for the crash kernel\n"
               "  check      check " KDUMP_CONFIG_PATH " and " KDUMPD_SETTINGS_PATH " as kdumpd would;\n"
               "             print the effective configuration (exit 0) or every error (exit 1)\n"
               "    -c, --config FILE     check FILE instead of " KDUMP_CONFIG_PATH "\n"
               "    -s, --settings FILE   check FILE instead of " KDUMPD_SETTINGS_PATH "\n"
               "  test       crash the kernel now to prove a dump is saved (asks first; refuses\n"
               "             when kdump is not armed); the next boot's journal reports the dump\n"
               "    -y, --yes             crash without asking (for scripts)\n");
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
        if (argc > 2) {
                log_error("Unexpected argument \"%s\".", argv[2]);
                return EX_USAGE;
        }
        if (strcmp(verb, "start") == 0 || strcmp(verb, "stop") == 0 || strcmp(verb, "restart") == 0 ||
            strcmp(verb, "reload") == 0)
                return systemctl(verb);
        if (strcmp(verb, "status") == 0)
                return verb_status();
        if (strcmp(verb, "showmem") == 0)
                return verb_showmem();
        if (strcmp(verb, "rebuild") == 0)
                return verb_rebuild();
        if (strcmp(verb, "propagate") == 0)
                return verb_propagate();
        log_error("Unknown command \"%s\"; see \"kdumpctl --help\".", verb);
        return EX_USAGE;
}
