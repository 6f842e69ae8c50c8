/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The next boot's crash records and keep_dumps (src/kdumpd-arm/crash-learn.c,
 * dump-space.c) on dump directories and a store in a temp dir: one record
 * per crash, whichever way it was learned; pruning in the order crashes
 * were learned, never by the names a capture kernel without a clock gives
 * (1970-01-01), never a dump that was not reported. */
#include <sys/stat.h>
#include <unistd.h>

#include "crash-learn.h"
#include "dump-report.h"
#include "dump-space.h"
#include "fileio.h"
#include "tests.h"

typedef struct Area {
        char *crash; /* the dump path */
        char *store;
        char *legacy;
} Area;

static void area_done(Area *a) {
        free(a->crash);
        free(a->store);
        free(a->legacy);
}

static Area area_new(void) {
        Area a = {
                .crash = test_path(test_tmpdir(), "crash"),
                .store = test_path(test_tmpdir(), "state/crashes"),
                .legacy = test_path(test_tmpdir(), "state/reported-dumps"),
        };
        ASSERT_OK(mkdir_p(a.crash, 0700));
        return a;
}

static char *make_dump(const Area *a, const char *name) {
        char *dir = test_path(a->crash, name);
        ASSERT_OK(mkdir_p(dir, 0700));
        free(test_write_file(dir, "vmcore-dmesg.txt", "[    0.0] Linux version 6.1.0-41-amd64 (x)\n[ 9.0] sysrq: Trigger a crash\n"));
        free(test_write_file(dir, "vmcore", "core"));
        return dir;
}

static bool exists(const char *dir, const char *name) {
        _cleanup_free_ char *p = test_path(dir, name);
        struct stat st;
        return lstat(p, &st) >= 0;
}

static int learn(const Area *a, const char *raw_dir) {
        CrashLearn l = { .store = a->store, .dump_path = a->crash, .raw_dir = raw_dir, .legacy_reported = a->legacy,
                         .now_usec = 1000 };
        return crashes_learn(&l);
}

/* What kdumpd-arm does once the journal took the entries. */
static void report_all(const Area *a) {
        CrashRecord *l = NULL;
        size_t n = 0;
        ASSERT_OK(crash_store_list(a->store, &l, &n, NULL));
        for (size_t i = 0; i < n; i++)
                if (!l[i].reported) {
                        l[i].reported = true;
                        ASSERT_OK(crash_store_update(a->store, &l[i]));
                }
        crash_records_free(l, n);
}

static CrashRecord *records(const Area *a, size_t *ret_n) {
        CrashRecord *l = NULL;
        ASSERT_OK(crash_store_list(a->store, &l, ret_n, NULL));
        return l;
}

/* Finding 3: a capture kernel without an RTC stamps its dump 1970-01-01 (its
 * clock counts from its own boot), and that name sorts before every other.
 * By name, keep_dumps deleted the dump of the crash that just happened. */
TEST(prune_keeps_the_newest_crash_whatever_its_name) {
        _cleanup_(area_done) Area a = area_new();
        _cleanup_strv_free_ char **by_name = NULL, **removed = NULL;

        free(make_dump(&a, "127.0.0.1-2026-03-01-10:00:00"));
        ASSERT_EQ(learn(&a, NULL), 1);
        free(make_dump(&a, "127.0.0.1-2026-03-02-10:00:00"));
        ASSERT_EQ(learn(&a, NULL), 1);
        report_all(&a);
        /* the crash of this boot, from a capture kernel without a clock */
        free(make_dump(&a, "127.0.0.1-1970-01-01-00:00:07"));

        /* the old order: this one first, the first to go */
        ASSERT_OK(dump_dirs_list(a.crash, &by_name));
        ASSERT_STREQ(by_name[0], "127.0.0.1-1970-01-01-00:00:07");

        /* not reported yet: neither deleted nor counted */
        ASSERT_EQ(dump_dirs_prune(a.store, a.crash, 1, &removed), 1);
        ASSERT_STRV_EQ(removed, STRV_MAKE("127.0.0.1-2026-03-01-10:00:00"));
        ASSERT_TRUE(exists(a.crash, "127.0.0.1-1970-01-01-00:00:07"));
        ASSERT_TRUE(exists(a.crash, "127.0.0.1-2026-03-02-10:00:00"));
        removed = strv_free(removed);

        ASSERT_EQ(learn(&a, NULL), 1);
        report_all(&a);
        ASSERT_EQ(dump_dirs_prune(a.store, a.crash, 1, &removed), 1);
        ASSERT_STRV_EQ(removed, STRV_MAKE("127.0.0.1-2026-03-02-10:00:00"));
        ASSERT_TRUE(exists(a.crash, "127.0.0.1-1970-01-01-00:00:07"));

        /* the records stay, marked deleted */
        size_t n;
        CrashRecord *l = records(&a, &n);
        ASSERT_EQ(n, 3u);
        ASSERT_TRUE(l[0].deleted && l[1].deleted);
        ASSERT_FALSE(l[2].deleted);
        ASSERT_STREQ(strrchr(l[2].location, '/') + 1, "127.0.0.1-1970-01-01-00:00:07");
        crash_records_free(l, n);
}

