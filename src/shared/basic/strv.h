/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NULL-terminated string vectors: argv building and splitting without a shell. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

char **strv_free(char **l);
static inline void strv_freep(char ***l) {
        strv_free(*l);
}
#define _cleanup_strv_free_ __attribute__((cleanup(strv_freep)))

size_t strv_length(char * const *l);
/* Appends a copy of s. */
int strv_extend(char ***l, const char *s);
/* Appends every element of other (copies). */
int strv_extend_strv(char ***l, char * const *other);
int strv_extendf(char ***l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool strv_contains(char * const *l, const char *s);
/* Joins with sep; returns NULL on OOM. */
char *strv_join(char * const *l, const char *sep);

/* Splits text at newlines; empty lines are dropped. */
int strv_split_lines(const char *text, char ***ret);

/* Removes (and frees) every element equal to s, in place. */
void strv_remove(char **l, const char *s);

/* Splits a command line the way a POSIX shell splits words, with '…', "…" and
 * backslash quoting, but with no expansion of any kind. Returns -EINVAL on an
 * unterminated quote. */
int shell_split(const char *s, char ***ret);

/* Quotes s so that a POSIX shell reads it back as one word. */
char *shell_quote(const char *s);
