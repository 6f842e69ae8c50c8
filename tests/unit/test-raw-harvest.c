/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The raw target's harvest (src/kdumpd-arm/raw-harvest.c) on a regular file
 * standing in for the device: what the header says (makedumpfile's
 * flattened format, a restored one, garbage, too short), and what the
 * harvest does with it, with a stand-in makedumpfile that can be told to
 * fail, and once with the real one on a stream built by hand. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "fileio.h"
#include "raw-harvest.h"
#include "tests.h"

#define SOME_TIME ((time_t) 1700000000)
#define DEVICE_SIZE (64 * 1024)

/* -R: copies the whole "device" (a test sees where it came from);
 * --dump-dmesg: one line naming the vmcore. FAKE_MAKEDUMPFILE_FAIL=restore
 * or =dmesg makes that part fail with its exit status 3; =interrupted makes
 * -R die of SIGINT, as when kdump is stopped during a restore; =slow makes
 * -R take 30 seconds, as a big dump on a slow disk. */
static const char fake_makedumpfile[] =
        "#!/bin/sh\n"
        "case \"$1\" in\n"
        "-R) [ \"${FAKE_MAKEDUMPFILE_FAIL:-}\" = restore ] && { head -c 100 >\"$2\"; exit 3; }\n"
        "    [ \"${FAKE_MAKEDUMPFILE_FAIL:-}\" = slow ] && { head -c 100 >\"$2\"; exec sleep 30; }\n"
        "    [ \"${FAKE_MAKEDUMPFILE_FAIL:-}\" = interrupted ] && { head -c 100 >\"$2\"; kill -INT $$; exit 1; }\n"
        "    exec cat >\"$2\" ;;\n"
        "--dump-dmesg) [ \"${FAKE_MAKEDUMPFILE_FAIL:-}\" = dmesg ] && exit 3\n"
        "    echo \"kernel log of $2\" >\"$3\" ;;\n"
        "*) exit 99 ;;\n"
        "esac\n";

static void use_fake_makedumpfile(void) {
        _cleanup_free_ char *bin = test_path(test_tmpdir(), "bin"), *path = NULL;
        char *exe = test_write_file(test_tmpdir(), "bin/makedumpfile", fake_makedumpfile);
        ASSERT_OK(chmod(exe, 0755));
        free(exe);
        ASSERT_OK(asprintf(&path, "%s:%s", bin, strempty(getenv("PATH"))) < 0 ? -ENOMEM : 0);
        ASSERT_OK(setenv("PATH", path, 1));
}

/* A flattened header: signature, type and version (big-endian). */
static void put_header(unsigned char *buf, const char *signature, int64_t type) {
        uint64_t t = htobe64((uint64_t) type), v = htobe64(1);
        memset(buf, 0, RAW_STREAM_HEADER_SIZE);
        memcpy(buf, signature, strlen(signature));
        memcpy(buf + 16, &t, 8);
        memcpy(buf + 24, &v, 8);
}

static void put_be64(unsigned char **p, int64_t v) {
        uint64_t b = htobe64((uint64_t) v);
        memcpy(*p, &b, 8);
        *p += 8;
}

/* A device file: a flattened stream whose one block holds payload at
 * offset 0, its end marker, then leftovers that are no part of it. */
static char *make_device(const char *name, const char *signature, const char *payload) {
        char *p = test_path(test_tmpdir(), name);
        _cleanup_free_ unsigned char *buf = ASSERT_NOT_NULL(calloc(1, DEVICE_SIZE));
        unsigned char *w = buf + RAW_STREAM_HEADER_SIZE;

        if (signature)
                put_header(buf, signature, RAW_STREAM_TYPE_FLAT);
        put_be64(&w, 0);
        put_be64(&w, (int64_t) strlen(payload));
        memcpy(w, payload, strlen(payload));
        w += strlen(payload);
        put_be64(&w, -1);
        put_be64(&w, -1);
        memset(w, 'x', 1000);
        ASSERT_OK(write_file_atomic(p, buf, DEVICE_SIZE, 0600));
        return p;
}

