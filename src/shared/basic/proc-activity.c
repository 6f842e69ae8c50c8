/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "proc-activity.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"

/* proc(5): "pid (comm) state ppid pgrp session … utime stime cutime
 * cstime …"; comm may hold blanks and parentheses, so the fields are
 * counted from its last ')'. */
static int stat_read(const char *proc, const char *pid, pid_t *ret_sid, uint64_t *ret_ticks) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        long long cutime, cstime;
        uint64_t utime, stime;
        int sid;

        if (asprintf(&path, "%s/%s/stat", proc, pid) < 0)
                return -ENOMEM;
        int r = read_full_file(path, &text, NULL);
        if (r < 0)
                return r;
        const char *p = strrchr(text, ')');
        if (!p || sscanf(p + 1, " %*c %*d %*d %d %*d %*d %*u %*u %*u %*u %*u %" SCNu64 " %" SCNu64 " %lld %lld",
                         &sid, &utime, &stime, &cutime, &cstime) != 5)
                return -EBADMSG;
        *ret_sid = sid;
        *ret_ticks = utime + stime + (uint64_t) (cutime > 0 ? cutime : 0) + (uint64_t) (cstime > 0 ? cstime : 0);
        return 0;
}

/* rchar + wchar; 0 when the kernel keeps no such count. */
static uint64_t io_read(const char *proc, const char *pid) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        uint64_t sum = 0, v;
        char *save = NULL;

        if (asprintf(&path, "%s/%s/io", proc, pid) < 0 || read_full_file(path, &text, NULL) < 0)
                return 0;
        for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
                if (sscanf(l, "rchar: %" SCNu64, &v) == 1 || sscanf(l, "wchar: %" SCNu64, &v) == 1)
                        sum += v;
        return sum;
}

int proc_session_activity(const char *proc, pid_t sid, ProcActivity *ret) {
        ProcActivity a = {};
        struct dirent *de;
        DIR *d;

        assert_return(proc && sid > 0 && ret, -EINVAL);
        d = opendir(proc);
        if (!d)
                return negative_errno();
        while ((de = readdir(d))) {
                pid_t s;
                uint64_t ticks;

                if (de->d_name[0] < '1' || de->d_name[0] > '9' ||
                    strspn(de->d_name, "0123456789") != strlen(de->d_name))
                        continue;
                if (stat_read(proc, de->d_name, &s, &ticks) < 0 || s != sid)
                        continue;
                a.cpu_ticks += ticks;
                a.io_bytes += io_read(proc, de->d_name);
                a.n_processes++;
        }
        closedir(d);
        *ret = a;
        return 0;
}

bool proc_activity_equal(const ProcActivity *a, const ProcActivity *b) {
        return a->io_bytes == b->io_bytes && a->cpu_ticks == b->cpu_ticks && a->n_processes == b->n_processes;
}
