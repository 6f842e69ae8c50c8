/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/kdumpd-settings.h: /etc/kdump/kdumpd.conf, its defaults, every
 * key, and the "FILE:LINE: error: …" messages for what is wrong in it. */
#include "kdumpd-settings.h"
#include "tests.h"

static KdumpdSettings *parse_ok(const char *text) {
        ConfigDiagnostics diag = {};
        KdumpdSettings *s = NULL;

        test_set_context("%s", text);
        int r = kdumpd_settings_parse_string("kdumpd.conf", text, &diag, &s);
        if (r < 0)
                config_diagnostics_print(&diag, stderr);
        ASSERT_OK(r);
        ASSERT_EQ(diag.n_errors, 0);
        ASSERT_NULL(diag.messages);
        config_diagnostics_done(&diag);
        test_set_context(NULL);
        return ASSERT_NOT_NULL(s);
}

/* text must be refused with exactly these messages, in this order; each
 * expected message is a prefix of the one produced. */
static void parse_fails(const char *text, char * const *expected) {
        ConfigDiagnostics diag = {};
        KdumpdSettings *s = NULL;

        test_set_context("%s", text);
        ASSERT_ERROR(kdumpd_settings_parse_string("kdumpd.conf", text, &diag, &s), EINVAL);
        ASSERT_NULL(s);
        ASSERT_EQ(strv_length(diag.messages), strv_length(expected));
        for (size_t i = 0; expected[i]; i++)
                if (strncmp(diag.messages[i], expected[i], strlen(expected[i])) != 0) {
                        ASSERT_STREQ(diag.messages[i], expected[i]);
                }
        ASSERT_EQ(diag.n_errors, strv_length(expected));
        config_diagnostics_done(&diag);
        test_set_context(NULL);
}

static char *format(const KdumpdSettings *s) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = ASSERT_NOT_NULL(open_memstream(&buf, &size));
        ASSERT_OK(kdumpd_settings_format(s, f));
        ASSERT_EQ(fclose(f), 0);
        return buf;
}

static void assert_defaults(const KdumpdSettings *s) {
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_append(s), STRV_EMPTY);
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_remove(s), STRV_EMPTY);
        ASSERT_NULL(kdumpd_settings_kernel(s));
        ASSERT_EQ(kdumpd_settings_capture_cpus(s), 1);
        ASSERT_EQ(kdumpd_settings_makedumpfile_threads(s), 0);
        ASSERT_EQ(kdumpd_settings_keep_dumps(s), 0);
        ASSERT_EQ(kdumpd_settings_min_free_mb(s), 0);
}

TEST(defaults_from_empty_text) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = parse_ok("");
        assert_defaults(s);
}

TEST(defaults_from_comments_only) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s =
                parse_ok("# nothing set\n// nor here\n/* nor\n   here */\n\n   \t\n");
        assert_defaults(s);
}

TEST(missing_file_gives_defaults) {
        _cleanup_free_ char *path = test_path(test_tmpdir(), "kdumpd.conf");
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = NULL;
        ConfigDiagnostics diag = {};

        ASSERT_EQ(kdumpd_settings_load(path, &diag, &s), KDUMPD_SETTINGS_DEFAULTS);
        ASSERT_NULL(diag.messages);
        assert_defaults(ASSERT_NOT_NULL(s));
        s = kdumpd_settings_free(s);
        ASSERT_ERROR(kdumpd_settings_parse_file(path, &diag, &s), ENOENT);
        ASSERT_NULL(s);
}

TEST(load_reads_an_existing_file) {
        _cleanup_free_ char *path = test_write_file(test_tmpdir(), "kdump/kdumpd.conf", "keep_dumps = 3\n");
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = NULL;

        ASSERT_EQ(kdumpd_settings_load(path, NULL, &s), KDUMPD_SETTINGS_FROM_FILE);
        ASSERT_EQ(kdumpd_settings_keep_dumps(ASSERT_NOT_NULL(s)), 3);
}

