/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <systemd/sd-bus.h>

#include "log.h"
#include "macro.h"
#include "spawn.h"

int systemctl(const char *verb) {
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
int service_state(char **ret_active, char **ret_status, uint32_t *ret_main_pid) {
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

bool service_is_running(const char *active) {
        return strcmp(active, "active") == 0 || strcmp(active, "reloading") == 0;
}

void service_line_print(const char *active, const char *status) {
        if (service_is_running(active))
                printf("kdumpd: running: %s\n", status[0] ? status : "(no status)");
        else
                printf("kdumpd: not running (kdump.service is %s): nothing re-arms kdump when its configuration "
                       "changes.%s%s\n", active, status[0] ? " Last status: " : "", status);
}

void service_state_print(void) {
        _cleanup_free_ char *active = NULL, *status = NULL;

        if (service_state(&active, &status, NULL) < 0)
                return; /* no systemd to ask: the kernel's answer stands alone */
        service_line_print(active, status);
}

int parse_json_option(const char *verb, int argc, char *argv[], bool *ret_json) {
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

/* --json: on a terminal one member a line, to scripts one line. */
int json_finish(JsonWriter *w) {
        int r = json_writer_finish(w);
        if (r < 0) {
                log_error_errno(r, "Failed to write the JSON output: %m");
                return EX_IOERR;
        }
        return 0;
}
