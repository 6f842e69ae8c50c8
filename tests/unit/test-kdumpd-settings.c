/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/kdumpd-settings.h: /etc/kdump/kdumpd.conf, its defaults, every
 * key, and the "FILE:LINE: error: …" messages for what is wrong in it; then
 * what kdumpd does with the settings file and two of its keys: the reload
 * when the file changes (config-watch.h) and keep_dumps / min_free_mb
 * (dump-space.h). */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <systemd/sd-event.h>
#include <time.h>
#include <unistd.h>

#include "config-watch.h"
#include "dump-space.h"
#include "fileio.h"
#include "kdumpd-settings.h"
#include "deadline.h"
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

/* kdumpd_settings_format() or _format_capture() into a string. */
static char *format_with(int (*f)(const KdumpdSettings *s, FILE *out), const KdumpdSettings *s) {
        char *buf = NULL;
        size_t size = 0;
        FILE *out = ASSERT_NOT_NULL(open_memstream(&buf, &size));
        ASSERT_OK(f(s, out));
        ASSERT_EQ(fclose(out), 0);
        return buf;
}

static char *format(const KdumpdSettings *s) {
        return format_with(kdumpd_settings_format, s);
}

static void assert_defaults(const KdumpdSettings *s) {
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_append(s), STRV_EMPTY);
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_remove(s), STRV_EMPTY);
        ASSERT_NULL(kdumpd_settings_kernel(s));
        ASSERT_EQ(kdumpd_settings_capture_cpus(s), 1);
        ASSERT_EQ(kdumpd_settings_makedumpfile_threads(s), 0);
        ASSERT_EQ(kdumpd_settings_dump_stall_timeout(s), 120);
        ASSERT_EQ(kdumpd_settings_keep_dumps(s), 0);
        ASSERT_EQ(kdumpd_settings_min_free_mb(s), 0);
        ASSERT_EQ(kdumpd_settings_build_timeout(s), KDUMPD_SETTINGS_BUILD_TIMEOUT_DEFAULT);
        ASSERT_EQ(kdumpd_settings_panic_triggers(s), PANIC_TRIGGERS_DEFAULT);
        ASSERT_EQ(kdumpd_settings_hung_task_timeout(s), 0);
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
                "dump_stall_timeout = 30\n"
                "keep_dumps = 5\n"
                "min_free_mb = 2048\n"
                "build_timeout = 60\n"
                "panic_triggers = { \"oops\", \"hung-task\" }\n"
                "hung_task_timeout = 30\n");

        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_append(s),
                       STRV_MAKE("console=ttyS0,115200", "earlyprintk=serial foo=\"a b\""));
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_remove(s), STRV_MAKE("quiet", "console=tty0"));
        ASSERT_STREQ(kdumpd_settings_kernel(s), "6.1.0-13-amd64");
        ASSERT_EQ(kdumpd_settings_capture_cpus(s), 4);
        ASSERT_EQ(kdumpd_settings_makedumpfile_threads(s), 3);
        ASSERT_EQ(kdumpd_settings_dump_stall_timeout(s), 30);
        ASSERT_EQ(kdumpd_settings_keep_dumps(s), 5);
        ASSERT_EQ(kdumpd_settings_min_free_mb(s), 2048);
        ASSERT_EQ(kdumpd_settings_build_timeout(s), 60);
        ASSERT_EQ(kdumpd_settings_panic_triggers(s),
                  PANIC_TRIGGER_BIT(PANIC_TRIGGER_OOPS) | PANIC_TRIGGER_BIT(PANIC_TRIGGER_HUNG_TASK));
        ASSERT_EQ(kdumpd_settings_hung_task_timeout(s), 30);
}

