/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/kdumpctl/crash-list.h (records and pstore's archive, in order, and
 * "seen N times"), time-spec.h (--since) and vmcoreinfo-scan.h (the
 * build ID), on a fake state directory. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>

#include "crash-list.h"
#include "tests.h"
#include "time-spec.h"
#include "vmcoreinfo-scan.h"

static void copy_log(const char *dir, const char *relpath, const char *name) {
        _cleanup_free_ char *src = NULL, *text = NULL, *p = NULL;
        ASSERT_TRUE(asprintf(&src, "%s/dmesg/%s", test_srcdir(), name) > 0);
        text = ASSERT_NOT_NULL(test_read_file(src));
        p = test_write_file(dir, relpath, text);
}

static void write_record(const char *dir, unsigned id, const char *location, const char *extra) {
        _cleanup_free_ char *rel = NULL, *text = NULL, *p = NULL;
        ASSERT_TRUE(asprintf(&rel, "crashes/%u.crash", id) > 0);
        ASSERT_TRUE(asprintf(&text,
                             "ID=%u\nLEARNED_USEC=%u000000\nDUMP=dir\nLOCATION=%s\nCOMPLETE=yes\nKERNEL=k%u\n"
                             "PANIC=Kernel panic - not syncing: sysrq triggered crash\nREPORTED=yes\nDELETED=no\n%s",
                             id, 1000 + id, location, id, extra) > 0);
        p = test_write_file(dir, rel, text);
}

TEST(records_and_pstore_in_order) {
        const char *d = test_tmpdir();
        _cleanup_free_ char *a = test_path(d, "dumps/a"), *b = test_path(d, "dumps/b"), *store = test_path(d, "crashes"),
                            *pstore = test_path(d, "pstore"), *plog = NULL;
        _cleanup_(crash_list_done) CrashList l = {};
        uint64_t first = 0;

        copy_log(d, "dumps/a/vmcore-dmesg.txt", "sysrq-6.1.txt");
        copy_log(d, "dumps/b/vmcore-dmesg.txt", "sysrq.txt");
        write_record(d, 1, a, "");
        write_record(d, 2, b, "");
        /* Deleted: listed, no files looked at. */
        write_record(d, 3, "/nonexistent", "");
        copy_log(d, "pstore/dmesg-ramoops-0", "sysrq.txt");
        plog = test_path(d, "pstore/dmesg-ramoops-0");
        /* Between record 1 and 2 by time. */
        struct timespec ts[2] = { { .tv_sec = 1001, .tv_nsec = 500000000 }, { .tv_sec = 1001, .tv_nsec = 500000000 } };
        ASSERT_OK(utimensat(AT_FDCWD, plog, ts, 0));
        /* A pstore file that is not a log: left out. */
        free(test_write_file(d, "pstore/console-ramoops-0", "x\n"));

        ASSERT_OK(crash_list_load(store, pstore, &l));
        ASSERT_EQ(l.n, 4);
        ASSERT_STREQ(l.entries[0].id, "1");
        ASSERT_STREQ(l.entries[1].id, "pstore:dmesg-ramoops-0");
        ASSERT_STREQ(l.entries[2].id, "2");
        ASSERT_STREQ(l.entries[3].id, "3");
        ASSERT_TRUE(l.entries[1].pstore);
        ASSERT_STREQ(l.entries[1].record.kernel, "6.12.117+deb13-amd64");
        ASSERT_CONTAINS(l.entries[1].record.panic, "sysrq triggered crash");
        ASSERT_EQ_U64(l.entries[3].size, UINT64_MAX);
        ASSERT_FALSE(l.entries[3].have_signature);
        /* One sysrq crash on two kernels and pstore's copy: seen 3 times. */
        ASSERT_EQ(crash_list_seen(&l, &l.entries[2], &first), 3);
        ASSERT_EQ_U64(first, 1001000000ULL);
        ASSERT_EQ(crash_list_seen(&l, &l.entries[3], NULL), 0);
        ASSERT_STREQ(crash_list_find(&l, NULL)->id, "3");
        ASSERT_STREQ(crash_list_find(&l, "2")->id, "2");
        ASSERT_NULL(crash_list_find(&l, "7"));
}