/* A dump without a record (one the learning could not write) is never
 * deleted, nor counted. */
TEST(prune_leaves_what_has_no_record) {
        _cleanup_(area_done) Area a = area_new();
        _cleanup_strv_free_ char **removed = NULL;

        free(make_dump(&a, "127.0.0.1-2026-03-01-10:00:00"));
        free(make_dump(&a, "127.0.0.1-2026-03-02-10:00:00"));
        ASSERT_EQ(dump_dirs_prune(a.store, a.crash, 1, &removed), 0);
        ASSERT_STRV_EQ(removed, STRV_EMPTY);
        ASSERT_TRUE(exists(a.crash, "127.0.0.1-2026-03-01-10:00:00"));
        removed = strv_free(removed);

        ASSERT_EQ(learn(&a, NULL), 2);
        report_all(&a);
        free(make_dump(&a, "127.0.0.1-2026-01-01-10:00:00"));
        /* keep 1 of the two recorded; the third has no record yet */
        ASSERT_EQ(dump_dirs_prune(a.store, a.crash, 1, &removed), 1);
        ASSERT_STRV_EQ(removed, STRV_MAKE("127.0.0.1-2026-03-01-10:00:00"));
        ASSERT_TRUE(exists(a.crash, "127.0.0.1-2026-01-01-10:00:00"));
        ASSERT_EQ(dump_dirs_prune(a.store, a.crash, 0, NULL), 0);
}

/* What the prune deletes: the dump directory with all it holds, never what
 * a symlink in it points to, nor what only looks like a dump. */
TEST(prune_deletes_only_dump_directories) {
        _cleanup_(area_done) Area a = area_new();
        _cleanup_free_ char *outside = test_path(test_tmpdir(), "outside"), *dir = NULL, *link = NULL, *inner = NULL;
        _cleanup_strv_free_ char **removed = NULL;

        ASSERT_OK(mkdir_p(outside, 0700));
        free(test_write_file(outside, "precious", "keep me\n"));
        dir = make_dump(&a, "a-host-2023-12-31-23:59:59");
        free(test_write_file(dir, "sub/deeper/file", "x"));
        inner = test_path(dir, "escape");
        ASSERT_OK(symlink(outside, inner) < 0 ? -errno : 0);
        free(make_dump(&a, "a-host-2024-05-05-05:05:05"));
        free(make_dump(&a, "a-host-2024-05-05-05:05:05.old"));
        free(test_write_file(a.crash, "c-host-2020-01-01-00:00:00", "not a directory"));
        link = test_path(a.crash, "d-host-2020-01-01-00:00:00");
        ASSERT_OK(symlink(outside, link) < 0 ? -errno : 0);

        ASSERT_EQ(learn(&a, NULL), 2);
        report_all(&a);
        ASSERT_EQ(dump_dirs_prune(a.store, a.crash, 1, &removed), 1);
        ASSERT_STRV_EQ(removed, STRV_MAKE("a-host-2023-12-31-23:59:59"));
        ASSERT_FALSE(exists(a.crash, "a-host-2023-12-31-23:59:59"));
        ASSERT_TRUE(exists(a.crash, "a-host-2024-05-05-05:05:05"));
        ASSERT_TRUE(exists(a.crash, "a-host-2024-05-05-05:05:05.old"));
        ASSERT_TRUE(exists(a.crash, "c-host-2020-01-01-00:00:00"));
        ASSERT_TRUE(exists(a.crash, "d-host-2020-01-01-00:00:00"));
        ASSERT_TRUE(exists(outside, "precious"));
}