/* "=" replaces the default triggers, "+=" adds to them, {} is none. */
TEST(panic_triggers) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *only = parse_ok("panic_triggers = { \"nmi\" }\n");
        ASSERT_EQ(kdumpd_settings_panic_triggers(only), PANIC_TRIGGER_BIT(PANIC_TRIGGER_NMI));
        _cleanup_kdumpd_settings_free_ KdumpdSettings *more =
                parse_ok("panic_triggers += { \"soft-lockup\", \"hung-task\" }\nhung_task_timeout = 300\n");
        ASSERT_EQ(kdumpd_settings_panic_triggers(more), PANIC_TRIGGERS_DEFAULT |
                                                               PANIC_TRIGGER_BIT(PANIC_TRIGGER_SOFT_LOCKUP) |
                                                               PANIC_TRIGGER_BIT(PANIC_TRIGGER_HUNG_TASK));
        ASSERT_EQ(kdumpd_settings_hung_task_timeout(more), 300);
        _cleanup_kdumpd_settings_free_ KdumpdSettings *none = parse_ok("panic_triggers = {}\n");
        ASSERT_EQ(kdumpd_settings_panic_triggers(none), 0);
        /* Listed twice is still one. */
        _cleanup_kdumpd_settings_free_ KdumpdSettings *twice = parse_ok("panic_triggers += { \"oops\", warn }\n");
        ASSERT_EQ(kdumpd_settings_panic_triggers(twice),
                  PANIC_TRIGGERS_DEFAULT | PANIC_TRIGGER_BIT(PANIC_TRIGGER_WARN));

        parse_fails("\npanic_triggers = { \"oops\", \"soft_lockup\" }\n",
                    STRV_MAKE("kdumpd.conf:2: error: unknown panic trigger \"soft_lockup\" in \"panic_triggers\"; "
                              "the triggers are: oops, nmi, hard-lockup, soft-lockup, hung-task, warn, rcu-stall"));
        parse_fails("panic_triggers = { \"oops\" }\npanic_triggers = { \"nmi\" }\n",
                    STRV_MAKE("kdumpd.conf:2: error: \"panic_triggers\" is already set on line 1"));
        parse_fails("panic_triggers = oops\n\nhung_task_timeout = 2m\n",
                    STRV_MAKE("kdumpd.conf:3: error: \"hung_task_timeout\" must be a whole number from 0 to "
                              "2147483647, not \"2m\""));
        parse_fails("panic_triggers = { \"\" }\n", STRV_MAKE("kdumpd.conf:1: error: unknown panic trigger \"\""));
}

/* A hung task timeout without the hung-task trigger: parsed, but said. */
TEST(hung_task_timeout_without_its_trigger_warns) {
        ConfigDiagnostics diag = {};
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = NULL;

        ASSERT_OK(kdumpd_settings_parse_string("kdumpd.conf", "keep_dumps = 1\nhung_task_timeout = 30\n", &diag, &s));
        ASSERT_EQ(diag.n_errors, 0);
        ASSERT_EQ(diag.n_warnings, 1);
        ASSERT_EQ(strv_length(diag.messages), 1);
        ASSERT_CONTAINS(diag.messages[0], "kdumpd.conf:2: warning: \"hung_task_timeout\" is set, but \"hung-task\"");
        ASSERT_EQ(kdumpd_settings_hung_task_timeout(s), 30);
        config_diagnostics_done(&diag);
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
                parse_ok("capture_cpus = 8192\nmakedumpfile_threads = 2147483647\nmin_free_mb = 2147483647\n"
                         "dump_stall_timeout = 2147483647\n");
        ASSERT_EQ(kdumpd_settings_capture_cpus(s), 8192);
        ASSERT_EQ(kdumpd_settings_makedumpfile_threads(s), 2147483647);
        ASSERT_EQ(kdumpd_settings_min_free_mb(s), 2147483647);
        ASSERT_EQ(kdumpd_settings_dump_stall_timeout(s), 2147483647);
}

