/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the kdump.conf parser (src/shared/kdump-config.h).
 * Any input: the parser must not crash or leak, and every diagnostic is in
 * the "NAME:LINE: error: " / "NAME:LINE: warning: " form.
 * Accepted input: the accessors give valid values, and the normalised output
 * must parse again without errors into the same values and format to the
 * very same bytes, i.e. normalising is a fixed point. That is
 * what mkdumprd relies on when it bakes the formatted config into the image
 * and the capture program parses it there.
 * run-fuzz.sh beside this file builds and runs it. */
#define FUZZER "fuzz-kdump-config"
#include "fuzz-config.h"
#include "strv.h"

/* The keys of the normalised form (kdump_config_string() names). sshkey is
 * only written, and so only kept, for an ssh target. */
static const char *const keys[] = {
        "target_kind", "target_location", "path", "sshkey", "core_collector", "kdump_pre", "kdump_post",
        "kdump_emergency", "extra_bins", "extra_modules", "dracut_args", "force_rebuild", "force_no_rebuild",
        "failure_action", "final_action", "link_delay", "disk_timeout", "debug_mem_level",
        "auto_reset_crashkernel", "fence_kdump_nodes", "fence_kdump_args",
};

static bool streq_null(const char *a, const char *b) {
        return a == b || (a && b && strcmp(a, b) == 0);
}

/* The argv every user runs is the text, split: never empty. */
static void collector_check(const KdumpConfig *c, const char *input) {
        char * const *argv = kdump_config_core_collector_argv(c);
        char **split = NULL;
        size_t i;

        if (!argv || !argv[0])
                fail("core_collector has no argv", input, NULL, NULL);
        if (shell_split(kdump_config_core_collector(c), &split) < 0)
                return; /* -ENOMEM */
        for (i = 0; argv[i] && split[i]; i++)
                if (strcmp(argv[i], split[i]) != 0)
                        break;
        if (argv[i] || split[i])
                fail("core_collector's argv is not its text split", input, NULL, NULL);
        strv_free(split);
}

static void accessors_check(const KdumpConfig *c, const char *input) {
        DumpTargetType t = kdump_config_target_type(c);

        if (!dump_target_type_to_string(t))
                fail("invalid target type", input, NULL, NULL);
        if ((t == DUMP_TARGET_PATH) != !kdump_config_target_location(c))
                fail("a target without a location, or a location without a target", input, NULL, NULL);
        if (!kdump_config_path(c) || kdump_config_path(c)[0] != '/' || !kdump_config_core_collector(c) ||
            !kdump_config_sshkey(c))
                fail("a directive with a default has no value", input, NULL, NULL);
        if (!kdump_action_to_string(kdump_config_failure_action(c)) ||
            !kdump_action_to_string(kdump_config_final_action(c)) ||
            kdump_config_default_action(c) != kdump_config_failure_action(c))
                fail("invalid action", input, NULL, NULL);
        if (kdump_config_force_rebuild(c) && kdump_config_force_no_rebuild(c))
                fail("force_rebuild and force_no_rebuild both set", input, NULL, NULL);
        if (kdump_config_disk_timeout(c) < -1 || kdump_config_disk_timeout(c) > 3600)
                fail("disk_timeout out of range", input, NULL, NULL);
        collector_check(c, input);
}

static void values_check(const KdumpConfig *a, const KdumpConfig *b, const char *input, const char *out) {
        bool ssh = kdump_config_target_type(a) == DUMP_TARGET_SSH;

        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
                if (strcmp(keys[i], "sshkey") == 0 && !ssh)
                        continue;
                if (!streq_null(kdump_config_string(a, keys[i]), kdump_config_string(b, keys[i]))) {
                        fprintf(stderr, "key \"%s\": \"%s\" became \"%s\"\n", keys[i],
                                kdump_config_string(a, keys[i]) ?: "(null)", kdump_config_string(b, keys[i]) ?: "(null)");
                        fail("the normalised output parses into other values", input, out, NULL);
                }
        }
}

static char *normalise(const KdumpConfig *c, const char *input) {
        char *out = NULL;
        int r = kdump_config_format_string(c, &out);

        if (r == -ENOMEM)
                return NULL;
        if (r < 0 || !out)
                fail("formatting an accepted config failed", input, NULL, NULL);
        return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        ConfigDiagnostics diag = {}, diag2 = {};
        KdumpConfig *c = NULL, *c2 = NULL;
        char *text, *out = NULL, *out2 = NULL;
        int r;

        text = input_text(data, size);
        if (!text)
                return 0;
        r = kdump_config_parse_string(FUZZ_NAME, text, &diag, &c);
        diagnostics_check(&diag, text, true);
        parse_result_check(r, &diag, text);
        if (r < 0)
                goto finish;

        accessors_check(c, text);
        out = normalise(c, text);
        if (!out)
                goto finish;

        r = kdump_config_parse_string(FUZZ_NAME, out, &diag2, &c2);
        if (r == -ENOMEM)
                goto finish;
        if (r < 0 || diag2.n_errors > 0) {
                config_diagnostics_print(&diag2, stderr);
                fail("the normalised output does not parse again", text, out, NULL);
        }
        diagnostics_check(&diag2, out, true);
        accessors_check(c2, out);
        values_check(c, c2, text, out);

        out2 = normalise(c2, text);
        if (!out2)
                goto finish;
        if (strcmp(out, out2) != 0)
                fail("formatting the normalised output changes it", text, out, out2);

finish:
        free(out2);
        free(out);
        kdump_config_free(c2);
        kdump_config_free(c);
        config_diagnostics_done(&diag2);
        config_diagnostics_done(&diag);
        free(text);
        return 0;
}