static unsigned count_entries(const char *dir) {
        DIR *d = opendir(dir);
        unsigned n = 0;
        if (!d)
                return 0;
        for (struct dirent *de; (de = readdir(d));)
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        n++;
        closedir(d);
        return n;
}

static mode_t path_mode(const char *path) {
        struct stat st;
        ASSERT_OK(stat(path, &st));
        return st.st_mode & 07777;
}

TEST(detect_flattened_header) {
        unsigned char buf[RAW_STREAM_HEADER_SIZE];

        put_header(buf, RAW_STREAM_SIGNATURE, RAW_STREAM_TYPE_FLAT);
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf)), RAW_STREAM_FLATTENED);
        /* What the harvest leaves behind. */
        put_header(buf, RAW_STREAM_HARVESTED_SIGNATURE, RAW_STREAM_TYPE_FLAT);
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf)), RAW_STREAM_HARVESTED);
}

TEST(detect_not_a_stream) {
        unsigned char buf[RAW_STREAM_HEADER_SIZE];

        memset(buf, 0, sizeof(buf));
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf)), RAW_STREAM_NONE);
        for (size_t i = 0; i < sizeof(buf); i++)
                buf[i] = (unsigned char) (i * 131 + 7);
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf)), RAW_STREAM_NONE);
        /* Another type, the type little-endian, a longer signature, a
         * signature that only starts the same. */
        put_header(buf, RAW_STREAM_SIGNATURE, 2);
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf)), RAW_STREAM_NONE);
        put_header(buf, RAW_STREAM_SIGNATURE, (int64_t) htobe64(1));
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf)), RAW_STREAM_NONE);
        put_header(buf, "makedumpfileX", RAW_STREAM_TYPE_FLAT);
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf)), RAW_STREAM_NONE);
        put_header(buf, "makedump", RAW_STREAM_TYPE_FLAT);
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf)), RAW_STREAM_NONE);
        /* Too short for makedumpfile -R to read its header. */
        put_header(buf, RAW_STREAM_SIGNATURE, RAW_STREAM_TYPE_FLAT);
        ASSERT_EQ(raw_stream_detect(buf, sizeof(buf) - 1), RAW_STREAM_NONE);
        ASSERT_EQ(raw_stream_detect(NULL, 0), RAW_STREAM_NONE);
}

TEST(read_short_device_file) {
        unsigned char buf[RAW_STREAM_HEADER_SIZE];
        _cleanup_free_ char *p = test_path(test_tmpdir(), "short");

        put_header(buf, RAW_STREAM_SIGNATURE, RAW_STREAM_TYPE_FLAT);
        ASSERT_OK(write_file_atomic(p, buf, 100, 0600));
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
        ASSERT_OK(fd);
        ASSERT_EQ(raw_stream_read(fd), RAW_STREAM_NONE);

        ASSERT_OK(write_file_atomic(p, buf, sizeof(buf), 0600));
        _cleanup_close_ int fd2 = open(p, O_RDONLY | O_CLOEXEC);
        ASSERT_OK(fd2);
        ASSERT_EQ(raw_stream_read(fd2), RAW_STREAM_FLATTENED);
}

TEST(harvest_nothing_on_empty_device) {
        _cleanup_free_ char *dev = make_device("dev", NULL, "payload"), *base = test_path(test_tmpdir(), "crash");
        _cleanup_free_ char *before = NULL, *after = NULL, *dir = NULL;
        size_t n1, n2;

        use_fake_makedumpfile();
        before = test_read_file_size(dev, &n1);
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, NULL, &dir), RAW_STREAM_NONE);
        ASSERT_NULL(dir);
        ASSERT_TRUE(access(base, F_OK) < 0); /* not even the base directory */
        after = test_read_file_size(dev, &n2);
        ASSERT_EQ(n1, n2);
        ASSERT_TRUE(memcmp(before, after, n1) == 0);
}