/* 0 turns the watchdog off: only the collector's deadline is left. */
TEST(dump_stall_timeout_zero_is_off) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = parse_ok("dump_stall_timeout = 0\n");
        ASSERT_EQ(kdumpd_settings_dump_stall_timeout(s), 0);
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
                { "dump_stall_timeout = 2m\n", "kdumpd.conf:1: error: \"dump_stall_timeout\" must be a whole number from 0 to 2147483647, not \"2m\"" },
                { "dump_stall_timeout = \"30 s\"\n", "kdumpd.conf:1: error: \"dump_stall_timeout\" must be a whole number" },
                { "\ndump_stall_timeout = -5\n", "kdumpd.conf:2: error: \"dump_stall_timeout\" must be a whole number from 0 to 2147483647, not \"-5\"" },
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
                              "makedumpfile_threads, dump_stall_timeout, keep_dumps, min_free_mb, build_timeout, "
                              "capture_dhcp_timeout, capture_dhcp_fallback, panic_triggers, hung_task_timeout"));
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
                          "dump_stall_timeout = 120\n"
                          "keep_dumps = 0\n"
                          "min_free_mb = 0\n"
                          "build_timeout = 900\n"
                          "capture_dhcp_timeout = 45\n"
                          "capture_dhcp_fallback = \"none\"\n"
                          "panic_triggers = { \"oops\", \"nmi\", \"hard-lockup\" }\n"
                          "hung_task_timeout = 0\n");
}

TEST(format_is_a_fixed_point) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = parse_ok(
                "capture_cmdline_append = { 'a=\"x y\"', 'b=${HOME}\\\\', \"c\" }\n"
                "capture_cmdline_remove = { \"quiet\" }\n"
                "kernel = 6.1.0-13-amd64\n"
                "capture_cpus = 2\nmakedumpfile_threads = 1\ndump_stall_timeout = 45\nkeep_dumps = 7\nmin_free_mb = 100\n"
                "build_timeout = 0\ncapture_dhcp_timeout = 10\ncapture_dhcp_fallback = static\n"
                "panic_triggers = { hung-task, 'oops' }\nhung_task_timeout = 60\n");
        _cleanup_free_ char *out = format(s);
        ASSERT_STREQ(out, "capture_cmdline_append = { \"a=\\\"x y\\\"\", \"b=\\${HOME}\\\\\", \"c\" }\n"
                          "capture_cmdline_remove = { \"quiet\" }\n"
                          "kernel = \"6.1.0-13-amd64\"\n"
                          "capture_cpus = 2\n"
                          "makedumpfile_threads = 1\n"
                          "dump_stall_timeout = 45\n"
                          "keep_dumps = 7\n"
                          "min_free_mb = 100\n"
                          "build_timeout = 0\n"
                          "capture_dhcp_timeout = 10\n"
                          "capture_dhcp_fallback = \"static\"\n"
                          "panic_triggers = { \"oops\", \"hung-task\" }\n"
                          "hung_task_timeout = 60\n");
        _cleanup_kdumpd_settings_free_ KdumpdSettings *again = parse_ok(out);
        _cleanup_free_ char *out2 = format(again);
        ASSERT_STREQ(out2, out);
        ASSERT_STRV_EQ(kdumpd_settings_capture_cmdline_append(again), kdumpd_settings_capture_cmdline_append(s));
}

static char *format_capture(const KdumpdSettings *s) {
        return format_with(kdumpd_settings_format_capture, s);
}

/* What mkdumprd bakes into the capture image: only the keys the capture
 * reads, which the capture parses back to the same values. */
