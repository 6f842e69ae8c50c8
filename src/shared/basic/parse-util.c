/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "parse-util.h"

#include <errno.h>
#include <stdlib.h>

int safe_atou64(const char *s, uint64_t *ret) {
        unsigned long long n;
        char *end;

        /* strtoull() takes blanks and a sign before the digits. */
        if (!s || *s < '0' || *s > '9')
                return -EBADMSG;
        errno = 0;
        n = strtoull(s, &end, 10);
        if (errno != 0 || *end)
                return -EBADMSG;
        *ret = n;
        return 0;
}
