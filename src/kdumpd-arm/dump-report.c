/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dump-report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dmesg-scan.h"
#include "macro.h"
#include "strv.h"

static bool exists_in(const char *dir, const char *name) {
        _cleanup_free_ char *p = NULL;
        return asprintf(&p, "%s/%s", dir, name) >= 0 && faccessat(AT_FDCWD, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static char **lines_in(const char *dir, const char *name) {
        _cleanup_free_ char *p = NULL;
        return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : dmesg_read_lines(p);
}

/* Sets *field to found (taken), unless found is NULL. */
static void take_found(char **field, char *found) {
        if (!found)
                return;
        free(*field);
        *field = found;
}

int crash_record_fill_from_dir(CrashRecord *r) {
        _cleanup_strv_free_ char **dmesg = NULL, **own = NULL;
        const char *dir;

        assert_return(r, -EINVAL);
        if (!crash_dump_is_local(r->dump) || !r->location)
                return 0;
        dir = r->location;
        r->complete = (exists_in(dir, "vmcore") || exists_in(dir, "vmcore.flat")) && !exists_in(dir, "vmcore-incomplete");
        dmesg = lines_in(dir, "vmcore-dmesg.txt");
        own = lines_in(dir, "kexec-dmesg.log");
        take_found(&r->panic, dmesg_find_panic(dmesg));
        take_found(&r->kernel, dmesg_find_kernel(dmesg));
        take_found(&r->why, dmesg_find_failure(own));
        if (!r->dir_identity)
                (void) crash_dir_identity(dir, &r->dir_identity);
        return 0;
}

int dump_dir_read(const char *dir, CrashRecord *ret) {
        CrashRecord r = { .dump = CRASH_DUMP_DIR };
        int q;

        assert_return(dir && ret, -EINVAL);
        q = crash_record_set(&r.location, dir);
        if (q >= 0)
                q = crash_record_fill_from_dir(&r);
        if (q < 0) {
                crash_record_done(&r);
                return q;
        }
        *ret = r;
        return 0;
}

/* Where the dump is, in the entry's words: a local directory as it is, a
 * server's with what reached it. */
static int where(const CrashRecord *r, char **ret) {
        static const char *const how[_CRASH_DUMP_MAX] = {
                [CRASH_DUMP_FS] = " (a filesystem not mounted here)",
                [CRASH_DUMP_NFS] = " (NFS)",
                [CRASH_DUMP_SSH] = " (ssh)",
                [CRASH_DUMP_PSTORE] = " (pstore)",
        };
        const char *h = r->dump >= 0 && r->dump < _CRASH_DUMP_MAX ? how[r->dump] : NULL;
        return asprintf(ret, "%s%s", strempty(r->location), strempty(h)) < 0 ? -ENOMEM : 0;
}

int crash_report_format(const CrashRecord *r, char **ret) {
        _cleanup_free_ char *at = NULL;
        const char *kernel, *p1, *p2, *p3;
        int k;

        assert_return(r && ret, -EINVAL);
        if (where(r, &at) < 0)
                return -ENOMEM;
        kernel = r->kernel ?: "unknown";
        p1 = r->panic ? "panic: \"" : "no panic line in vmcore-dmesg.txt";
        p2 = strempty(r->panic);
        p3 = r->panic ? "\"" : "";
        if (r->dump == CRASH_DUMP_NONE)
                k = asprintf(ret, "Crash without a dump (%s); crashed kernel %s; %s%s%s.",
                             r->why ?: "the capture saved nothing", kernel,
                             r->panic ? "panic: \"" : "no panic line known", p2, p3);
        else if (r->complete)
                k = asprintf(ret, "Crash dump saved in %s: complete; crashed kernel %s; %s%s%s.", at, kernel, p1, p2,
                             p3);
        else
                k = asprintf(ret, "Crash dump in %s is INCOMPLETE (%s); crashed kernel %s; %s%s%s.", at,
                             r->why ?: "no vmcore: the capture did not finish", kernel, p1, p2, p3);
        return k < 0 ? -ENOMEM : 0;
}