TEST(format_capture_has_only_the_captures_keys) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s =
                parse_ok("capture_cpus = 2\nkeep_dumps = 7\ndump_stall_timeout = 30\nmin_free_mb = 5\n");
        _cleanup_free_ char *out = format_capture(s);
        ASSERT_STREQ(out, "dump_stall_timeout = 30\n");
        _cleanup_kdumpd_settings_free_ KdumpdSettings *in_image = parse_ok(out);
        ASSERT_EQ(kdumpd_settings_dump_stall_timeout(in_image), 30);
        ASSERT_EQ(kdumpd_settings_capture_cpus(in_image), 1);
        ASSERT_EQ(kdumpd_settings_keep_dumps(in_image), 0);

        /* A change to a key the capture does not read bakes the same text:
         * the image is not rebuilt for it. */
        _cleanup_kdumpd_settings_free_ KdumpdSettings *other =
                parse_ok("capture_cpus = 4\nkeep_dumps = 1\ndump_stall_timeout = 30\n");
        _cleanup_free_ char *out2 = format_capture(other);
        ASSERT_STREQ(out2, out);

        _cleanup_kdumpd_settings_free_ KdumpdSettings *defaults = parse_ok("");
        _cleanup_free_ char *out3 = format_capture(defaults);
        ASSERT_STREQ(out3, "dump_stall_timeout = 120\n");
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
        ASSERT_GE(n, 8);
}

/* keep_dumps and min_free_mb act through src/kdumpd-arm/dump-space.h: which
 * directories count as dumps (which of them go: test-crash-learn.c). */

TEST(dump_dir_names) {
        ASSERT_TRUE(dump_dir_name_is_dump("127.0.0.1-2024-01-02-03:04:05"));
        ASSERT_TRUE(dump_dir_name_is_dump("web-01.example.com-2024-12-31-23:59:59"));
        ASSERT_TRUE(dump_dir_name_is_dump("h-2024-01-02-03:04:05"));
        ASSERT_FALSE(dump_dir_name_is_dump("2024-01-02-03:04:05"));
        ASSERT_FALSE(dump_dir_name_is_dump("-2024-01-02-03:04:05"));
        ASSERT_FALSE(dump_dir_name_is_dump(".h-2024-01-02-03:04:05"));
        ASSERT_FALSE(dump_dir_name_is_dump("h_2024-01-02-03:04:05"));
        ASSERT_FALSE(dump_dir_name_is_dump("h-2024-01-02-03-04-05"));
        ASSERT_FALSE(dump_dir_name_is_dump("h-2024-01-02-03:04:5x"));
        ASSERT_FALSE(dump_dir_name_is_dump("h-2024-01-02-03:04:05.old"));
        /* a second dump with the same name (no RTC: every one is 1970) */
        ASSERT_TRUE(dump_dir_name_is_dump("127.0.0.1-1970-01-01-00:00:05.1"));
        ASSERT_TRUE(dump_dir_name_is_dump("10.0.0.1-1970-01-01-00:00:05.12"));
        ASSERT_FALSE(dump_dir_name_is_dump("h-2024-01-02-03:04:05."));
        ASSERT_FALSE(dump_dir_name_is_dump("h-2024-01-02-03:04:05.1x"));
        ASSERT_FALSE(dump_dir_name_is_dump("lost+found"));
        ASSERT_FALSE(dump_dir_name_is_dump(""));
        ASSERT_FALSE(dump_dir_name_is_dump(NULL));
}

static void make_dir(const char *dir, const char *name) {
        _cleanup_free_ char *p = test_path(dir, name);
        ASSERT_OK(mkdir(p, 0700) < 0 ? -errno : 0);
}

/* A dump area with dumps of two hosts, things that only look like dumps,
 * and a directory outside that symlinks point to. */
