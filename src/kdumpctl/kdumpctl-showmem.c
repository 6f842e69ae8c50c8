/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-showmem.h"

#include <stdbool.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "crash-region.h"
#include "json-print.h"
#include "kdumpctl-util.h"
#include "log.h"
#include "macro.h"

int verb_showmem(int argc, char *argv[]) {
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