TEST(every_key) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = parse_ok(
                "# every key, in the shipped file's order\n"
                "capture_cmdline_append = { \"console=ttyS0,115200\", \"earlyprintk=serial foo=\\\"a b\\\"\" }\n"
                "capture_cmdline_remove = { \"quiet\", \"console=tty0\" }\n"
                "kernel = 6.1.0-13-amd64\n"
                "capture_cpus = 4\n"
                "makedumpfile_threads = 3\n"
                "keep_dumps = 5\n"
                "min_free_mb = 2048\n");

        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_append(s),
                       STRV_MAKE("console=ttyS0,115200", "earlyprintk=serial foo=\"a b\""));
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_remove(s), STRV_MAKE("quiet", "console=tty0"));
        ASSERT_STREQ(kdumpd_settings_kernel(s), "6.1.0-13-amd64");
        ASSERT_EQ(kdumpd_settings_capture_cpus(s), 4);
        ASSERT_EQ(kdumpd_settings_makedumpfile_threads(s), 3);
        ASSERT_EQ(kdumpd_settings_keep_dumps(s), 5);
        ASSERT_EQ(kdumpd_settings_min_free_mb(s), 2048);
}

TEST(native_syntax_variants) {
        /* A single string for a list, lists over several lines with
         * comments between the entries, "+=", quoted numbers, single
         * quotes, a trailing comma. */
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = parse_ok(
                "capture_cmdline_append = \"console=ttyS0\"\n"
                "capture_cmdline_append += {\n"
                "        \"loglevel=7\", # a comment in a list\n"
                "        'ignore_loglevel', // and another\n"
                "}\n"
                "capture_cmdline_remove = {}\n"
                "capture_cpus = \"2\"\n"
                "kernel='5.14.0-362.el9.x86_64'\n"
                "keep_dumps=010\n");

        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_append(s),
                       STRV_MAKE("console=ttyS0", "loglevel=7", "ignore_loglevel"));
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_remove(s), STRV_EMPTY);
        ASSERT_EQ(kdumpd_settings_capture_cpus(s), 2);
        ASSERT_STREQ(kdumpd_settings_kernel(s), "5.14.0-362.el9.x86_64");
        ASSERT_EQ(kdumpd_settings_keep_dumps(s), 10); /* decimal, not octal */
}

TEST(limits) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s =
                parse_ok("capture_cpus = 8192\nmakedumpfile_threads = 2147483647\nmin_free_mb = 2147483647\n");
        ASSERT_EQ(kdumpd_settings_capture_cpus(s), 8192);
        ASSERT_EQ(kdumpd_settings_makedumpfile_threads(s), 2147483647);
        ASSERT_EQ(kdumpd_settings_min_free_mb(s), 2147483647);
}

