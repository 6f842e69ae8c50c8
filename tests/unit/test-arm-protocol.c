/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/basic/arm-protocol.h: what kdumpd hands kdumpd-arm on its
 * command line, and the lines it gets back, come out as they went in. */
#include <unistd.h>

#include "arm-protocol.h"
#include "fileio.h"
#include "tests.h"

static const ArmResult loaded_example = {
        .kver = (char *) "6.1.0-13-amd64",
        .kernel = (char *) "/boot/vmlinuz-6.1.0-13-amd64",
        .initrd = (char *) "/var/lib/kdump/initramfs-6.1.0-13-amd64.img",
        .cmdline = (char *) "root=UUID=1234 ro nr_cpus=1 irqpoll",
        .crash_size = 201326592ULL,
        .built = true,
};

static void assert_result_eq(const ArmResult *a, const ArmResult *b) {
        ASSERT_STREQ(a->kver, b->kver);
        ASSERT_STREQ(a->kernel, b->kernel);
        ASSERT_STREQ(a->initrd, b->initrd);
        ASSERT_STREQ(a->cmdline, b->cmdline);
        ASSERT_EQ_U64(a->crash_size, b->crash_size);
        ASSERT_EQ(a->built, b->built);
}

static int parse_argv(char **argv, ArmCommand *ret) {
        return arm_command_parse((int) strv_length(argv), argv, ret);
}

TEST(result_round_trip) {
        _cleanup_free_ char *line = NULL;
        ArmResult back = {};

        ASSERT_OK(arm_result_format(&loaded_example, &line));
        ASSERT_STREQ(line, "6.1.0-13-amd64\t/boot/vmlinuz-6.1.0-13-amd64\t/var/lib/kdump/initramfs-6.1.0-13-amd64.img\t"
                           "root=UUID=1234 ro nr_cpus=1 irqpoll\t201326592\t1\t");
        ASSERT_OK(arm_result_parse(line, &back));
        assert_result_eq(&back, &loaded_example);
        arm_result_done(&back);
}

/* A tab or newline in a field would split it or the report line. */
TEST(result_separators_in_fields) {
        ArmResult r = loaded_example, back = {};
        _cleanup_free_ char *line = NULL;

        r.cmdline = (char *) "a\tb\nc";
        r.built = false;
        ASSERT_OK(arm_result_format(&r, &line));
        ASSERT_NULL(strchr(line, '\n'));
        ASSERT_OK(arm_result_parse(line, &back));
        ASSERT_STREQ(back.cmdline, "a b c");
        ASSERT_FALSE(back.built);
        arm_result_done(&back);
}

/* A stale image says why; an older kdumpd-arm's line (six fields) and a
 * newer one's (more) still parse. */
TEST(result_stale_and_other_versions) {
        ArmResult r = loaded_example, back = {}, old = {}, newer = {};
        _cleanup_free_ char *line = NULL;

        r.stale = (char *) "the rebuild failed: dracut failed (exit status 1)";
        ASSERT_OK(arm_result_format(&r, &line));
        ASSERT_OK(arm_result_parse(line, &back));
        ASSERT_STREQ(back.stale, "the rebuild failed: dracut failed (exit status 1)");
        assert_result_eq(&back, &r);
        ASSERT_OK(arm_result_parse("k\t/boot/k\t/i.img\tcmd\t1\t1", &old));
        ASSERT_NULL(old.stale);
        ASSERT_OK(arm_result_parse("k\t/boot/k\t/i.img\tcmd\t1\t1\t\tfuture\tfields", &newer));
        ASSERT_NULL(newer.stale);
        ASSERT_STREQ(newer.cmdline, "cmd");
        arm_result_done(&back);
        arm_result_done(&old);
        arm_result_done(&newer);
}

/* An empty field is a field (strtok would have skipped it). */
TEST(result_empty_field) {
        ArmResult back = {};

        ASSERT_OK(arm_result_parse("k\t/boot/k\t/i.img\t\t0\t0", &back));
        ASSERT_STREQ(back.cmdline, "");
        ASSERT_EQ_U64(back.crash_size, 0);
        arm_result_done(&back);
}

