/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "time-spec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USEC_PER_SEC 1000000ULL

static int local_midnight(uint64_t now_usec, int days_back, uint64_t *ret) {
        time_t t = (time_t) (now_usec / USEC_PER_SEC);
        struct tm tm;

        if (!localtime_r(&t, &tm))
                return -EINVAL;
        tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
        tm.tm_mday -= days_back;
        tm.tm_isdst = -1;
        t = mktime(&tm);
        if (t == (time_t) -1)
                return -EINVAL;
        *ret = (uint64_t) t * USEC_PER_SEC;
        return 0;
}

static int relative_parse(const char *s, uint64_t now_usec, uint64_t *ret) {
        static const struct {
                char unit;
                uint64_t sec;
        } units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
        char *end;
        unsigned long long n;

        errno = 0;
        n = strtoull(s + 1, &end, 10);
        if (errno || end == s + 1 || !end[0] || end[1])
                return -EINVAL;
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                if (units[i].unit == end[0]) {
                        uint64_t back = n * units[i].sec * USEC_PER_SEC;
                        if (n > UINT64_MAX / (units[i].sec * USEC_PER_SEC))
                                return -ERANGE;
                        *ret = back > now_usec ? 0 : now_usec - back;
                        return 0;
                }
        return -EINVAL;
}

int time_spec_parse(const char *s, uint64_t now_usec, uint64_t *ret) {
        static const char *const formats[] = { "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d" };

        if (!s || !ret)
                return -EINVAL;
        if (strcmp(s, "now") == 0) {
                *ret = now_usec;
                return 0;
        }
        if (strcmp(s, "today") == 0)
                return local_midnight(now_usec, 0, ret);
        if (strcmp(s, "yesterday") == 0)
                return local_midnight(now_usec, 1, ret);
        if (s[0] == '-')
                return relative_parse(s, now_usec, ret);
        if (s[0] == '@') {
                char *end;
                errno = 0;
                unsigned long long sec = strtoull(s + 1, &end, 10);
                if (errno || end == s + 1 || *end || sec > UINT64_MAX / USEC_PER_SEC)
                        return -EINVAL;
                *ret = sec * USEC_PER_SEC;
                return 0;
        }
        for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
                struct tm tm = {};
                const char *end = strptime(s, formats[i], &tm);
                if (!end || *end)
                        continue;
                tm.tm_isdst = -1;
                time_t t = mktime(&tm);
                if (t == (time_t) -1 || t < 0)
                        return -EINVAL;
                *ret = (uint64_t) t * USEC_PER_SEC;
                return 0;
        }
        return -EINVAL;
}

char *time_format(uint64_t usec, char *buf, size_t size) {
        time_t t = (time_t) (usec / USEC_PER_SEC);
        struct tm tm;

        if (usec == 0 || !localtime_r(&t, &tm) || strftime(buf, size, "%a %Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                snprintf(buf, size, "-");
        return buf;
}

char *size_format(uint64_t bytes, char *buf, size_t size) {
        static const char units[] = "KMGT";
        double v = (double) bytes;
        size_t u = 0;

        if (bytes == UINT64_MAX) {
                snprintf(buf, size, "-");
                return buf;
        }
        if (bytes < 1024) {
                snprintf(buf, size, "%" PRIu64 "B", bytes);
                return buf;
        }
        v /= 1024;
        while (v >= 1024 && u + 1 < sizeof(units) - 1) {
                v /= 1024;
                u++;
        }
        snprintf(buf, size, v < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
        return buf;
}