/* A dump is learned once; the same name made again (deleted by hand, then
 * a capture kernel without a clock makes it again) is a new crash. */
TEST(learn_once_per_directory) {
        _cleanup_(area_done) Area a = area_new();
        _cleanup_free_ char *dir = make_dump(&a, "127.0.0.1-1970-01-01-00:00:07"), *moved = NULL;
        size_t n;

        ASSERT_EQ(learn(&a, NULL), 1);
        ASSERT_EQ(learn(&a, NULL), 0);
        moved = test_path(test_tmpdir(), "moved");
        ASSERT_OK(rename(dir, moved) < 0 ? -errno : 0);
        free(make_dump(&a, "127.0.0.1-1970-01-01-00:00:07"));
        ASSERT_EQ(learn(&a, NULL), 1);
        CrashRecord *l = records(&a, &n);
        ASSERT_EQ(n, 2u);
        ASSERT_STREQ(l[0].location, l[1].location);
        ASSERT_STRNE(l[0].dir_identity, l[1].dir_identity);
        ASSERT_EQ_U64(l[1].learned_usec, 1000);
        ASSERT_EQ(l[1].dump, CRASH_DUMP_DIR);
        ASSERT_STREQ(l[1].kernel, "6.1.0-41-amd64");
        crash_records_free(l, n);
}

/* The first start with records: what an older kdumpd reported (its state
 * file, in the order it reported them) comes first, already reported, and
 * the file goes. */
TEST(learn_what_an_older_kdumpd_reported) {
        _cleanup_(area_done) Area a = area_new();
        _cleanup_free_ char *d1 = make_dump(&a, "127.0.0.1-2026-03-02-10:00:00"),
                            *d2 = make_dump(&a, "127.0.0.1-2026-03-01-10:00:00"), *told = NULL;
        size_t n;

        free(make_dump(&a, "127.0.0.1-1970-01-01-00:00:07"));
        ASSERT_OK(asprintf(&told, "%s\n%s\n/gone/127.0.0.1-2025-01-01-00:00:00\n", d1, d2) < 0 ? -ENOMEM : 0);
        ASSERT_OK(mkdir_p(a.store, 0700));
        ASSERT_OK(write_file_atomic(a.legacy, told, strlen(told), 0600));
        ASSERT_EQ(learn(&a, NULL), 3);
        ASSERT_TRUE(access(a.legacy, F_OK) < 0);
        CrashRecord *l = records(&a, &n);
        ASSERT_EQ(n, 3u);
        ASSERT_STREQ(l[0].location, d1);
        ASSERT_STREQ(l[1].location, d2);
        ASSERT_TRUE(l[0].reported && l[1].reported);
        ASSERT_GT(l[0].learned_usec, 1000); /* the file's time, not now */
        ASSERT_CONTAINS(l[2].location, "1970-01-01");
        ASSERT_FALSE(l[2].reported);
        crash_records_free(l, n);
}

static int fake_mountpoint(const char *spec, char **ret, void *userdata) {
        if (strcmp(spec, "UUID=1234") != 0)
                return -ENOENT;
        *ret = strdup(userdata);
        return *ret ? 0 : -ENOMEM;
}

/* Traces: a network dump, a capture that left no dump, and a dump on a
 * filesystem mounted here, which the scan of the path finds too. */
