/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "crash-region.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"

void crash_region_done(CrashRegion *r) {
        free(r->lockdown);
        r->lockdown = NULL;
}

static int read_sysfs_u64(const char *root, const char *path, uint64_t *ret) {
        _cleanup_free_ char *p = NULL, *line = NULL;
        char *end;

        if (asprintf(&p, "%s%s", root, path) < 0)
                return -ENOMEM;
        int r = read_one_line_file(p, &line);
        if (r < 0)
                return r;
        errno = 0;
        unsigned long long v = strtoull(line, &end, 0);
        if (errno || end == line || *end)
                return -EBADMSG;
        *ret = v;
        return 0;
}

/* The range may be nested ("  0a000000-11ffffff : Crash kernel"), and a
 * non-root reader sees zeros, which we report as "no range". */
static int read_iomem_range(const char *root, uint64_t *ret_start, uint64_t *ret_end) {
        _cleanup_free_ char *p = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        char line[256];

        if (asprintf(&p, "%s/proc/iomem", root) < 0)
                return -ENOMEM;
        f = fopen(p, "re");
        if (!f)
                return negative_errno();
        while (fgets(line, sizeof(line), f)) {
                uint64_t s, e;
                if (!strstr(line, ": Crash kernel"))
                        continue;
                if (sscanf(line, " %" SCNx64 "-%" SCNx64, &s, &e) != 2)
                        return -EBADMSG;
                if (s == 0 && e == 0)
                        return -EPERM;
                *ret_start = s;
                *ret_end = e;
                return 0;
        }
        return -ENOENT;
}

static int read_lockdown(const char *root, char **ret) {
        _cleanup_free_ char *p = NULL, *line = NULL;
        int r;

        if (asprintf(&p, "%s/sys/kernel/security/lockdown", root) < 0)
                return -ENOMEM;
        r = read_one_line_file(p, &line);
        if (r < 0)
                return r;
        /* "none [integrity] confidentiality": the bracketed word is active */
        char *b = strchr(line, '['), *e = b ? strchr(b, ']') : NULL;
        if (!e)
                return -EBADMSG;
        *e = 0;
        char *m = strdup(b + 1);
        if (!m)
                return -ENOMEM;
        *ret = m;
        return 0;
}

int crash_region_read(const char *root, CrashRegion *ret) {
        CrashRegion c = {};
        uint64_t loaded = 0;
        int r;

        assert_return(root && ret, -EINVAL);

        r = read_sysfs_u64(root, "/sys/kernel/kexec_crash_loaded", &loaded);
        if (r < 0)
                return r; /* no kexec support in this kernel at all */
        c.loaded = loaded != 0;
        r = read_sysfs_u64(root, "/sys/kernel/kexec_crash_size", &c.size);
        if (r < 0 && r != -ENOENT)
                return r;
        c.have_range = read_iomem_range(root, &c.start, &c.end) >= 0;
        r = read_lockdown(root, &c.lockdown);
        if (r < 0 && r != -ENOENT && r != -EACCES)
                return r;
        *ret = c;
        return 0;
}
