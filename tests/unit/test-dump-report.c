/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The next boot's report of a crash (src/kdumpd-arm/dump-report.c): what a
 * dump directory made in a temp dir says, and the journal entry's words
 * for each kind of record, the same as before records for local dumps. */
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
        CrashRecord r = {};
        _cleanup_free_ char *msg = NULL, *expect = NULL;

        ASSERT_OK(dump_dir_read(dir, &r));
        ASSERT_EQ(r.dump, CRASH_DUMP_DIR);
        ASSERT_STREQ(r.location, dir);
        ASSERT_NOT_NULL(r.dir_identity);
        ASSERT_TRUE(r.complete);
        ASSERT_STREQ(r.kernel, "6.1.0-41-amd64");
        ASSERT_STREQ(r.panic, "Kernel panic - not syncing: sysrq triggered crash");
        ASSERT_NULL(r.why);
        ASSERT_OK(crash_report_format(&r, &msg));
        /* word for word what the journal said before records */
        ASSERT_OK(asprintf(&expect, "Crash dump saved in %s: complete; crashed kernel 6.1.0-41-amd64; panic: \"Kernel "
                                    "panic - not syncing: sysrq triggered crash\".", dir) < 0 ? -ENOMEM : 0);
        ASSERT_STREQ(msg, expect);
        crash_record_done(&r);
}

TEST(incomplete_dump_says_why) {
        _cleanup_free_ char *base = test_path(test_tmpdir(), "crash2");
        _cleanup_free_ char *dir = make_dump(base, "127.0.0.1-2026-11-23-12:00:00", false, true);
        CrashRecord r = {};
        _cleanup_free_ char *msg = NULL;

        ASSERT_OK(dump_dir_read(dir, &r));
        ASSERT_FALSE(r.complete);
        ASSERT_STREQ(r.why, "dump failed in step dump-vmcore; running failure_action \"reboot\".");
        ASSERT_OK(crash_report_format(&r, &msg));
        ASSERT_CONTAINS(msg, "is INCOMPLETE (dump failed in step dump-vmcore");
        crash_record_done(&r);
}

/* A trace wrote what the capture knew; the directory's files say more. */
TEST(dir_wins_over_trace) {
        _cleanup_free_ char *base = test_path(test_tmpdir(), "crash3");
        _cleanup_free_ char *dir = make_dump(base, "127.0.0.1-2026-11-23-12:00:00", true, false);
        CrashRecord r = { .dump = CRASH_DUMP_DIR, .complete = false };

        ASSERT_OK(crash_record_set(&r.location, dir));
        ASSERT_OK(crash_record_set(&r.why, "dump failed in step pre-hooks"));
        ASSERT_OK(crash_record_set(&r.kernel, "from-the-trace"));
        ASSERT_OK(crash_record_fill_from_dir(&r));
        ASSERT_TRUE(r.complete);
        ASSERT_STREQ(r.kernel, "6.1.0-41-amd64");
        /* what happened before failure_action saved it stays known */
        ASSERT_STREQ(r.why, "dump failed in step pre-hooks");
        crash_record_done(&r);
}

TEST(network_and_missing_dumps) {
        CrashRecord r = { .dump = CRASH_DUMP_NFS, .complete = true };
        _cleanup_free_ char *msg = NULL;

        ASSERT_OK(crash_record_set(&r.location, "10.213.0.1:/export/var/crash/10.213.0.2-2026-11-23-12:00:00"));
        ASSERT_OK(crash_record_set(&r.kernel, "6.1.0-41-amd64"));
        ASSERT_OK(crash_record_set(&r.panic, "sysrq: Trigger a crash"));
        ASSERT_OK(crash_report_format(&r, &msg));
        ASSERT_STREQ(msg, "Crash dump saved in 10.213.0.1:/export/var/crash/10.213.0.2-2026-11-23-12:00:00 (NFS): "
                          "complete; crashed kernel 6.1.0-41-amd64; panic: \"sysrq: Trigger a crash\".");
        free(msg);
        msg = NULL;

        r.dump = CRASH_DUMP_SSH;
        r.complete = false;
        ASSERT_OK(crash_record_set(&r.location, "kdump@10.213.0.1:/srv/crash/10.213.0.2-2026-11-23-12:00:00"));
        ASSERT_OK(crash_record_set(&r.why, "dump failed in step dump-vmcore"));
        ASSERT_OK(crash_report_format(&r, &msg));
        ASSERT_CONTAINS(msg, "12:00:00 (ssh) is INCOMPLETE (dump failed in step dump-vmcore); ");
        free(msg);
        msg = NULL;

        r.dump = CRASH_DUMP_NONE;
        ASSERT_OK(crash_record_set(&r.location, NULL));
        ASSERT_OK(crash_record_set(&r.why, "dump failed in step wait-target"));
        ASSERT_OK(crash_report_format(&r, &msg));
        ASSERT_STREQ(msg, "Crash without a dump (dump failed in step wait-target); crashed kernel 6.1.0-41-amd64; "
                          "panic: \"sysrq: Trigger a crash\".");
        crash_record_done(&r);
}