TEST(nothing_there) {
        _cleanup_(crash_list_done) CrashList l = {};
        ASSERT_OK(crash_list_load("/nonexistent/crashes", "/nonexistent/pstore", &l));
        ASSERT_EQ(l.n, 0);
        ASSERT_NULL(crash_list_find(&l, NULL));
}

TEST(time_spec) {
        uint64_t t, now = 1765100000ULL * 1000000;
        setenv("TZ", "UTC", 1);
        tzset();
        ASSERT_OK(time_spec_parse("2025-12-07", now, &t));
        ASSERT_EQ_U64(t, 1765065600ULL * 1000000);
        ASSERT_OK(time_spec_parse("2025-12-07 10:00", now, &t));
        ASSERT_EQ_U64(t, (1765065600ULL + 36000) * 1000000);
        ASSERT_OK(time_spec_parse("2025-12-07 10:00:05", now, &t));
        ASSERT_EQ_U64(t, (1765065600ULL + 36005) * 1000000);
        ASSERT_OK(time_spec_parse("-2h", now, &t));
        ASSERT_EQ_U64(t, now - 7200ULL * 1000000);
        ASSERT_OK(time_spec_parse("today", now, &t));
        ASSERT_EQ_U64(t, 1765065600ULL * 1000000);
        ASSERT_OK(time_spec_parse("yesterday", now, &t));
        ASSERT_EQ_U64(t, (1765065600ULL - 86400) * 1000000);
        ASSERT_OK(time_spec_parse("@5", now, &t));
        ASSERT_EQ_U64(t, 5000000);
        ASSERT_ERROR(time_spec_parse("2025-13-45", now, &t), EINVAL);
        ASSERT_ERROR(time_spec_parse("-2w", now, &t), EINVAL);
        ASSERT_ERROR(time_spec_parse("soon", now, &t), EINVAL);
        ASSERT_ERROR(time_spec_parse("2025-12-07 10", now, &t), EINVAL);
}

TEST(size_format) {
        char b[32];
        ASSERT_STREQ(size_format(900, b, sizeof(b)), "900B");
        ASSERT_STREQ(size_format(3222, b, sizeof(b)), "3.1K");
        ASSERT_STREQ(size_format(36900000, b, sizeof(b)), "35M");
        ASSERT_STREQ(size_format(UINT64_MAX, b, sizeof(b)), "-");
}

/* An ELF note's text as the kernel writes it ("VMCOREINFO\0", then the
 * lines), behind other bytes. */
TEST(vmcoreinfo_build_id) {
        const char *d = test_tmpdir();
        _cleanup_free_ char *p = test_path(d, "vmcore"), *v = NULL;
        FILE *f = ASSERT_NOT_NULL(fopen(p, "we"));
        static const char head[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0VMCOREINFO\0\0";
        fwrite(head, 1, sizeof(head) - 1, f);
        fputs("OSRELEASE=6.12.117+deb13-amd64\nBUILD-ID=1f2e3d4c5b6a\nPAGESIZE=4096\n", f);
        fputc(0, f);
        fputs("BUILD-ID=notthisone\n", f);
        fclose(f);
        ASSERT_OK(vmcoreinfo_find(p, "BUILD-ID", &v));
        ASSERT_STREQ(v, "1f2e3d4c5b6a");
        free(v);
        v = NULL;
        ASSERT_ERROR(vmcoreinfo_find(p, "CRASHTIME", &v), ENODATA);
        ASSERT_ERROR(vmcoreinfo_find("/nonexistent", "BUILD-ID", &v), ENOENT);
}