static char *dump_area(void) {
        char *crash = test_path(test_tmpdir(), "crash");
        _cleanup_free_ char *outside = test_path(test_tmpdir(), "outside"), *link = NULL, *inner = NULL;

        make_dir(test_tmpdir(), "crash");
        make_dir(test_tmpdir(), "outside");
        free(test_write_file(outside, "precious", "keep me\n"));
        make_dir(crash, "b-host-2024-03-01-10:00:00");
        make_dir(crash, "a-host-2024-03-01-09:00:00");
        make_dir(crash, "a-host-2023-12-31-23:59:59");
        make_dir(crash, "a-host-2024-05-05-05:05:05");
        make_dir(crash, "a-host-2024-05-05-05:05:05.old");
        make_dir(crash, "lost+found");
        /* contents of the oldest two: files, a subdirectory, a symlink out */
        free(test_write_file(crash, "a-host-2023-12-31-23:59:59/vmcore", "core"));
        free(test_write_file(crash, "a-host-2023-12-31-23:59:59/vmcore-dmesg.txt", "dmesg"));
        free(test_write_file(crash, "a-host-2023-12-31-23:59:59/sub/deeper/file", "x"));
        free(test_write_file(crash, "a-host-2024-03-01-09:00:00/vmcore-incomplete", "core"));
        inner = test_path(crash, "a-host-2024-03-01-09:00:00/escape");
        ASSERT_OK(symlink(outside, inner) < 0 ? -errno : 0);
        /* a file and a symlink with dump names: not dump directories */
        free(test_write_file(crash, "c-host-2020-01-01-00:00:00", "not a directory"));
        link = test_path(crash, "d-host-2020-01-01-00:00:00");
        ASSERT_OK(symlink(outside, link) < 0 ? -errno : 0);
        return crash;
}

TEST(dump_dirs_list_oldest_first) {
        _cleanup_free_ char *crash = dump_area();
        _cleanup_strv_free_ char **l = NULL;

        ASSERT_OK(dump_dirs_list(crash, &l));
        ASSERT_STRV_EQ(l, STRV_MAKE("a-host-2023-12-31-23:59:59", "a-host-2024-03-01-09:00:00",
                                    "b-host-2024-03-01-10:00:00", "a-host-2024-05-05-05:05:05"));
}

TEST(dump_space_of_a_path_not_made_yet) {
        _cleanup_free_ char *missing = test_path(test_tmpdir(), "not/made/yet");
        struct statvfs sv;
        uint64_t avail = 0, here = 0;

        ASSERT_OK(dump_space_available(missing, &avail));
        ASSERT_OK(statvfs(test_tmpdir(), &sv) < 0 ? -errno : 0);
        here = (uint64_t) sv.f_bavail * sv.f_frsize;
        /* the same filesystem; other writers may change it a little */
        ASSERT_TRUE(avail / 2 <= here && here / 2 <= avail);
        ASSERT_ERROR(dump_space_available("relative/path", &avail), EINVAL);
}

/* The reload trigger: src/kdumpd/config-watch.h, on a real inotify and a
 * real sd-event loop, with a short debounce. */

#define TEST_DEBOUNCE_USEC (100 * 1000ULL)

typedef struct WatchRecord {
        unsigned calls;
        char **changed; /* of the last call */
} WatchRecord;

static void on_test_change(ConfigWatch *w, char * const *changed, void *userdata) {
        WatchRecord *rec = userdata;
        rec->calls++;
        strv_free(rec->changed);
        rec->changed = NULL;
        ASSERT_OK(strv_extend_strv(&rec->changed, changed));
}

/* Runs the loop for timeout_usec; the debounce timer fires inside it. */
static void loop_run(sd_event *e, uint64_t timeout_usec) {
        uint64_t now, end;
        ASSERT_OK(sd_event_now(e, CLOCK_MONOTONIC, &now));
        end = now + timeout_usec;
        for (;;) {
                ASSERT_OK(sd_event_now(e, CLOCK_MONOTONIC, &now));
                if (now >= end)
                        break;
                ASSERT_OK(sd_event_run(e, end - now));
        }
}

static sd_event *watch_setup_debounce(WatchRecord *rec, char * const *paths, uint64_t debounce_usec,
                                      ConfigWatch **ret) {
        sd_event *e = NULL;
        int r = sd_event_new(&e);
        if (r < 0)
                SKIP_TEST("no sd-event here");
        ASSERT_OK(config_watch_new(e, debounce_usec, on_test_change, rec, ret));
        for (char * const *p = paths; *p; p++) {
                r = config_watch_add(*ret, *p);
                if (r == -ENOSYS || r == -EMFILE || r == -ENOSPC)
                        SKIP_TEST("inotify is not available");
                ASSERT_OK(r);
        }
        return e;
}