TEST(harvest_restores_once) {
        _cleanup_free_ char *dev = make_device("dev", RAW_STREAM_SIGNATURE, "payload"),
                            *base = test_path(test_tmpdir(), "crash"), *dir = NULL, *dir2 = NULL;
        _cleanup_free_ char *before = NULL, *after = NULL, *vmcore = NULL, *restored = NULL, *dmesg = NULL,
                            *dmesg_text = NULL;
        size_t n, n_after, n_restored;

        use_fake_makedumpfile();
        before = test_read_file_size(dev, &n);
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, deadline_after_sec(30), NULL, &dir),
                  RAW_STREAM_FLATTENED);
        ASSERT_STREQ(dir + strlen(base), "/127.0.0.1-2023-11-14-22:13:20");
        ASSERT_EQ(path_mode(dir), 0700);

        /* The stand-in copied the device as it was: read before the mark. */
        vmcore = test_path(dir, "vmcore");
        ASSERT_EQ(path_mode(vmcore), 0600);
        restored = test_read_file_size(vmcore, &n_restored);
        ASSERT_EQ(n_restored, n);
        ASSERT_TRUE(memcmp(restored, before, n) == 0);
        dmesg = test_path(dir, "vmcore-dmesg.txt");
        ASSERT_EQ(path_mode(dmesg), 0600);
        dmesg_text = test_read_file(dmesg);
        ASSERT_CONTAINS(dmesg_text, "kernel log of ");
        ASSERT_CONTAINS(dmesg_text, "/vmcore");
        ASSERT_EQ(count_entries(dir), 2u);

        /* Only the signature changed on the device. */
        after = test_read_file_size(dev, &n_after);
        ASSERT_EQ(n_after, n);
        ASSERT_TRUE(memcmp(after, RAW_STREAM_HARVESTED_SIGNATURE, RAW_STREAM_SIGNATURE_SIZE) == 0);
        ASSERT_TRUE(memcmp(after + RAW_STREAM_SIGNATURE_SIZE, before + RAW_STREAM_SIGNATURE_SIZE,
                           n - RAW_STREAM_SIGNATURE_SIZE) == 0);

        /* The next start finds it restored: no second dump directory. */
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, NULL, &dir2), RAW_STREAM_HARVESTED);
        ASSERT_NULL(dir2);
        ASSERT_EQ(count_entries(base), 1u);
}

TEST(harvest_failed_restore_leaves_device) {
        _cleanup_free_ char *dev = make_device("dev", RAW_STREAM_SIGNATURE, "payload"),
                            *base = test_path(test_tmpdir(), "crash"), *dir = NULL;
        _cleanup_free_ char *before = NULL, *after = NULL;
        size_t n1, n2;

        use_fake_makedumpfile();
        ASSERT_OK(setenv("FAKE_MAKEDUMPFILE_FAIL", "restore", 1));
        before = test_read_file_size(dev, &n1);
        ASSERT_ERROR(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, NULL, &dir), EPROTO);
        ASSERT_NULL(dir);
        /* No half dump left, the stream as it was: tried again next time. */
        ASSERT_EQ(count_entries(base), 0u);
        after = test_read_file_size(dev, &n2);
        ASSERT_EQ(n1, n2);
        ASSERT_TRUE(memcmp(before, after, n1) == 0);

        ASSERT_OK(unsetenv("FAKE_MAKEDUMPFILE_FAIL"));
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, NULL, &dir), RAW_STREAM_FLATTENED);
        ASSERT_EQ(count_entries(base), 1u);
}

/* A stream that failed once is not read again on every start (a capture
 * cut short: -R reads to the device's end before it fails); a new dump on
 * the device, or the memory of the failure removed, is tried again. */