TEST(result_malformed) {
        ArmResult back = {};

        ASSERT_ERROR(arm_result_parse("", &back), EBADMSG);
        ASSERT_ERROR(arm_result_parse("k\t/boot/k\t/i.img\tcmd\t1", &back), EBADMSG);
        ASSERT_ERROR(arm_result_parse("k\t/boot/k\t/i.img\tcmd\t12M\t1", &back), EBADMSG);
        ASSERT_ERROR(arm_result_parse("k\t/boot/k\t/i.img\tcmd\t\t1", &back), EBADMSG);
        ASSERT_ERROR(arm_result_parse("k\t/boot/k\t/i.img\tcmd\t1\tyes", &back), EBADMSG);
        ASSERT_NULL(back.kver);
}

TEST(command_round_trip) {
        ArmCommand c = {
                .config_path = "/etc/kdump.conf",
                .settings_path = "/tmp/my settings.conf",
                .state_dir = "/var/lib/kdump",
                .root = "/fake",
                .report_fd = 7,
                .first = true,
                .force = true,
                .loaded = loaded_example,
        }, back = {};
        _cleanup_strv_free_ char **argv = NULL;

        ASSERT_OK(arm_command_to_argv(&c, "/usr/lib/kdumpd/kdumpd-arm", &argv));
        ASSERT_STREQ(argv[0], "/usr/lib/kdumpd/kdumpd-arm");
        ASSERT_OK(parse_argv(argv, &back));
        ASSERT_EQ(back.mode, ARM_MODE_ARM);
        ASSERT_STREQ(back.config_path, c.config_path);
        ASSERT_STREQ(back.settings_path, c.settings_path);
        ASSERT_STREQ(back.state_dir, c.state_dir);
        ASSERT_STREQ(back.root, c.root);
        ASSERT_EQ(back.report_fd, 7);
        ASSERT_TRUE(back.first);
        ASSERT_TRUE(back.force);
        assert_result_eq(&back.loaded, &loaded_example);
        arm_command_done(&back);
}

/* Nothing loaded, nothing set: no option at all, and the defaults back. */
TEST(command_minimal) {
        ArmCommand c = { .report_fd = -EBADF }, back = {};
        _cleanup_strv_free_ char **argv = NULL;

        ASSERT_OK(arm_command_to_argv(&c, "kdumpd-arm", &argv));
        ASSERT_EQ(strv_length(argv), 1u);
        ASSERT_OK(parse_argv(argv, &back));
        ASSERT_NULL(back.config_path);
        ASSERT_NULL(back.state_dir);
        ASSERT_LT(back.report_fd, 0);
        ASSERT_FALSE(back.first);
        ASSERT_FALSE(back.force);
        ASSERT_NULL(back.loaded.initrd);
}

TEST(command_capture_boot) {
        ArmCommand c = { .mode = ARM_MODE_CAPTURE_BOOT, .config_path = "/etc/kdump.conf", .report_fd = -EBADF },
                   back = {};
        _cleanup_strv_free_ char **argv = NULL;

        ASSERT_OK(arm_command_to_argv(&c, "kdumpd-arm", &argv));
        ASSERT_OK(parse_argv(argv, &back));
        ASSERT_EQ(back.mode, ARM_MODE_CAPTURE_BOOT);
        ASSERT_STREQ(back.config_path, "/etc/kdump.conf");
}

TEST(command_usage_errors) {
        ArmCommand back = {};

        ASSERT_ERROR(parse_argv(STRV_MAKE("kdumpd-arm", "--bogus"), &back), EINVAL);
        ASSERT_ERROR(parse_argv(STRV_MAKE("kdumpd-arm", "--report-fd=x"), &back), EINVAL);
        ASSERT_ERROR(parse_argv(STRV_MAKE("kdumpd-arm", "--report-fd=-1"), &back), EINVAL);
        ASSERT_ERROR(parse_argv(STRV_MAKE("kdumpd-arm", "--loaded", "k\tonly"), &back), EINVAL);
        ASSERT_ERROR(parse_argv(STRV_MAKE("kdumpd-arm", "extra"), &back), EINVAL);
        ASSERT_ERROR(parse_argv(STRV_MAKE("kdumpd-arm", "--config"), &back), EINVAL);
}

