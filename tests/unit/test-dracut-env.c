/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/mkdumprd/dracut-env.h: the KDUMP_* variables mkdumprd passes to its
 * dracut module are exactly the ones modules.d/99kdump/module-setup.sh.in
 * reads, and the module's header lists each with the meaning the C table
 * gives it. */
#include <stdbool.h>
#include <string.h>

#include "dracut-env.h"
#include "strv.h"
#include "tests.h"

#define NAME_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

static char *module_setup(void) {
        _cleanup_free_ char *path = test_path(test_srcdir(), "../../modules.d/99kdump/module-setup.sh.in");
        return test_read_file(path);
}

static bool is_comment(const char *line) {
        return line[strspn(line, " \t")] == '#';
}

/* Every KDUMP_* name the module's code (not its comments) uses, once. */
static char **names_read(char * const *lines) {
        char **l = NULL;

        for (char * const *line = lines; *line; line++) {
                if (is_comment(*line))
                        continue;
                for (const char *p = *line; (p = strstr(p, "KDUMP_"));) {
                        size_t n = strspn(p, NAME_CHARS);
                        _cleanup_free_ char *name = ASSERT_NOT_NULL(strndup(p, n));
                        if (!strv_contains(l, name))
                                ASSERT_OK(strv_extend(&l, name));
                        p += n;
                }
        }
        return l ? l : ASSERT_NOT_NULL(calloc(1, sizeof(char *)));
}

/* The header's "#   KDUMP_NAME  meaning" lines, as "KDUMP_NAME meaning". */
static char **names_listed(char * const *lines) {
        char **l = NULL;

        for (char * const *line = lines; *line && is_comment(*line); line++) {
                const char *p = *line + strspn(*line, "# \t");
                if (strncmp(p, "KDUMP_", 6) != 0)
                        continue;
                size_t n = strspn(p, NAME_CHARS);
                ASSERT_OK(strv_extendf(&l, "%.*s %s", (int) n, p, p + n + strspn(p + n, " \t")));
        }
        return l ? l : ASSERT_NOT_NULL(calloc(1, sizeof(char *)));
}

TEST(module_reads_what_mkdumprd_passes) {
        _cleanup_free_ char *text = module_setup();
        _cleanup_strv_free_ char **lines = NULL, **read = NULL;
        size_t n;
        const DracutEnvVar *vars = dracut_env_vars(&n);

        ASSERT_OK(strv_split_lines(text, &lines));
        read = names_read(lines);
        for (size_t i = 0; i < n; i++) {
                test_set_context("%s is passed; module-setup.sh.in does not read it", vars[i].name);
                ASSERT_TRUE(strv_contains(read, vars[i].name));
        }
        for (char **name = read; *name; name++) {
                bool passed = false;
                for (size_t i = 0; i < n; i++)
                        passed = passed || strcmp(vars[i].name, *name) == 0;
                test_set_context("module-setup.sh.in reads %s; src/mkdumprd/dracut-env.c does not pass it", *name);
                ASSERT_TRUE(passed);
        }
        test_set_context(NULL);
}

TEST(module_header_lists_the_table) {
        _cleanup_free_ char *text = module_setup();
        _cleanup_strv_free_ char **lines = NULL, **listed = NULL, **table = NULL;
        size_t n;
        const DracutEnvVar *vars = dracut_env_vars(&n);

        ASSERT_OK(strv_split_lines(text, &lines));
        listed = names_listed(lines);
        for (size_t i = 0; i < n; i++) {
                ASSERT_TRUE(strchr(vars[i].meaning, '\n') == NULL);
                ASSERT_OK(strv_extendf(&table, "%s %s", vars[i].name, vars[i].meaning));
        }
        ASSERT_STRV_EQ(listed, table);
}

TEST(env_has_every_variable_in_order) {
        _cleanup_strv_free_ char **env = NULL;
        size_t n;
        const DracutEnvVar *vars = dracut_env_vars(&n);
        DracutEnv e = { .target_device = "/dev/vdb1", .hook_files = "/etc/kdump/pre.d/a\n/etc/kdump/pre.d/b" };

        ASSERT_OK(dracut_env_strv(&e, &env));
        ASSERT_EQ(strv_length(env), n);
        for (size_t i = 0; i < n; i++) {
                size_t len = strlen(vars[i].name);
                ASSERT_TRUE(strncmp(env[i], vars[i].name, len) == 0 && env[i][len] == '=');
        }
        ASSERT_TRUE(strv_contains(env, "KDUMP_TARGET_DEVICE=/dev/vdb1"));
        ASSERT_TRUE(strv_contains(env, "KDUMP_HOOK_FILES=/etc/kdump/pre.d/a\n/etc/kdump/pre.d/b"));
        ASSERT_TRUE(strv_contains(env, "KDUMP_SHELL="));
}