TEST(harvest_failed_restore_is_tried_once) {
        _cleanup_free_ char *dev = make_device("dev", RAW_STREAM_SIGNATURE, "payload"),
                            *base = test_path(test_tmpdir(), "crash"),
                            *failed = test_path(test_tmpdir(), "raw-restore-failed"), *dir = NULL, *text = NULL;

        use_fake_makedumpfile();
        ASSERT_OK(setenv("FAKE_MAKEDUMPFILE_FAIL", "restore", 1));
        ASSERT_ERROR(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, failed, &dir), EPROTO);
        ASSERT_EQ(path_mode(failed), 0600);
        text = test_read_file(failed);
        ASSERT_TRUE(strncmp(text, dev, strlen(dev)) == 0 && text[strlen(dev)] == '\t');
        ASSERT_EQ(strlen(text), strlen(dev) + 1 + 64 + 1);

        /* Even with a makedumpfile that would work now: not tried again. */
        ASSERT_OK(unsetenv("FAKE_MAKEDUMPFILE_FAIL"));
        ASSERT_ERROR(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, failed, &dir), EALREADY);
        ASSERT_NULL(dir);
        ASSERT_EQ(count_entries(base), 0u);

        /* A new dump on the device (another payload): restored. */
        free(make_device("dev", RAW_STREAM_SIGNATURE, "another crash"));
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, failed, &dir), RAW_STREAM_FLATTENED);
        ASSERT_EQ(count_entries(base), 1u);
        ASSERT_TRUE(access(failed, F_OK) < 0); /* a success forgets old failures */
        free(dir);
        dir = NULL;

        /* The admin's retry: the failed file removed. */
        free(make_device("dev", RAW_STREAM_SIGNATURE, "third crash"));
        ASSERT_OK(setenv("FAKE_MAKEDUMPFILE_FAIL", "restore", 1));
        ASSERT_ERROR(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME + 1, 0, failed, &dir), EPROTO);
        ASSERT_ERROR(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME + 1, 0, failed, &dir), EALREADY);
        ASSERT_OK(unlink(failed));
        ASSERT_OK(unsetenv("FAKE_MAKEDUMPFILE_FAIL"));
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME + 1, 0, failed, &dir), RAW_STREAM_FLATTENED);
        ASSERT_EQ(count_entries(base), 2u);
}

TEST(harvest_without_dmesg_still_restores) {
        _cleanup_free_ char *dev = make_device("dev", RAW_STREAM_SIGNATURE, "payload"),
                            *base = test_path(test_tmpdir(), "crash"), *dir = NULL, *vmcore = NULL, *dmesg = NULL;
        unsigned char head[RAW_STREAM_SIGNATURE_SIZE];

        use_fake_makedumpfile();
        ASSERT_OK(setenv("FAKE_MAKEDUMPFILE_FAIL", "dmesg", 1));
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, NULL, &dir), RAW_STREAM_FLATTENED);
        vmcore = test_path(dir, "vmcore");
        dmesg = test_path(dir, "vmcore-dmesg.txt");
        ASSERT_OK(access(vmcore, F_OK));
        ASSERT_TRUE(access(dmesg, F_OK) < 0);
        _cleanup_close_ int fd = open(dev, O_RDONLY | O_CLOEXEC);
        ASSERT_OK(fd);
        ASSERT_EQ(pread(fd, head, sizeof(head), 0), (ssize_t) sizeof(head));
        ASSERT_TRUE(memcmp(head, RAW_STREAM_HARVESTED_SIGNATURE, sizeof(head)) == 0);
}

TEST(harvest_missing_device) {
        _cleanup_free_ char *dev = test_path(test_tmpdir(), "nothing"), *base = test_path(test_tmpdir(), "crash");
        ASSERT_ERROR(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, NULL, NULL), ENOENT);
}

/* The real makedumpfile -R on a stream made by hand: the payload comes
 * back, and what follows the end marker is not read. */
