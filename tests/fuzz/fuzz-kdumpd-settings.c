/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the kdumpd.conf parser (src/shared/kdumpd-settings.h).
 * Any input: no crash, no leak, every diagnostic "NAME:LINE: error: …" and
 * as many as the parser counts. Accepted input: the values are in their
 * ranges, and the formatted settings ("kdumpctl check" prints them) parse
 * again without errors into the same values and format to the same bytes.
 * run-fuzz.sh builds and runs it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kdumpd-settings.h"
#include "strv.h"

#define FUZZ_NAME "fuzz.conf"

static void fail(const char *what, const char *input, const char *a, const char *b) {
        fprintf(stderr, "fuzz-kdumpd-settings: %s\n", what);
        if (input)
                fprintf(stderr, "--- input ---\n%s\n", input);
        if (a)
                fprintf(stderr, "--- first output ---\n%s", a);
        if (b)
                fprintf(stderr, "--- second output ---\n%s", b);
        abort();
}

static void diagnostics_check(const ConfigDiagnostics *d, const char *input) {
        static const char prefix[] = FUZZ_NAME ":";
        unsigned errors = 0;

        for (char **m = d->messages; m && *m; m++) {
                const char *p = *m;
                if (strncmp(p, prefix, strlen(prefix)) != 0)
                        fail("diagnostic without the file name", input, *m, NULL);
                p += strlen(prefix);
                if (*p < '1' || *p > '9')
                        fail("diagnostic without a line number", input, *m, NULL);
                p += strspn(p, "0123456789");
                if (strncmp(p, ": error: ", 9) != 0)
                        fail("diagnostic is not an error", input, *m, NULL);
                errors++;
        }
        if (errors != d->n_errors || d->n_warnings != 0)
                fail("diagnostic counts do not match the messages", input, NULL, NULL);
}

static void ranges_check(const KdumpdSettings *s, const char *input) {
        const char *k = kdumpd_settings_kernel(s);

        if (kdumpd_settings_capture_cpus(s) < 1 || kdumpd_settings_capture_cpus(s) > KDUMPD_SETTINGS_CAPTURE_CPUS_MAX)
                fail("capture_cpus out of range", input, NULL, NULL);
        if (!kdumpd_settings_capture_cmdline_append(s) || !kdumpd_settings_capture_cmdline_remove(s))
                fail("a list is NULL", input, NULL, NULL);
        /* It becomes /boot/vmlinuz-<kernel> and /lib/modules/<kernel>. */
        if (k && (!*k || strchr(k, '/') || strcmp(k, "..") == 0))
                fail("kernel is not a release name", input, NULL, NULL);
}

static char *format(const KdumpdSettings *s, const char *input) {
        char *out = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&out, &n);

        if (!f)
                return NULL;
        if (kdumpd_settings_format(s, f) < 0)
                fail("formatting accepted settings failed", input, NULL, NULL);
        if (fclose(f) != 0)
                return NULL;
        return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        ConfigDiagnostics diag = {}, diag2 = {};
        KdumpdSettings *s = NULL, *s2 = NULL;
        char *text, *out = NULL, *out2 = NULL;
        int r;

        if (size > 64 * 1024)
                return 0;
        text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = 0;

        r = kdumpd_settings_parse_string(FUZZ_NAME, text, &diag, &s);
        diagnostics_check(&diag, text);
        if (r == 0 && diag.n_errors > 0)
                fail("parse succeeded but reported errors", text, NULL, NULL);
        if (r == -EINVAL && diag.n_errors == 0)
                fail("parse failed without an error message", text, NULL, NULL);
        if (r < 0 && r != -EINVAL && r != -ENOMEM)
                fail("parse failed with an unexpected error code", text, NULL, NULL);
        if (r < 0)
                goto finish;

        ranges_check(s, text);
        out = format(s, text);
        if (!out)
                goto finish;
        r = kdumpd_settings_parse_string(FUZZ_NAME, out, &diag2, &s2);
        if (r == -ENOMEM)
                goto finish;
        if (r < 0) {
                config_diagnostics_print(&diag2, stderr);
                fail("the formatted settings do not parse again", text, out, NULL);
        }
        out2 = format(s2, text);
        if (out2 && strcmp(out, out2) != 0)
                fail("formatting the formatted settings changes them", text, out, out2);

finish:
        free(out2);
        free(out);
        kdumpd_settings_free(s2);
        kdumpd_settings_free(s);
        config_diagnostics_done(&diag2);
        config_diagnostics_done(&diag);
        free(text);
        return 0;
}
