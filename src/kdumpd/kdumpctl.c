/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpctl: the admin's view of kdump. Service verbs go through systemd
 * (kdumpd is the one that arms); status reads the kernel's own state. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "crash-region.h"
#include "kdump-config.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"

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

static int verb_status(void) {
        _cleanup_(crash_region_done) CrashRegion cr = {};
        int r = crash_region_read("", &cr);

        if (r < 0) {
                log_error_errno(r, "Cannot read the kernel's kexec state: %m");
                return 4; /* LSB: status unknown */
        }
        if (cr.size == 0) {
                printf("kdump: not armed: no memory is reserved for a crash kernel (crashkernel= is not set).\n");
                return EXIT_NOT_RUNNING;
        }
        if (!cr.loaded) {
                printf("kdump: not armed: no capture kernel is loaded (crash region %llu MiB).\n",
                       (unsigned long long) (cr.size >> 20));
                return EXIT_NOT_RUNNING;
        }
        printf("kdump: armed: capture kernel loaded (crash region %llu MiB).\n", (unsigned long long) (cr.size >> 20));
        return EX_OK;
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

static void help(void) {
        printf("kdumpctl COMMAND\n\n"
               "  start      arm kdump (starts kdump.service)\n"
               "  stop       disarm kdump (stops kdump.service)\n"
               "  restart    stop and start again\n"
               "  reload     re-read kdump.conf and re-arm; a broken file keeps what is loaded\n"
               "  status     say whether a capture kernel is loaded (exit 0 armed, 3 not)\n"
               "  rebuild    rebuild the capture initramfs now\n"
               "  showmem    show the memory reserved for the crash kernel\n");
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
        log_error("Unknown command \"%s\"; see \"kdumpctl --help\".", verb);
        return EX_USAGE;
}
