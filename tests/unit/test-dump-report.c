/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The next boot's report of what the capture left (src/kdumpd-arm/dump-report.c),
 * on dump directories made in a temp dir. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump-report.h"
#include "fileio.h"
#include "tests.h"

static const char dmesg[] =
        "[    0.000000] Linux version 6.1.0-41-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP\n"
        "[   35.120000] sysrq: Trigger a crash\n"
        "[   35.120100] Kernel panic - not syncing: sysrq triggered crash\n";

static char *make_dump(const char *base, const char *name, bool complete, bool failed) {
        char *dir = test_path(base, name);
        ASSERT_OK(mkdir_p(dir, 0700));
        free(test_write_file(dir, "vmcore-dmesg.txt", dmesg));
        free(test_write_file(dir, complete ? "vmcore" : "vmcore-incomplete", "core"));
        if (failed)
                free(test_write_file(dir, "kexec-dmesg.log",
                                     "<6>[    1.0] kdump: dump-vmcore\n"
                                     "<3>[    9.0] kdump: dump failed in step dump-vmcore; running failure_action \"reboot\".\n"));
        return dir;
}

TEST(complete_dump) {
        _cleanup_free_ char *base = test_path(test_tmpdir(), "crash1");
        _cleanup_free_ char *dir = make_dump(base, "127.0.0.1-2026-11-23-12:00:00", true, false);
        DumpReport r = {};
        _cleanup_free_ char *msg = NULL;

        ASSERT_OK(dump_report_read(dir, &r));
        ASSERT_TRUE(r.complete);
        ASSERT_STREQ(r.kernel, "6.1.0-41-amd64");
        ASSERT_STREQ(r.panic, "Kernel panic - not syncing: sysrq triggered crash");
        ASSERT_NULL(r.failure);
        ASSERT_OK(dump_report_format(&r, &msg));
        ASSERT_TRUE(strstr(msg, ": complete;") != NULL);
        dump_report_done(&r);
}

TEST(incomplete_dump_says_why) {
        _cleanup_free_ char *base = test_path(test_tmpdir(), "crash2");
        _cleanup_free_ char *dir = make_dump(base, "127.0.0.1-2026-11-23-12:00:00", false, true);
        DumpReport r = {};
        _cleanup_free_ char *msg = NULL;

        ASSERT_OK(dump_report_read(dir, &r));
        ASSERT_FALSE(r.complete);
        ASSERT_STREQ(r.failure, "dump failed in step dump-vmcore; running failure_action \"reboot\".");
        ASSERT_OK(dump_report_format(&r, &msg));
        ASSERT_TRUE(strstr(msg, "is INCOMPLETE (dump failed in step dump-vmcore") != NULL);
        dump_report_done(&r);
}

/* Each dump is told once: the state file remembers. */
TEST(new_dumps_are_told_once) {
        _cleanup_free_ char *base = test_path(test_tmpdir(), "crash3"), *state = test_path(test_tmpdir(), "told");
        free(make_dump(base, "127.0.0.1-2026-11-23-12:00:00", true, false));
        free(make_dump(base, "127.0.0.1-2026-11-23-12:00:00.1", false, true));
        free(make_dump(base, "127.0.0.1-2026-11-22-12:00:00", true, false));
        DumpReport *l = NULL;
        size_t n = 0;

        ASSERT_OK(dump_reports_new(base, state, true, &l, &n));
        ASSERT_EQ(n, 3u);
        /* oldest first; the suffixed one after its namesake */
        ASSERT_TRUE(strstr(l[0].dir, "2026-11-22") != NULL);
        ASSERT_TRUE(l[1].complete);
        ASSERT_FALSE(l[2].complete);
        dump_reports_free(l, n);
        struct stat st;
        ASSERT_OK(stat(state, &st) < 0 ? -errno : 0);
        ASSERT_EQ(st.st_mode & 0777, 0600u);

        ASSERT_OK(dump_reports_new(base, state, true, &l, &n));
        ASSERT_EQ(n, 0u);
        dump_reports_free(l, n);

        free(make_dump(base, "127.0.0.1-2026-11-24-12:00:00", true, false));
        ASSERT_OK(dump_reports_new(base, state, false, &l, &n));
        ASSERT_EQ(n, 1u);
        dump_reports_free(l, n);
        /* not marked: told again */
        ASSERT_OK(dump_reports_new(base, state, true, &l, &n));
        ASSERT_EQ(n, 1u);
        dump_reports_free(l, n);
}

TEST(no_dump_dir) {
        _cleanup_free_ char *base = test_path(test_tmpdir(), "none"), *state = test_path(test_tmpdir(), "told2");
        DumpReport *l = NULL;
        size_t n = 5;
        ASSERT_OK(dump_reports_new(base, state, true, &l, &n));
        ASSERT_EQ(n, 0u);
        dump_reports_free(l, n);
}