static sd_event *watch_setup(WatchRecord *rec, char * const *paths, ConfigWatch **ret) {
        return watch_setup_debounce(rec, paths, TEST_DEBOUNCE_USEC, ret);
}

static void write_in_place(const char *path, const char *text) {
        FILE *f = ASSERT_NOT_NULL(fopen(path, "we"));
        ASSERT_TRUE(fputs(text, f) >= 0);
        ASSERT_EQ(fclose(f), 0);
}

TEST(watch_sees_a_file_replaced_by_rename) {
        _cleanup_free_ char *a = test_write_file(test_tmpdir(), "etc/kdump.conf", "path /var/crash\n");
        _cleanup_free_ char *b = test_write_file(test_tmpdir(), "etc/kdump/kdumpd.conf", "");
        _cleanup_(config_watch_freep) ConfigWatch *w = NULL;
        WatchRecord rec = {};
        sd_event *e = watch_setup(&rec, STRV_MAKE(a, b), &w);

        /* as an editor saves: a new file renamed over the old one */
        ASSERT_OK(write_file_atomic(a, "path /srv/crash\n", 16, 0644));
        loop_run(e, 4 * TEST_DEBOUNCE_USEC);
        ASSERT_EQ(rec.calls, 1);
        ASSERT_STRV_EQ(rec.changed, STRV_MAKE(a));

        /* and written in place */
        write_in_place(b, "keep_dumps = 2\n");
        loop_run(e, 4 * TEST_DEBOUNCE_USEC);
        ASSERT_EQ(rec.calls, 2);
        ASSERT_STRV_EQ(rec.changed, STRV_MAKE(b));

        /* deleted */
        ASSERT_OK(unlink(b) < 0 ? -errno : 0);
        loop_run(e, 4 * TEST_DEBOUNCE_USEC);
        ASSERT_EQ(rec.calls, 3);
        ASSERT_STRV_EQ(rec.changed, STRV_MAKE(b));

        w = config_watch_free(w);
        sd_event_unref(e);
        strv_free(rec.changed);
}

TEST(watch_debounces_a_burst) {
        _cleanup_free_ char *a = test_write_file(test_tmpdir(), "kdump.conf", "");
        _cleanup_free_ char *b = test_write_file(test_tmpdir(), "kdumpd.conf", "");
        _cleanup_(config_watch_freep) ConfigWatch *w = NULL;
        WatchRecord rec = {};
        /* a longer quiet period: a slow machine must not split the burst */
        uint64_t debounce = 5 * TEST_DEBOUNCE_USEC;
        sd_event *e = watch_setup_debounce(&rec, STRV_MAKE(a, b), debounce, &w);

        /* both files in one directory, changed several times within the
         * quiet period: one call naming both */
        uint64_t last = now_usec(), longest = 0;
        for (int i = 0; i < 5; i++) {
                write_in_place(a, "path /var/crash\n");
                write_in_place(b, "keep_dumps = 1\n");
                uint64_t t = now_usec();
                if (t - last > longest)
                        longest = t - last;
                last = t;
                loop_run(e, debounce / 10);
        }
        /* A machine so loaded that one round took longer than the quiet
         * period has rightly seen two bursts: only then may it have called. */
        if (longest < debounce)
                ASSERT_EQ(rec.calls, 0);
        else
                fprintf(stderr, "note: a round took %" PRIu64 " µs, more than the quiet period\n", longest);
        loop_run(e, 3 * debounce);
        if (longest < debounce)
                ASSERT_EQ(rec.calls, 1);
        ASSERT_STRV_EQ(rec.changed, STRV_MAKE(a, b));

        w = config_watch_free(w);
        sd_event_unref(e);
        strv_free(rec.changed);
}

