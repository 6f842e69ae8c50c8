/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dmesg-scan.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

char **dmesg_read_lines(const char *path) {
        _cleanup_free_ char *text = NULL;
        char **l = NULL;
        if (!path || read_full_file(path, &text, NULL) < 0)
                return NULL;
        (void) strv_split_lines(text, &l);
        return l;
}

/* A bracketed prefix made only of the characters of set and blanks:
 * where it ends (after one blank), or NULL. */
static const char *skip_bracket(const char *l, const char *set) {
        const char *e;

        if (*l != '[' || !(e = strchr(l, ']')) || e == l + 1)
                return NULL;
        for (const char *p = l + 1; p < e; p++)
                if (*p != ' ' && !strchr(set, *p))
                        return NULL;
        return e + 1 + (e[1] == ' ');
}

const char *dmesg_line_text(const char *l) {
        const char *n;

        /* "<6>": a syslog priority, as pstore keeps the log */
        if (l[0] == '<' && (n = strchr(l, '>')) && n - l <= 4 && n > l + 1 &&
            strspn(l + 1, "0123456789") == (size_t) (n - l - 1))
                l = n + 1;
        /* "[   12.345678] " */
        if ((n = skip_bracket(l, "0123456789.")))
                l = n;
        /* "[    T337] ", "[     C0] ": the caller (CONFIG_PRINTK_CALLER) */
        if ((n = skip_bracket(l, "TC0123456789")))
                l = n;
        return l;
}

char *dmesg_find_panic(char * const *lines) {
        static const char *const what[] = { "Kernel panic - not syncing", "sysrq: Trigger a crash", "BUG: ", "Oops: ",
                                            NULL };
        for (size_t k = 0; what[k]; k++)
                for (char * const *l = lines; l && *l; l++)
                        if (strstr(*l, what[k]))
                                return strdup(dmesg_line_text(*l));
        return NULL;
}

void dmesg_context_done(DmesgContext *c) {
        free(c->comm);
        free(c->pid);
        free(c->taint);
        free(c->release);
        *c = (DmesgContext) {};
}

/* The word at p (up to a blank), or NULL. */
static char *word_at(const char *p) {
        size_t n = strcspn(p, " \t");
        return n > 0 ? strndup(p, n) : NULL;
}

/* "Not tainted REL" or "Tainted: G    W  OE  REL": the letters, and the
 * release that follows them. */
static int parse_taint(const char *p, DmesgContext *c) {
        char letters[64];
        size_t n = 0;

        if (strncmp(p, "Not tainted ", 12) == 0)
                p += 12;
        else if (strncmp(p, "Tainted: ", 9) == 0) {
                p += 9;
                /* Fixed-width: a letter or a blank per flag; the release
                 * starts with a digit. */
                for (; *p && !isdigit((unsigned char) *p); p++)
                        if (isupper((unsigned char) *p) && n < sizeof(letters) - 1)
                                letters[n++] = *p;
                        else if (*p != ' ')
                                return 0;
        } else
                return 0;
        letters[n] = 0;
        p += strspn(p, " ");
        free(c->taint);
        free(c->release);
        c->taint = strdup(letters);
        c->release = word_at(p);
        return c->taint ? 1 : -ENOMEM;
}

int dmesg_context_parse(const char *text, DmesgContext *ret) {
        DmesgContext c = {};
        const char *p, *t;
        int r = 0;

        if (!text || !ret)
                return -EINVAL;
        t = text + strspn(text, " ");
        if (strncmp(t, "CPU: ", 5) == 0 && (p = strstr(t, " PID: ")) && (c.pid = word_at(p + 6)) &&
            (p = strstr(p, " Comm: "))) {
                /* The name may hold blanks: it ends where the next field begins. */
                const char *end = NULL;
                p += 7;
                static const char *const after[] = { " Kdump: ", " Not tainted ", " Tainted: " };
                for (size_t i = 0; i < ELEMENTSOF(after); i++) {
                        const char *e = strstr(p, after[i]);
                        if (e && (!end || e < end))
                                end = e;
                }
                if (end) {
                        c.comm = strndup(p, (size_t) (end - p));
                        p = end + 1;
                        if (strncmp(p, "Kdump: loaded ", 14) == 0)
                                p += 14;
                        r = parse_taint(p, &c);
                }
        } else if (strncmp(t, "Not tainted ", 12) == 0 || strncmp(t, "Tainted: ", 9) == 0)
                r = parse_taint(t, &c);
        if (r <= 0 && !c.comm) {
                dmesg_context_done(&c);
                return r;
        }
        *ret = c;
        return 1;
}

char *dmesg_find_kernel(char * const *lines) {
        for (char * const *l = lines; l && *l; l++) {
                const char *v = strstr(*l, "Linux version ");
                if (v) {
                        v += strlen("Linux version ");
                        return strndup(v, strcspn(v, " "));
                }
        }
        for (char * const *l = lines; l && *l; l++) {
                DmesgContext c = {};
                if (dmesg_context_parse(dmesg_line_text(*l), &c) > 0 && c.release) {
                        char *rel = c.release;
                        c.release = NULL;
                        dmesg_context_done(&c);
                        return rel;
                }
                dmesg_context_done(&c);
        }
        return NULL;
}

char *dmesg_find_failure(char * const *lines) {
        for (char * const *l = lines; l && *l; l++) {
                const char *f = strstr(*l, "dump failed in step ");
                if (f)
                        return strdup(f);
        }
        return NULL;
}