/* What arm_line_write() wrote to a pipe. */
static char *pipe_read_all(int fd) {
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf) - 1);

        ASSERT_TRUE(n >= 0);
        buf[n] = 0;
        return strdup(buf);
}

TEST(line_kinds) {
        ASSERT_STREQ(arm_line_kind_to_string(ARM_LINE_BUSY), "busy");
        ASSERT_STREQ(arm_line_kind_to_string(ARM_LINE_ARMED), "armed");
        ASSERT_STREQ(arm_line_kind_to_string(ARM_LINE_WAITING), "waiting");
        ASSERT_STREQ(arm_line_kind_to_string(ARM_LINE_FAILED), "failed");
        ASSERT_NULL(arm_line_kind_to_string(_ARM_LINE_KIND_MAX));
        ASSERT_NULL(arm_line_kind_to_string(_ARM_LINE_KIND_INVALID));
}

/* One line each, a newline inside the text folded into a space. */
TEST(line_write) {
        _cleanup_free_ char *got = NULL;
        int p[2];

        ASSERT_OK(pipe(p));
        ASSERT_OK(arm_line_write(p[1], ARM_LINE_BUSY, "building the capture initramfs for %s", "6.1.0"));
        ASSERT_OK(arm_line_write(p[1], ARM_LINE_FAILED, "two\nlines in one"));
        ASSERT_OK(arm_line_write_armed(p[1], &loaded_example));
        ASSERT_ERROR(arm_line_write(p[1], _ARM_LINE_KIND_MAX, "x"), EINVAL);
        close(p[1]);
        got = pipe_read_all(p[0]);
        close(p[0]);
        ASSERT_STREQ(got, "busy building the capture initramfs for 6.1.0\n"
                          "failed two lines in one\n"
                          "armed 6.1.0-13-amd64\t/boot/vmlinuz-6.1.0-13-amd64\t"
                          "/var/lib/kdump/initramfs-6.1.0-13-amd64.img\troot=UUID=1234 ro nr_cpus=1 irqpoll\t"
                          "201326592\t1\t\n");
}

static void assert_line(const char *line, ArmLineKind kind, const char *text) {
        ArmLineKind k;
        const char *t;

        test_set_context("%s", line);
        ASSERT_OK(arm_line_parse(line, &k, &t));
        ASSERT_EQ(k, kind);
        ASSERT_STREQ(t, text);
        test_set_context(NULL);
}

TEST(line_parse) {
        _cleanup_free_ char *armed = NULL, *line = NULL;
        ArmResult back = {};
        ArmLineKind k;
        const char *t;

        assert_line("busy looking for a dump on the raw device", ARM_LINE_BUSY, "looking for a dump on the raw device");
        assert_line("waiting no route to 192.0.2.1", ARM_LINE_WAITING, "no route to 192.0.2.1");
        assert_line("failed the configuration has errors", ARM_LINE_FAILED, "the configuration has errors");
        assert_line("failed ", ARM_LINE_FAILED, "");

        /* An "armed" line's text is arm_result_format()'s. */
        ASSERT_OK(arm_result_format(&loaded_example, &armed));
        ASSERT_TRUE(asprintf(&line, "armed %s", armed) > 0);
        ASSERT_OK(arm_line_parse(line, &k, &t));
        ASSERT_EQ(k, ARM_LINE_ARMED);
        ASSERT_OK(arm_result_parse(t, &back));
        assert_result_eq(&back, &loaded_example);
        arm_result_done(&back);

        /* A kind, then a space: anything else is not a line of the protocol. */
        ASSERT_ERROR(arm_line_parse("busy", &k, &t), EBADMSG);
        ASSERT_ERROR(arm_line_parse("busybox is here", &k, &t), EBADMSG);
        ASSERT_ERROR(arm_line_parse("Failed x", &k, &t), EBADMSG);
        ASSERT_ERROR(arm_line_parse("", &k, &t), EBADMSG);
        ASSERT_ERROR(arm_line_parse("done x", &k, &t), EBADMSG);
}