TEST(watch_ignores_other_files) {
        _cleanup_free_ char *a = test_write_file(test_tmpdir(), "kdump.conf", "");
        _cleanup_free_ char *other = test_path(test_tmpdir(), "kdump.conf.swp");
        _cleanup_(config_watch_freep) ConfigWatch *w = NULL;
        WatchRecord rec = {};
        sd_event *e = watch_setup(&rec, STRV_MAKE(a), &w);

        write_in_place(other, "editor state");
        ASSERT_OK(unlink(other) < 0 ? -errno : 0);
        /* reading the watched file is no change either */
        free(test_read_file(a));
        loop_run(e, 4 * TEST_DEBOUNCE_USEC);
        ASSERT_EQ(rec.calls, 0);

        w = config_watch_free(w);
        sd_event_unref(e);
}

TEST(watch_waits_for_a_missing_directory) {
        _cleanup_free_ char *dir = test_path(test_tmpdir(), "kdump");
        _cleanup_free_ char *path = test_path(dir, "kdumpd.conf");
        _cleanup_(config_watch_freep) ConfigWatch *w = NULL;
        WatchRecord rec = {};
        sd_event *e = watch_setup(&rec, STRV_MAKE(path), &w);

        /* mkdir -p /etc/kdump && cp kdumpd.conf /etc/kdump/ */
        make_dir(test_tmpdir(), "kdump");
        write_in_place(path, "keep_dumps = 1\n");
        loop_run(e, 4 * TEST_DEBOUNCE_USEC);
        ASSERT_EQ(rec.calls, 1);
        ASSERT_STRV_EQ(rec.changed, STRV_MAKE(path));

        /* the directory goes, with the file in it */
        ASSERT_OK(unlink(path) < 0 ? -errno : 0);
        ASSERT_OK(rmdir(dir) < 0 ? -errno : 0);
        loop_run(e, 4 * TEST_DEBOUNCE_USEC);
        ASSERT_EQ(rec.calls, 2);

        /* and comes back */
        make_dir(test_tmpdir(), "kdump");
        loop_run(e, 4 * TEST_DEBOUNCE_USEC);
        ASSERT_EQ(rec.calls, 3);
        write_in_place(path, "keep_dumps = 2\n");
        loop_run(e, 4 * TEST_DEBOUNCE_USEC);
        ASSERT_EQ(rec.calls, 4);
        ASSERT_STRV_EQ(rec.changed, STRV_MAKE(path));

        w = config_watch_free(w);
        sd_event_unref(e);
        strv_free(rec.changed);
}

TEST(watch_refuses_relative_paths) {
        _cleanup_(config_watch_freep) ConfigWatch *w = NULL;
        sd_event *e = NULL;
        WatchRecord rec = {};

        if (sd_event_new(&e) < 0)
                SKIP_TEST("no sd-event here");
        ASSERT_OK(config_watch_new(e, TEST_DEBOUNCE_USEC, on_test_change, &rec, &w));
        ASSERT_ERROR(config_watch_add(w, "kdump.conf"), EINVAL);
        ASSERT_ERROR(config_watch_add(w, "/etc/"), EINVAL);
        w = config_watch_free(w);
        sd_event_unref(e);
}

TEST(capture_dhcp_settings_are_checked) {
        static const char *const bad[] = {
                "capture_dhcp_timeout = 0\n",
                "capture_dhcp_timeout = 601\n",
                "capture_dhcp_fallback = yes\n",
                "capture_dhcp_fallback = none\ncapture_dhcp_fallback = static\n",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                KdumpdSettings *s = NULL;
                test_set_context("%s", bad[i]);
                ASSERT_ERROR(kdumpd_settings_parse_string("kdumpd.conf", bad[i], NULL, &s), EINVAL);
        }
        test_set_context(NULL);
        _cleanup_kdumpd_settings_free_ KdumpdSettings *d = parse_ok("");
        ASSERT_EQ(kdumpd_settings_capture_dhcp_timeout(d), 45u);
        ASSERT_FALSE(kdumpd_settings_capture_dhcp_fallback(d));
}