TEST(bad_numbers) {
        static const struct {
                const char *text;
                const char *message;
        } cases[] = {
                { "capture_cpus = 0\n", "kdumpd.conf:1: error: \"capture_cpus\" must be a whole number from 1 to 8192, not \"0\"" },
                { "\n\ncapture_cpus = 8193\n", "kdumpd.conf:3: error: \"capture_cpus\" must be a whole number from 1 to 8192, not \"8193\"" },
                { "# c\n# c\n\nkeep_dumps = -1\n", "kdumpd.conf:4: error: \"keep_dumps\" must be a whole number from 0 to 2147483647, not \"-1\"" },
                { "min_free_mb = 0x10\n", "kdumpd.conf:1: error: \"min_free_mb\" must be a whole number from 0 to 2147483647, not \"0x10\"" },
                { "min_free_mb = 2147483648\n", "kdumpd.conf:1: error: \"min_free_mb\" must be a whole number" },
                { "min_free_mb = 99999999999999999999999\n", "kdumpd.conf:1: error: \"min_free_mb\" must be a whole number" },
                { "makedumpfile_threads = many\n", "kdumpd.conf:1: error: \"makedumpfile_threads\" must be a whole number from 0 to 2147483647, not \"many\"" },
                { "/* a\n   b */\nmakedumpfile_threads = 1.5\n", "kdumpd.conf:3: error: \"makedumpfile_threads\"" },
                { "keep_dumps = \"\"\n", "kdumpd.conf:1: error: \"keep_dumps\" must be a whole number from 0 to 2147483647, not \"\"" },
                { "keep_dumps = +3\n", "kdumpd.conf:1: error: a stray \"+\"; put a value that holds it in quotes" },
                { "keep_dumps = \"+3\"\n", "kdumpd.conf:1: error: \"keep_dumps\" must be a whole number" },
                { "\nkeep_dumps = 3*2\n", "kdumpd.conf:2: error: a stray \"*\"" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                parse_fails(cases[i].text, STRV_MAKE((char *) cases[i].message));
}

TEST(bad_strings) {
        static const struct {
                const char *text;
                const char *message;
        } cases[] = {
                { "kernel = \"\"\n", "kdumpd.conf:1: error: \"kernel\" is a kernel release as \"uname -r\" prints it (\"6.1.0-13-amd64\"), not ''" },
                { "\nkernel = /boot/vmlinuz-6.1\n", "kdumpd.conf:2: error: \"kernel\" is a kernel release" },
                { "kernel = ..\n", "kdumpd.conf:1: error: \"kernel\" is a kernel release" },
                { "kernel = \"6.1 x\"\n", "kdumpd.conf:1: error: \"kernel\" is a kernel release" },
                { "capture_cmdline_append = { \"a\", \"\" }\n", "kdumpd.conf:1: error: an empty entry in \"capture_cmdline_append\"" },
                { "capture_cmdline_append = { \"a\\nb\" }\n", "kdumpd.conf:1: error: \"capture_cmdline_append\" entries are kernel parameters separated by blanks" },
                { "capture_cmdline_append = { 'foo=\"a b' }\n", "kdumpd.conf:1: error: unbalanced double quote in \"capture_cmdline_append\" entry 'foo=\"a b'" },
                { "capture_cmdline_append = {\n  \"quiet\",\n  \"irqpoll nr_cpus=4\"\n}\n", "kdumpd.conf:3: error: \"capture_cmdline_append\" must not set nr_cpus; use \"capture_cpus\" instead" },
                { "capture_cmdline_remove = { \"nr_cpus\" }\n", "kdumpd.conf:1: error: nr_cpus cannot be removed; \"capture_cpus\" sets it" },
                { "capture_cmdline_remove = { \"quiet splash\" }\n", "kdumpd.conf:1: error: each \"capture_cmdline_remove\" entry is one parameter name (\"quiet\") or name=value (\"console=tty0\"), not 'quiet splash'" },
                { "capture_cmdline_remove = { \"=x\" }\n", "kdumpd.conf:1: error: each \"capture_cmdline_remove\" entry" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                parse_fails(cases[i].text, STRV_MAKE((char *) cases[i].message));
}

TEST(unknown_key) {
        parse_fails("capture_cpus = 2\n\n# typo below\ncapture_cpu = 2\n",
                    STRV_MAKE("kdumpd.conf:4: error: unknown setting \"capture_cpu\"; the settings are: "
                              "capture_cmdline_append, capture_cmdline_remove, kernel, capture_cpus, "
                              "makedumpfile_threads, keep_dumps, min_free_mb"));
        /* kdump.conf syntax in the wrong file */
        parse_fails("path /var/crash\n", STRV_MAKE("kdumpd.conf:1: error: unknown setting \"path\""));
        /* libconfuse's include() is not offered */
        parse_fails("include(\"/etc/passwd\")\n", STRV_MAKE("kdumpd.conf:1: error: unknown setting \"include\""));
}

TEST(syntax_errors) {
        parse_fails("keep_dumps = 3\nkernel = {\"a\"}\n", STRV_MAKE("kdumpd.conf:2: error: unexpected token '{'"));
        /* libconfuse sees the end of the file after the last newline */
        parse_fails("keep_dumps = 3\ncapture_cpus =\n", STRV_MAKE("kdumpd.conf:2: error: "));
        parse_fails("\n\nkernel = \"6.1\n\n", STRV_MAKE("kdumpd.conf:3: error: a string that starts here has no closing double quote"));
        parse_fails("kernel = '6.1\n", STRV_MAKE("kdumpd.conf:1: error: a string that starts here has no closing single quote"));
        parse_fails("\n/* open\n", STRV_MAKE("kdumpd.conf:2: error: a comment that starts here has no closing \"*/\""));
}

TEST(duplicates) {
        parse_fails("keep_dumps = 3\n\nkeep_dumps = 4\n",
                    STRV_MAKE("kdumpd.conf:3: error: \"keep_dumps\" is already set on line 1"));
        parse_fails("capture_cmdline_append = { \"a\" }\ncapture_cmdline_append = { \"b\" }\n",
                    STRV_MAKE("kdumpd.conf:2: error: \"capture_cmdline_append\" is already set on line 1"));
        /* "+=" adds to a list: not a second setting */
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s =
                parse_ok("capture_cmdline_remove = { \"a\" }\ncapture_cmdline_remove += { \"b\" }\n");
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_remove(s), STRV_MAKE("a", "b"));
}

TEST(environment_is_not_expanded) {
        setenv("KDUMPD_TEST_RELEASE", "6.1.0", 1);
        parse_fails("kernel = ${KDUMPD_TEST_RELEASE}\n",
                    STRV_MAKE("kdumpd.conf:1: error: \"${\" is not allowed outside single quotes"));
        parse_fails("\ncapture_cmdline_append = { \"root=${KDUMPD_TEST_RELEASE}\" }\n",
                    STRV_MAKE("kdumpd.conf:2: error: \"${\" is not allowed outside single quotes"));
        /* literally, in single quotes or escaped */
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s =
                parse_ok("capture_cmdline_append = { 'a=${X}', \"b=\\${Y}\" }\n# ${Z} in a comment\n");
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_append(s), STRV_MAKE("a=${X}", "b=${Y}"));
}

TEST(every_mistake_is_reported) {
        parse_fails("capture_cpus = 0\n"
                    "keep_dumps = x\n"
                    "capture_cmdline_remove = { \"nr_cpus\", \"a b\" }\n"
                    "keep_dumps = 2\n"
                    "kernel = \"\"\n",
                    STRV_MAKE("kdumpd.conf:1: error: \"capture_cpus\" must be",
                              "kdumpd.conf:2: error: \"keep_dumps\" must be",
                              "kdumpd.conf:3: error: nr_cpus cannot be removed",
                              "kdumpd.conf:3: error: each \"capture_cmdline_remove\" entry",
                              "kdumpd.conf:4: error: \"keep_dumps\" is already set on line 2",
                              "kdumpd.conf:5: error: \"kernel\" is a kernel release"));
}

TEST(file_errors_name_the_file) {
        _cleanup_free_ char *path = test_write_file(test_tmpdir(), "kdumpd.conf", "\nkeep_dumps = -2\n");
        _cleanup_free_ char *expected = NULL;
        KdumpdSettings *s = NULL;
        ConfigDiagnostics diag = {};

        ASSERT_ERROR(kdumpd_settings_load(path, &diag, &s), EINVAL);
        ASSERT_TRUE(asprintf(&expected, "%s:2: error: \"keep_dumps\" must be", path) > 0);
        ASSERT_EQ(strv_length(diag.messages), 1);
        ASSERT_TRUE(strncmp(diag.messages[0], expected, strlen(expected)) == 0);
        config_diagnostics_done(&diag);
}

TEST(nul_byte_is_refused) {
        _cleanup_free_ char *path = test_path(test_tmpdir(), "kdumpd.conf");
        KdumpdSettings *s = NULL;
        FILE *f = ASSERT_NOT_NULL(fopen(path, "we"));
        ASSERT_EQ(fwrite("keep_dumps = 1\0\n", 1, 16, f), 16);
        ASSERT_EQ(fclose(f), 0);
        ASSERT_ERROR(kdumpd_settings_parse_file(path, NULL, &s), EBADMSG);
}

TEST(format_defaults) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = parse_ok("");
        _cleanup_free_ char *out = format(s);
        ASSERT_STREQ(out, "capture_cmdline_append = {}\n"
                          "capture_cmdline_remove = {}\n"
                          "# kernel: not set, the running kernel\n"
                          "capture_cpus = 1\n"
                          "makedumpfile_threads = 0\n"
                          "keep_dumps = 0\n"
                          "min_free_mb = 0\n");
}

TEST(format_is_a_fixed_point) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = parse_ok(
                "capture_cmdline_append = { 'a=\"x y\"', 'b=${HOME}\\\\', \"c\" }\n"
                "capture_cmdline_remove = { \"quiet\" }\n"
                "kernel = 6.1.0-13-amd64\n"
                "capture_cpus = 2\nmakedumpfile_threads = 1\nkeep_dumps = 7\nmin_free_mb = 100\n");
        _cleanup_free_ char *out = format(s);
        ASSERT_STREQ(out, "capture_cmdline_append = { \"a=\\\"x y\\\"\", \"b=\\${HOME}\\\\\", \"c\" }\n"
                          "capture_cmdline_remove = { \"quiet\" }\n"
                          "kernel = \"6.1.0-13-amd64\"\n"
                          "capture_cpus = 2\n"
                          "makedumpfile_threads = 1\n"
                          "keep_dumps = 7\n"
                          "min_free_mb = 100\n");
        _cleanup_kdumpd_settings_free_ KdumpdSettings *again = parse_ok(out);
        _cleanup_free_ char *out2 = format(again);
        ASSERT_STREQ(out2, out);
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_append(again), kdumpd_settings_capture_cmdline_append(s));
}