TEST(learn_from_traces) {
        _cleanup_(area_done) Area a = area_new();
        _cleanup_free_ char *dir = make_dump(&a, "127.0.0.1-1970-01-01-00:00:07"), *loc = NULL, *p = NULL;
        size_t n;

        free(test_write_file(a.store, "aa.trace",
                             "DUMP=nfs\nLOCATION=10.213.0.1:/export/var/crash/10.213.0.2-1970-01-01-00:00:09\n"
                             "COMPLETE=yes\nKERNEL=6.1.0-41-amd64\nPANIC=sysrq: Trigger a crash\nTRACE=aa\n"));
        free(test_write_file(a.store, "bb.trace", "DUMP=none\nCOMPLETE=no\nWHY=dump failed in step wait-target\n"));
        /* the filesystem that holds the dump path is mounted on test_tmpdir() */
        ASSERT_OK(asprintf(&loc, "DUMP=fs\nLOCATION=UUID=1234:/crash/127.0.0.1-1970-01-01-00:00:07\nCOMPLETE=no\n"
                                 "WHY=dump failed in step post-hooks\n") < 0 ? -ENOMEM : 0);
        free(test_write_file(a.store, "cc.trace", loc));
        free(test_write_file(a.store, "dd.trace", "DUMP=floppy\n"));

        CrashLearn l = { .store = a.store, .dump_path = a.crash, .now_usec = 1000, .fs_mountpoint = fake_mountpoint,
                         .userdata = (void *) test_tmpdir() };
        ASSERT_ERROR(crashes_learn(&l), EBADMSG); /* dd: kept for a kdumpd that reads it */
        CrashRecord *r = records(&a, &n);
        ASSERT_EQ(n, 3u);
        ASSERT_EQ(r[0].dump, CRASH_DUMP_NFS);
        ASSERT_STREQ(r[0].trace, "aa");
        ASSERT_TRUE(r[0].complete);
        ASSERT_FALSE(r[0].reported);
        ASSERT_EQ(r[1].dump, CRASH_DUMP_NONE);
        ASSERT_STREQ(r[1].trace, "bb"); /* named after its file */
        ASSERT_STREQ(r[1].why, "dump failed in step wait-target");
        /* the fs dump is the dump directory here: one record, the
         * directory's word on complete, the trace's on what failed */
        ASSERT_EQ(r[2].dump, CRASH_DUMP_DIR);
        ASSERT_STREQ(r[2].location, dir);
        ASSERT_TRUE(r[2].complete);
        ASSERT_STREQ(r[2].why, "dump failed in step post-hooks");
        ASSERT_STREQ(r[2].kernel, "6.1.0-41-amd64");
        crash_records_free(r, n);

        p = test_path(a.store, "aa.trace");
        ASSERT_TRUE(access(p, F_OK) < 0);
        free(p);
        p = test_path(a.store, "dd.trace");
        ASSERT_OK(access(p, F_OK));
        ASSERT_OK(unlink(p));

        /* a trace learned before (a crash between record and unlink) */
        free(test_write_file(a.store, "aa.trace", "DUMP=nfs\nCOMPLETE=yes\n"));
        ASSERT_EQ(crashes_learn(&l), 0);
        r = records(&a, &n);
        ASSERT_EQ(n, 3u);
        crash_records_free(r, n);

        /* not mounted here: stays where the capture saw it */
        free(test_write_file(a.store, "ee.trace", "DUMP=fs\nLOCATION=LABEL=x:/crash/h-1970-01-01-00:00:01\n"));
        ASSERT_EQ(crashes_learn(&l), 1);
        r = records(&a, &n);
        ASSERT_EQ(r[3].dump, CRASH_DUMP_FS);
        ASSERT_STREQ(r[3].location, "LABEL=x:/crash/h-1970-01-01-00:00:01");
        crash_records_free(r, n);
}

TEST(learn_raw_restored) {
        _cleanup_(area_done) Area a = area_new();
        _cleanup_free_ char *dir = make_dump(&a, "127.0.0.1-2026-03-01-10:00:00");
        size_t n;

        ASSERT_EQ(learn(&a, dir), 1);
        CrashRecord *l = records(&a, &n);
        ASSERT_EQ(l[0].dump, CRASH_DUMP_RAW);
        ASSERT_STREQ(l[0].location, dir);
        crash_records_free(l, n);
}

TEST(fs_location_split) {
        _cleanup_free_ char *spec = NULL, *path = NULL;
        ASSERT_OK(crash_fs_location_split("/dev/disk/by-path/pci-0000:00:04.0:/crash/x", &spec, &path));
        ASSERT_STREQ(spec, "/dev/disk/by-path/pci-0000:00:04.0");
        ASSERT_STREQ(path, "/crash/x");
        ASSERT_ERROR(crash_fs_location_split("no-path", &spec, &path), EINVAL);
}
