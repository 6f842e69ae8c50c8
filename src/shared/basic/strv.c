/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "strv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

char **strv_free(char **l) {
        if (!l)
                return NULL;
        for (char **i = l; *i; i++)
                free(*i);
        free(l);
        return NULL;
}

size_t strv_length(char * const *l) {
        size_t n = 0;
        if (l)
                while (l[n])
                        n++;
        return n;
}

static int strv_push(char ***l, char *s) {
        size_t n = strv_length(*l);
        char **t = realloc(*l, sizeof(char *) * (n + 2));
        if (!t)
                return -ENOMEM;
        t[n] = s;
        t[n + 1] = NULL;
        *l = t;
        return 0;
}

int strv_extend(char ***l, const char *s) {
        char *c = strdup(s);
        if (!c)
                return -ENOMEM;
        int r = strv_push(l, c);
        if (r < 0)
                free(c);
        return r;
}

int strv_extend_strv(char ***l, char * const *other) {
        for (char * const *i = other; i && *i; i++) {
                int r = strv_extend(l, *i);
                if (r < 0)
                        return r;
        }
        return 0;
}

int strv_extendf(char ***l, const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        int k = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        int r = strv_push(l, s);
        if (r < 0)
                free(s);
        return r;
}

bool strv_contains(char * const *l, const char *s) {
        for (char * const *i = l; i && *i; i++)
                if (strcmp(*i, s) == 0)
                        return true;
        return false;
}

char *strv_join(char * const *l, const char *sep) {
        size_t len = 1, seplen = strlen(sep);
        for (char * const *i = l; i && *i; i++)
                len += strlen(*i) + seplen;
        char *r = malloc(len), *p = r;
        if (!r)
                return NULL;
        *p = 0;
        for (char * const *i = l; i && *i; i++) {
                if (i != l)
                        p = stpcpy(p, sep);
                p = stpcpy(p, *i);
        }
        return r;
}

int shell_split(const char *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *word = NULL;
        size_t n = 0;
        bool in_word = false;
        enum { PLAIN, SINGLE, DOUBLE } state = PLAIN;

        word = malloc(strlen(s) + 1);
        if (!word)
                return -ENOMEM;

        for (const char *p = s;; p++) {
                char c = *p;

                if (c == 0) {
                        if (state != PLAIN)
                                return -EINVAL;
                        break;
                }
                switch (state) {
                case PLAIN:
                        if (c == ' ' || c == '\t' || c == '\n') {
                                if (in_word) {
                                        word[n] = 0;
                                        if (strv_extend(&l, word) < 0)
                                                return -ENOMEM;
                                        n = 0;
                                        in_word = false;
                                }
                                continue;
                        }
                        in_word = true;
                        if (c == '\'')
                                state = SINGLE;
                        else if (c == '"')
                                state = DOUBLE;
                        else if (c == '\\') {
                                if (!p[1])
                                        return -EINVAL;
                                word[n++] = *++p;
                        } else
                                word[n++] = c;
                        break;
                case SINGLE:
                        if (c == '\'')
                                state = PLAIN;
                        else
                                word[n++] = c;
                        break;
                case DOUBLE:
                        if (c == '"')
                                state = PLAIN;
                        else if (c == '\\' && p[1] && strchr("\\\"$`", p[1]))
                                word[n++] = *++p;
                        else
                                word[n++] = c;
                        break;
                }
        }
        if (in_word) {
                word[n] = 0;
                if (strv_extend(&l, word) < 0)
                        return -ENOMEM;
        }
        if (!l) {
                l = calloc(1, sizeof(char *));
                if (!l)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

char *shell_quote(const char *s) {
        /* '…' quotes everything but ' itself, which becomes '\'' */
        size_t len = 3;
        for (const char *p = s; *p; p++)
                len += *p == '\'' ? 4 : 1;
        char *r = malloc(len), *q = r;
        if (!r)
                return NULL;
        *q++ = '\'';
        for (const char *p = s; *p; p++) {
                if (*p == '\'')
                        q = stpcpy(q, "'\\''");
                else
                        *q++ = *p;
        }
        *q++ = '\'';
        *q = 0;
        return r;
}

int strv_split_lines(const char *text, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        for (const char *p = text; p && *p;) {
                size_t n = strcspn(p, "\n");
                if (n > 0) {
                        _cleanup_free_ char *line = strndup(p, n);
                        if (!line || strv_extend(&l, line) < 0)
                                return -ENOMEM;
                }
                p += n + (p[n] == '\n');
        }
        *ret = TAKE_PTR(l);
        return 0;
}

void strv_remove(char **l, const char *s) {
        char **w = l;
        for (char **r = l; r && *r; r++) {
                if (strcmp(*r, s) == 0)
                        free(*r);
                else
                        *w++ = *r;
        }
        if (w)
                *w = NULL;
}