TEST(shipped_file_is_all_defaults) {
        _cleanup_free_ char *path = NULL;
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = NULL;
        ConfigDiagnostics diag = {};

        ASSERT_TRUE(asprintf(&path, "%s/../../conf/kdumpd.conf", test_srcdir()) > 0);
        int r = kdumpd_settings_parse_file(path, &diag, &s);
        config_diagnostics_print(&diag, stderr);
        ASSERT_EQ(r, 0);
        ASSERT_NULL(diag.messages);
        assert_defaults(s);
}

TEST(shipped_file_examples_parse) {
        /* Every commented-out "key = value" line of the shipped file, made
         * active one at a time, must parse. */
        _cleanup_free_ char *path = NULL;
        ASSERT_TRUE(asprintf(&path, "%s/../../conf/kdumpd.conf", test_srcdir()) > 0);
        _cleanup_free_ char *text = test_read_file(path);
        unsigned n = 0;

        for (char *l = text, *next; l && *l; l = next) {
                next = strchr(l, '\n');
                size_t len = next ? (size_t) (next - l) : strlen(l);
                if (next)
                        next++;
                if (len < 2 || l[0] != '#' || !strchr(l, '=') || (size_t) (strchr(l, '=') - l) > len ||
                    strchr(" #", l[1]))
                        continue;
                _cleanup_free_ char *line = ASSERT_NOT_NULL(strndup(l + 1, len - 1));
                _cleanup_kdumpd_settings_free_ KdumpdSettings *s = parse_ok(line);
                n++;
        }
        ASSERT_GE(n, 7);
}
