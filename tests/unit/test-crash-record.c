/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The crash record store (src/shared/basic/crash-record.c) in a temp dir:
 * the format both ways, IDs in the order records are made, updates that
 * keep what a newer version wrote, traces beside the records. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crash-record.h"
#include "fileio.h"
#include "tests.h"

static char *store_path(void) {
        return test_path(test_tmpdir(), "state/crashes");
}

static mode_t path_mode(const char *path) {
        struct stat st;
        ASSERT_OK(stat(path, &st) < 0 ? -errno : 0);
        return st.st_mode & 07777;
}

TEST(format_and_parse_round_trip) {
        CrashRecord r = { .id = 3, .learned_usec = 1767268800123456ULL, .dump = CRASH_DUMP_NFS, .complete = true,
                          .reported = true };
        CrashRecord back = {};
        _cleanup_free_ char *text = NULL, *again = NULL;

        ASSERT_OK(crash_record_set(&r.location, "10.0.0.1:/export/var/crash/10.0.0.2-2026-01-01-00:00:00"));
        ASSERT_OK(crash_record_set(&r.panic, "Kernel panic - not syncing:\tsysrq\ntriggered crash"));
        ASSERT_OK(crash_record_set(&r.kernel, "6.1.0-41-amd64"));
        ASSERT_OK(crash_record_set(&r.trace, "0123abcd"));
        ASSERT_OK(crash_record_format(&r, &text));
        ASSERT_CONTAINS(text, "\nID=3\nLEARNED_USEC=1767268800123456\nDUMP=nfs\n");
        ASSERT_CONTAINS(text, "\nCOMPLETE=yes\n");
        ASSERT_CONTAINS(text, "\nREPORTED=yes\nDELETED=no\n");
        /* one line per value, whatever the capture read */
        ASSERT_CONTAINS(text, "\nPANIC=Kernel panic - not syncing: sysrq triggered crash\n");
        ASSERT_NOT_CONTAINS(text, "WHY=");

        ASSERT_OK(crash_record_parse(text, &back));
        ASSERT_EQ(back.id, 3u);
        ASSERT_EQ_U64(back.learned_usec, 1767268800123456ULL);
        ASSERT_EQ(back.dump, CRASH_DUMP_NFS);
        ASSERT_TRUE(back.complete);
        ASSERT_TRUE(back.reported);
        ASSERT_FALSE(back.deleted);
        ASSERT_STREQ(back.location, r.location);
        ASSERT_STREQ(back.kernel, "6.1.0-41-amd64");
        ASSERT_NULL(back.why);
        ASSERT_OK(crash_record_format(&back, &again));
        ASSERT_STREQ(again, text);
        crash_record_done(&back);
        crash_record_done(&r);
}

TEST(parse_refuses_what_is_not_a_record) {
        CrashRecord r = {};
        ASSERT_ERROR(crash_record_parse("DUMP=floppy\n", &r), EBADMSG);
        ASSERT_ERROR(crash_record_parse("DUMP=dir\nCOMPLETE=maybe\n", &r), EBADMSG);
        ASSERT_ERROR(crash_record_parse("ID=x1\n", &r), EBADMSG);
        ASSERT_ERROR(crash_record_parse("ID=0\n", &r), EBADMSG);
        ASSERT_ERROR(crash_record_parse("just words\n", &r), EBADMSG);
        ASSERT_ERROR(crash_record_parse("=value\n", &r), EBADMSG);
        ASSERT_OK(crash_record_parse("# a comment\n\nDUMP=none\n", &r));
        ASSERT_EQ(r.dump, CRASH_DUMP_NONE);
        crash_record_done(&r);
}

/* IDs follow the order records are made in, whatever else they say. */
TEST(store_adds_in_order_and_lists_oldest_first) {
        _cleanup_free_ char *store = store_path(), *p = NULL;
        CrashRecord a = { .dump = CRASH_DUMP_DIR }, b = { .dump = CRASH_DUMP_NONE }, c = { .dump = CRASH_DUMP_SSH };
        CrashRecord *l = NULL;
        size_t n = 0;
        unsigned bad = 9;

        ASSERT_OK(crash_store_list(store, &l, &n, &bad)); /* no store yet */
        ASSERT_EQ(n, 0u);
        ASSERT_EQ(bad, 0u);
        free(l);

        ASSERT_OK(crash_record_set(&a.location, "/var/crash/127.0.0.1-2026-03-01-10:00:00"));
        ASSERT_EQ(crash_store_add(store, &a, 2000), 1);
        ASSERT_EQ(crash_store_add(store, &b, 1000), 2); /* a clock set back: still after a */
        c.learned_usec = 5;
        ASSERT_EQ(crash_store_add(store, &c, 3000), 3);
        ASSERT_EQ_U64(a.learned_usec, 2000);
        ASSERT_EQ_U64(c.learned_usec, 5);
        ASSERT_EQ(path_mode(store), 0700);
        p = test_path(store, "2.crash");
        ASSERT_EQ(path_mode(p), 0600);

        /* a file that is no record is left out and counted */
        free(test_write_file(store, "7.crash", "garbage\n"));
        free(test_write_file(store, "notes.txt", "x\n"));
        free(test_write_file(store, "010.crash", "DUMP=none\n"));
        ASSERT_OK(crash_store_list(store, &l, &n, &bad));
        ASSERT_EQ(n, 3u);
        ASSERT_EQ(bad, 1u);
        ASSERT_EQ(l[0].id, 1u);
        ASSERT_EQ(l[1].id, 2u);
        ASSERT_EQ(l[2].id, 3u);
        ASSERT_STREQ(l[0].location, "/var/crash/127.0.0.1-2026-03-01-10:00:00");
        ASSERT_FALSE(l[0].reported);
        crash_records_free(l, n);

        /* the next one comes after the highest file, readable or not */
        CrashRecord d = { .dump = CRASH_DUMP_NONE };
        ASSERT_EQ(crash_store_add(store, &d, 4000), 8);
        crash_record_done(&a);
        crash_record_done(&c);
}

