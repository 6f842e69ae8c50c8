/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the kdumpd.conf parser (src/shared/kdumpd-settings.h).
 * Any input: no crash, no leak, every diagnostic "NAME:LINE: error: …" and
 * as many as the parser counts. Accepted input: the values are in their
 * ranges, and the formatted settings ("kdumpctl check" prints them) parse
 * again without errors into the same values and format to the same bytes.
 * run-fuzz.sh builds and runs it. */
#define FUZZER "fuzz-kdumpd-settings"
#include "fuzz-config.h"
#include "kdumpd-settings.h"

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

        text = input_text(data, size);
        if (!text)
                return 0;
        r = kdumpd_settings_parse_string(FUZZ_NAME, text, &diag, &s);
        diagnostics_check(&diag, text, false);
        parse_result_check(r, &diag, text);
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
