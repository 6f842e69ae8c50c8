/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-test.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "crash-region.h"
#include "kdump-messages.h"
#include "kdump-paths.h"
#include "kdumpctl-util.h"
#include "log.h"
#include "macro.h"

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
int verb_test(int argc, char *argv[]) {
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