TEST(update_keeps_unknown_keys) {
        _cleanup_free_ char *store = store_path(), *text = NULL, *p = NULL;
        CrashRecord r = {};

        free(test_write_file(store, "4.crash",
                             "ID=4\nLEARNED_USEC=77\nDUMP=dir\nLOCATION=/var/crash/x\nCOMPLETE=no\n"
                             "SIGNATURE=panic+foo_bar\nREPORTED=no\n"));
        ASSERT_OK(crash_store_get(store, 4, &r));
        ASSERT_EQ(r.id, 4u);
        ASSERT_FALSE(r.reported);
        r.reported = true;
        ASSERT_OK(crash_store_update(store, &r));
        p = test_path(store, "4.crash");
        text = test_read_file(p);
        ASSERT_CONTAINS(text, "\nREPORTED=yes\n");
        ASSERT_CONTAINS(text, "\nSIGNATURE=panic+foo_bar\n");
        ASSERT_EQ(path_mode(p), 0600);
        crash_record_done(&r);
        ASSERT_ERROR(crash_store_get(store, 5, &r), ENOENT);
}

TEST(traces_beside_records) {
        _cleanup_free_ char *store = store_path(), *text = NULL, *p = NULL;
        _cleanup_strv_free_ char **traces = NULL;
        CrashRecord t = { .dump = CRASH_DUMP_NONE }, back = {};
        CrashRecord *l = NULL;
        size_t n;

        ASSERT_OK(crash_record_set(&t.why, "dump failed in step wait-target"));
        ASSERT_ERROR(crash_trace_write(store, &t), EINVAL); /* no boot ID */
        ASSERT_OK(crash_record_set(&t.trace, "../etc"));
        ASSERT_ERROR(crash_trace_write(store, &t), EINVAL);
        ASSERT_OK(crash_record_set(&t.trace, "5f0c2e1d9a8b4c7d"));
        ASSERT_OK(crash_trace_write(store, &t));
        p = test_path(store, "5f0c2e1d9a8b4c7d.trace");
        ASSERT_EQ(path_mode(p), 0600);
        text = test_read_file(p);
        /* what a capture cannot know is not written */
        ASSERT_NOT_CONTAINS(text, "ID=");
        ASSERT_NOT_CONTAINS(text, "REPORTED=");
        ASSERT_CONTAINS(text, "\nCOMPLETE=no\n");

        ASSERT_OK(crash_store_traces(store, &traces));
        ASSERT_STRV_EQ(traces, STRV_MAKE(p));
        ASSERT_OK(crash_trace_read(store, "5f0c2e1d9a8b4c7d", &back));
        ASSERT_STREQ(back.why, "dump failed in step wait-target");
        ASSERT_EQ(back.id, 0u);
        ASSERT_ERROR(crash_trace_read(store, "00", &back), ENOENT);
        /* a trace is no record */
        ASSERT_OK(crash_store_list(store, &l, &n, NULL));
        ASSERT_EQ(n, 0u);
        free(l);
        crash_record_done(&back);
        crash_record_done(&t);
}

TEST(dir_identity_tells_same_names_apart) {
        _cleanup_free_ char *dir = test_path(test_tmpdir(), "127.0.0.1-1970-01-01-00:00:07"), *one = NULL,
                            *two = NULL, *file = NULL;

        ASSERT_OK(mkdir_p(dir, 0700));
        ASSERT_OK(crash_dir_identity(dir, &one));
        ASSERT_OK(crash_dir_identity(dir, &two));
        ASSERT_STREQ(one, two);
        /* the same name made again is another directory */
        _cleanup_free_ char *keep = test_path(test_tmpdir(), "keep");
        ASSERT_OK(rename(dir, keep) < 0 ? -errno : 0);
        ASSERT_OK(mkdir_p(dir, 0700));
        free(two);
        two = NULL;
        ASSERT_OK(crash_dir_identity(dir, &two));
        ASSERT_STRNE(one, two);
        file = test_write_file(test_tmpdir(), "file", "x");
        free(one);
        one = NULL;
        ASSERT_ERROR(crash_dir_identity(file, &one), ENOTDIR);
}

TEST(boot_id_is_hex) {
        _cleanup_free_ char *id = NULL;
        if (access("/proc/sys/kernel/random/boot_id", R_OK) < 0)
                SKIP_TEST("no /proc/sys/kernel/random/boot_id");
        ASSERT_OK(crash_boot_id(&id));
        ASSERT_EQ(strlen(id), 32u);
        ASSERT_EQ(strspn(id, "0123456789abcdef"), 32u);
}
