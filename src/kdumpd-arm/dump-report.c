/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dump-report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump-space.h"
#include "fileio.h"
#include "macro.h"
#include "strv.h"

void dump_report_done(DumpReport *r) {
        free(r->dir);
        free(r->panic);
        free(r->kernel);
        free(r->failure);
        *r = (DumpReport) {};
}

void dump_reports_free(DumpReport *r, size_t n) {
        for (size_t i = 0; i < n; i++)
                dump_report_done(&r[i]);
        free(r);
}

static bool exists_in(const char *dir, const char *name) {
        _cleanup_free_ char *p = NULL;
        return asprintf(&p, "%s/%s", dir, name) >= 0 && faccessat(AT_FDCWD, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* "[   12.345678] text" → "text" */
static const char *skip_timestamp(const char *l) {
        if (*l == '[') {
                const char *e = strchr(l, ']');
                if (e)
                        l = e + 1 + (e[1] == ' ');
        }
        return l;
}

/* The line of the log that says why the kernel died: the panic itself,
 * or what led to it when the panic line is missing. */
static char *find_panic(char **lines) {
        static const char *const what[] = { "Kernel panic - not syncing", "sysrq: Trigger a crash", "BUG: ", "Oops: ",
                                            NULL };
        for (size_t k = 0; what[k]; k++)
                for (char **l = lines; l && *l; l++)
                        if (strstr(*l, what[k]))
                                return strdup(skip_timestamp(*l));
        return NULL;
}

static char *find_kernel(char **lines) {
        for (char **l = lines; l && *l; l++) {
                const char *v = strstr(*l, "Linux version ");
                if (v) {
                        v += strlen("Linux version ");
                        return strndup(v, strcspn(v, " "));
                }
        }
        return NULL;
}

static char *find_failure(char **lines) {
        for (char **l = lines; l && *l; l++) {
                const char *f = strstr(*l, "dump failed in step ");
                if (f)
                        return strdup(f);
        }
        return NULL;
}

static char **read_lines(const char *dir, const char *name) {
        _cleanup_free_ char *p = NULL, *text = NULL;
        char **l = NULL;
        if (asprintf(&p, "%s/%s", dir, name) < 0 || read_full_file(p, &text, NULL) < 0)
                return NULL;
        (void) strv_split_lines(text, &l);
        return l;
}

int dump_report_read(const char *dir, DumpReport *ret) {
        _cleanup_strv_free_ char **dmesg = NULL, **own = NULL;
        DumpReport r = {};

        assert_return(dir && ret, -EINVAL);
        r.dir = strdup(dir);
        if (!r.dir)
                return -ENOMEM;
        r.complete = (exists_in(dir, "vmcore") || exists_in(dir, "vmcore.flat")) &&
                     !exists_in(dir, "vmcore-incomplete");
        dmesg = read_lines(dir, "vmcore-dmesg.txt");
        own = read_lines(dir, "kexec-dmesg.log");
        r.panic = find_panic(dmesg);
        r.kernel = find_kernel(dmesg);
        r.failure = find_failure(own);
        *ret = r;
        return 0;
}

int dump_report_format(const DumpReport *r, char **ret) {
        int k;
        if (r->complete)
                k = asprintf(ret, "Crash dump saved in %s: complete; crashed kernel %s; %s%s%s.", r->dir,
                             r->kernel ?: "unknown", r->panic ? "panic: \"" : "no panic line in vmcore-dmesg.txt",
                             strempty(r->panic), r->panic ? "\"" : "");
        else
                k = asprintf(ret, "Crash dump in %s is INCOMPLETE (%s); crashed kernel %s; %s%s%s.", r->dir,
                             r->failure ?: "no vmcore: the capture did not finish", r->kernel ?: "unknown",
                             r->panic ? "panic: \"" : "no panic line in vmcore-dmesg.txt", strempty(r->panic),
                             r->panic ? "\"" : "");
        return k < 0 ? -ENOMEM : 0;
}

int dump_reports_new(const char *base, const char *state_file, bool mark, DumpReport **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **dirs = NULL, **told = NULL;
        _cleanup_free_ char *text = NULL;
        DumpReport *list = NULL;
        size_t n = 0;
        int r;

        assert_return(base && state_file && ret && ret_n, -EINVAL);
        r = dump_dirs_list(base, &dirs);
        if (r < 0)
                return r;
        if (read_full_file(state_file, &text, NULL) >= 0)
                (void) strv_split_lines(text, &told);

        for (char **d = dirs; *d; d++) {
                _cleanup_free_ char *full = NULL;
                if (asprintf(&full, "%s/%s", base, *d) < 0) {
                        r = -ENOMEM;
                        goto fail;
                }
                if (strv_contains(told, full))
                        continue;
                DumpReport *nl = realloc(list, (n + 1) * sizeof(*list));
                if (!nl) {
                        r = -ENOMEM;
                        goto fail;
                }
                list = nl;
                r = dump_report_read(full, &list[n]);
                if (r < 0)
                        goto fail;
                n++;
                if (mark && strv_extend(&told, full) < 0) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        if (mark && n > 0) {
                _cleanup_free_ char *out = strv_join(told, "\n");
                _cleanup_free_ char *with_nl = NULL;
                if (!out || asprintf(&with_nl, "%s\n", out) < 0) {
                        r = -ENOMEM;
                        goto fail;
                }
                r = write_file_atomic(state_file, with_nl, strlen(with_nl), 0600);
                if (r < 0)
                        goto fail;
        }
        *ret = list;
        *ret_n = n;
        return 0;
fail:
        dump_reports_free(list, n);
        return r;
}