TEST(harvest_with_real_makedumpfile) {
        _cleanup_free_ char *dev = make_device("dev", RAW_STREAM_SIGNATURE, "restored by makedumpfile -R"),
                            *base = test_path(test_tmpdir(), "crash"), *dir = NULL, *vmcore = NULL, *text = NULL;

        if (system("command -v makedumpfile >/dev/null") != 0)
                SKIP_TEST("makedumpfile is not installed");
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, deadline_after_sec(30), NULL, &dir),
                  RAW_STREAM_FLATTENED);
        vmcore = test_path(dir, "vmcore");
        text = test_read_file(vmcore);
        ASSERT_STREQ(text, "restored by makedumpfile -R");
        ASSERT_EQ(path_mode(vmcore), 0600);
        /* The payload is no vmcore: no kernel log in it, and no file left
         * half written. */
        ASSERT_EQ(count_entries(dir), 1u);
}

/* A restore cut short by a stop (makedumpfile killed by SIGINT) says nothing
 * about the stream: it is tried again on the next start. */
TEST(harvest_interrupted_restore_is_tried_again) {
        _cleanup_free_ char *dev = make_device("dev", RAW_STREAM_SIGNATURE, "payload"),
                            *base = test_path(test_tmpdir(), "crash"),
                            *failed = test_path(test_tmpdir(), "raw-restore-failed"), *dir = NULL;

        use_fake_makedumpfile();
        ASSERT_OK(setenv("FAKE_MAKEDUMPFILE_FAIL", "interrupted", 1));
        ASSERT_ERROR(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, failed, &dir), EPROTO);
        ASSERT_TRUE(access(failed, F_OK) < 0);
        ASSERT_EQ(count_entries(base), 0u);

        ASSERT_OK(unsetenv("FAKE_MAKEDUMPFILE_FAIL"));
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, 0, failed, &dir), RAW_STREAM_FLATTENED);
        ASSERT_EQ(count_entries(base), 1u);
}

/* Finding 11: a valid dump whose restore is slower than the deadline (a
 * big dump, a slow disk) was remembered as failed and never restored. Only
 * makedumpfile's own failure is remembered; a deadline hit is tried again
 * at the next start. */
TEST(harvest_out_of_time_is_tried_again) {
        _cleanup_free_ char *dev = make_device("dev", RAW_STREAM_SIGNATURE, "payload"),
                            *base = test_path(test_tmpdir(), "crash"),
                            *failed = test_path(test_tmpdir(), "raw-restore-failed"), *dir = NULL, *before = NULL,
                            *after = NULL, *vmcore = NULL, *text = NULL;
        size_t n1, n2;

        use_fake_makedumpfile();
        ASSERT_OK(setenv("FAKE_MAKEDUMPFILE_FAIL", "slow", 1));
        before = test_read_file_size(dev, &n1);
        uint64_t start = now_usec();
        ASSERT_ERROR(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, deadline_after_sec(1), failed, &dir), ETIME);
        ASSERT_LT(now_usec() - start, 20 * 1000000ULL); /* killed, not waited for */
        ASSERT_NULL(dir);
        ASSERT_TRUE(access(failed, F_OK) < 0);
        ASSERT_EQ(count_entries(base), 0u);
        after = test_read_file_size(dev, &n2);
        ASSERT_EQ(n1, n2);
        ASSERT_TRUE(memcmp(before, after, n1) == 0);

        /* the next start, with time enough: restored */
        ASSERT_OK(unsetenv("FAKE_MAKEDUMPFILE_FAIL"));
        ASSERT_EQ(raw_harvest_device(dev, base, "127.0.0.1", SOME_TIME, deadline_after_sec(30), failed, &dir),
                  RAW_STREAM_FLATTENED);
        vmcore = test_path(dir, "vmcore");
        text = test_read_file(vmcore);
        ASSERT_TRUE(strncmp(text, RAW_STREAM_SIGNATURE, strlen(RAW_STREAM_SIGNATURE)) == 0);
}
