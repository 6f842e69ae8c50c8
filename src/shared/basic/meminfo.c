/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "meminfo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"

int meminfo_read_field(const char *meminfo_path, const char *field, uint64_t *ret) {
        _cleanup_fclose_ FILE *f = NULL;
        char line[256];
        size_t n;

        assert_return(meminfo_path && field && ret, -EINVAL);
        n = strlen(field);
        f = fopen(meminfo_path, "re");
        if (!f)
                return negative_errno();
        while (fgets(line, sizeof(line), f)) {
                unsigned long long kib;
                char unit[8];
                if (strncmp(line, field, n) != 0 || line[n] != ':')
                        continue;
                if (sscanf(line + n + 1, " %llu %7s", &kib, unit) != 2 || strcmp(unit, "kB") != 0 ||
                    kib > (UINT64_MAX >> 10))
                        return -EBADMSG;
                *ret = (uint64_t) kib << 10;
                return 0;
        }
        return ferror(f) ? -EIO : -ENODATA;
}
