/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the two configuration parsers' fuzzers (kdump.conf, kdumpd.conf)
 * check alike: every diagnostic reads "fuzz.conf:LINE: error: …" (or
 * "warning: "), there are as many as the parser counted, and the return
 * code agrees with them. Include it after defining FUZZER, the fuzzer's
 * name for its messages. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdump-config.h"

#define FUZZ_NAME "fuzz.conf"

static inline void fail(const char *what, const char *input, const char *a, const char *b) {
        fprintf(stderr, FUZZER ": %s\n", what);
        if (input)
                fprintf(stderr, "--- input ---\n%s\n", input);
        if (a)
                fprintf(stderr, "--- first output ---\n%s", a);
        if (b)
                fprintf(stderr, "--- second output ---\n%s", b);
        abort();
}

/* LINE decimal and at least 1; warnings only where the parser gives any. */
static inline void diagnostics_check(const ConfigDiagnostics *d, const char *input, bool warnings) {
        static const char prefix[] = FUZZ_NAME ":";
        unsigned errors = 0, n_warnings = 0;

        for (char **m = d->messages; m && *m; m++) {
                const char *p = *m;

                if (strncmp(p, prefix, strlen(prefix)) != 0)
                        fail("diagnostic without the file name", input, *m, NULL);
                p += strlen(prefix);
                if (*p < '1' || *p > '9')
                        fail("diagnostic without a line number", input, *m, NULL);
                p += strspn(p, "0123456789");
                if (strncmp(p, ": error: ", 9) == 0)
                        errors++;
                else if (warnings && strncmp(p, ": warning: ", 11) == 0)
                        n_warnings++;
                else
                        fail(warnings ? "diagnostic is neither an error nor a warning" : "diagnostic is not an error",
                             input, *m, NULL);
        }
        if (errors != d->n_errors || n_warnings != d->n_warnings)
                fail("diagnostic counts do not match the messages", input, NULL, NULL);
}

/* A parse's return code against its diagnostics: 0 without errors,
 * -EINVAL with some, or -ENOMEM. */
static inline void parse_result_check(int r, const ConfigDiagnostics *d, const char *input) {
        if (r == 0 && d->n_errors > 0)
                fail("parse succeeded but reported errors", input, NULL, NULL);
        if (r == -EINVAL && d->n_errors == 0)
                fail("parse failed without an error message", input, NULL, NULL);
        if (r < 0 && r != -EINVAL && r != -ENOMEM)
                fail("parse failed with an unexpected error code", input, NULL, NULL);
}

/* The input as a string; NULL past 64 KiB (a real file is a few KiB, and
 * longer runs are slower, not deeper). */
static inline char *input_text(const uint8_t *data, size_t size) {
        char *text;

        if (size > 64 * 1024 || !(text = malloc(size + 1)))
                return NULL;
        memcpy(text, data, size);
        text[size] = 0;
        return text;
}
