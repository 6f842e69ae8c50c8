/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/basic/dump-writer.h with real collectors (cp, false) on a fake
 * vmcore in a temp dir: the dump directory's name and mode, the vmcore's
 * mode and content, and that a failed collector leaves no "vmcore". */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "dump-writer.h"
#include "fileio.h"
#include "strv.h"
#include "tests.h"

/* 2023-11-14 22:13:20 UTC */
#define SOME_TIME ((time_t) 1700000000)

static mode_t path_mode(const char *path) {
        struct stat st;
        ASSERT_OK(stat(path, &st));
        return st.st_mode & 07777;
}

static bool exists(const char *dir, const char *name) {
        _cleanup_free_ char *p = test_path(dir, name);
        return access(p, F_OK) == 0;
}

static unsigned count_entries(const char *dir) {
        DIR *d = ASSERT_NOT_NULL(opendir(dir));
        unsigned n = 0;
        for (struct dirent *de; (de = readdir(d));)
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        n++;
        closedir(d);
        return n;
}

/* A fake /proc/vmcore: a header, a hole of zeros, a tail; mode 0666 so that
 * a copy that kept the source mode would show. */
static char *make_vmcore(const char *dir, size_t *ret_size) {
        char *p = test_path(dir, "vmcore-src");
        size_t size = 3 * 65536 + 123;
        _cleanup_free_ char *data = ASSERT_NOT_NULL(calloc(1, size));

        memcpy(data, "\177ELF fake vmcore header", 24);
        for (size_t i = 2 * 65536; i < size; i++)
                data[i] = (char) (i * 7);
        ASSERT_OK(write_file_atomic(p, data, size, 0666));
        *ret_size = size;
        return p;
}

static void assert_same_content(const char *a, const char *b) {
        _cleanup_free_ char *x = NULL, *y = NULL;
        size_t nx, ny;

        ASSERT_OK(read_full_file(a, &x, &nx));
        ASSERT_OK(read_full_file(b, &y, &ny));
        ASSERT_EQ(nx, ny);
        ASSERT_EQ(memcmp(x, y, nx), 0);
}

TEST(dump_dir_create_name_and_mode) {
        _cleanup_free_ char *base = test_path(test_tmpdir(), "mnt/var/crash");
        _cleanup_free_ char *dir = NULL, *expected = NULL;
        struct stat st;

        /* The name is in UTC whatever the local time zone says. */
        ASSERT_OK(setenv("TZ", "America/New_York", 1));
        tzset();

        ASSERT_OK(dump_dir_create(base, "127.0.0.1", SOME_TIME, &dir));
        ASSERT_GE(asprintf(&expected, "%s/127.0.0.1-2023-11-14-22:13:20", base), 0);
        ASSERT_STREQ(dir, expected);
        ASSERT_OK(stat(dir, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        ASSERT_EQ(st.st_mode & 07777, 0700);

        /* The base was created too, and is private as well. */
        ASSERT_OK(stat(base, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        ASSERT_EQ(st.st_mode & 0077, 0);
}

TEST(dump_dir_create_mode_is_exact) {
        /* mkdir(2) applies the umask; a restrictive one must not make the
         * dump directory unusable, nor a lax one make it readable. */
        _cleanup_free_ char *dir = NULL, *dir2 = NULL;

        ASSERT_OK(mkdir_p(test_tmpdir(), 0755));
        umask(0277);
        ASSERT_OK(dump_dir_create(test_tmpdir(), "host", SOME_TIME, &dir));
        ASSERT_EQ(path_mode(dir), 0700);

        umask(0);
        ASSERT_OK(dump_dir_create(test_tmpdir(), "host", SOME_TIME + 1, &dir2));
        ASSERT_EQ(path_mode(dir2), 0700);
        ASSERT_STRNE(dir, dir2);
}

TEST(dump_dir_create_existing_base) {
        _cleanup_free_ char *dir = NULL;

        ASSERT_OK(dump_dir_create(test_tmpdir(), "10.0.0.1", 0, &dir));
        ASSERT_CONTAINS(dir, "/10.0.0.1-1970-01-01-00:00:00");
        ASSERT_EQ(count_entries(test_tmpdir()), 1);
}

TEST(dump_dir_create_never_reuses_a_name) {
        /* Without an RTC every crash is stamped 1970-01-01-00:00:00: the
         * second dump must not land in (or rename over) the first. */
        _cleanup_free_ char *base = test_path(test_tmpdir(), "norc"), *a = NULL, *b = NULL, *c = NULL;
        ASSERT_OK(dump_dir_create(base, "10.0.0.1", 0, &a));
        ASSERT_OK(dump_dir_create(base, "10.0.0.1", 0, &b));
        ASSERT_STRNE(a, b);
        ASSERT_CONTAINS(b, "/10.0.0.1-1970-01-01-00:00:00.1");

        /* A symlink planted under the next name is neither used nor
         * followed (chmod through it would change its target). */
        _cleanup_free_ char *victim = test_path(test_tmpdir(), "victim"), *link = NULL;
        ASSERT_OK(mkdir(victim, 0755));
        ASSERT_GE(asprintf(&link, "%s/10.0.0.1-1970-01-01-00:00:00.2", base), 0);
        ASSERT_OK(symlink(victim, link));
        ASSERT_OK(dump_dir_create(base, "10.0.0.1", 0, &c));
        ASSERT_CONTAINS(c, "/10.0.0.1-1970-01-01-00:00:00.3");
        ASSERT_EQ(path_mode(victim), 0755);
        ASSERT_EQ(path_mode(c), 0700);
}

TEST(dump_dir_create_arguments) {
        char *dir = (char *) 0x1;

        ASSERT_ERROR(dump_dir_create(NULL, "h", SOME_TIME, &dir), EINVAL);
        ASSERT_ERROR(dump_dir_create(test_tmpdir(), NULL, SOME_TIME, &dir), EINVAL);
        ASSERT_ERROR(dump_dir_create(test_tmpdir(), "h", SOME_TIME, NULL), EINVAL);
        ASSERT_TRUE(dir == (char *) 0x1);
}

/* The collector as kdump.conf gives it: its text, split as the parser
 * splits it (NULL stays NULL). */
static int save_vmcore(const char *vmcore, const char *dir, const char *collector, uint64_t deadline_usec) {
        _cleanup_strv_free_ char **argv = NULL;
        int r = collector ? shell_split(collector, &argv) : 0;

        if (r < 0)
                return r;
        return dump_save_vmcore(vmcore, dir, argv, deadline_usec, 0);
}

static void check_collector(const char *collector) {
        _cleanup_free_ char *vmcore = NULL, *dir = NULL, *out = NULL;
        size_t size;

        umask(0);
        vmcore = make_vmcore(test_tmpdir(), &size);
        ASSERT_OK(dump_dir_create(test_tmpdir(), "127.0.0.1", SOME_TIME, &dir));

        ASSERT_EQ(save_vmcore(vmcore, dir, collector, 0), 0);
        out = test_path(dir, "vmcore");
        assert_same_content(vmcore, out);
        ASSERT_EQ(path_mode(out), 0600);
        ASSERT_FALSE(exists(dir, "vmcore-incomplete"));
        ASSERT_EQ(count_entries(dir), 1);
}

/* "-F" (added for stream targets) is dropped when writing to a file:
 * makedumpfile refuses it with an output file, cp would too. */
TEST(dump_save_vmcore_drops_flatten_flag) {
        check_collector("cp -F");
}

TEST(dump_save_vmcore_cp) {
        check_collector("cp");
}

TEST(dump_save_vmcore_cp_sparse) {
        check_collector("cp --sparse=always");
}

TEST(dump_save_vmcore_quoted_collector) {
        /* Split shell-style: the quoted word is one argument for cp. */
        check_collector("cp '--sparse=always'");
}

TEST(dump_save_vmcore_mode_whatever_the_collector_does) {
        /* A collector that sets a mode of its own (install -m) does not get
         * to make the dump readable by others. */
        _cleanup_free_ char *vmcore = NULL, *dir = NULL, *out = NULL;
        size_t size;

        vmcore = make_vmcore(test_tmpdir(), &size);
        ASSERT_OK(dump_dir_create(test_tmpdir(), "127.0.0.1", SOME_TIME, &dir));
        ASSERT_EQ(save_vmcore(vmcore, dir, "install -m 0644", 0), 0);
        out = test_path(dir, "vmcore");
        assert_same_content(vmcore, out);
        ASSERT_EQ(path_mode(out), 0600);
}

TEST(dump_save_vmcore_no_shell) {
        /* Paths with blanks and shell characters go to the collector as
         * arguments of their own, never through sh -c. */
        _cleanup_free_ char *odd = test_path(test_tmpdir(), "dir with $(blanks) & ;");
        _cleanup_free_ char *vmcore = NULL, *out = NULL;
        size_t size;

        ASSERT_OK(mkdir(odd, 0700));
        vmcore = make_vmcore(odd, &size);
        ASSERT_EQ(save_vmcore(vmcore, odd, "cp", 0), 0);
        out = test_path(odd, "vmcore");
        assert_same_content(vmcore, out);
}

TEST(dump_save_vmcore_failing_collector) {
        _cleanup_free_ char *vmcore = NULL, *dir = NULL;
        size_t size;
        int r;

        vmcore = make_vmcore(test_tmpdir(), &size);
        ASSERT_OK(dump_dir_create(test_tmpdir(), "127.0.0.1", SOME_TIME, &dir));

        r = save_vmcore(vmcore, dir, "false", 0);
        ASSERT_GT(r, 0);
        ASSERT_FALSE(exists(dir, "vmcore"));

        /* A collector that writes part of the output and then fails: the
         * partial file stays under the -incomplete name only. */
        r = save_vmcore(vmcore, dir, "sh -c 'echo partial >\"$2\"; exit 3' sh", 0);
        ASSERT_EQ(r, 3);
        ASSERT_FALSE(exists(dir, "vmcore"));
        ASSERT_TRUE(exists(dir, "vmcore-incomplete"));
}

/* A collector that hangs (a disk that stopped answering) is killed at the
 * deadline; what it wrote stays -incomplete. */
TEST(dump_save_vmcore_deadline) {
        _cleanup_free_ char *vmcore = NULL, *dir = NULL;
        size_t size;

        vmcore = make_vmcore(test_tmpdir(), &size);
        ASSERT_OK(dump_dir_create(test_tmpdir(), "127.0.0.1", SOME_TIME, &dir));
        uint64_t start = now_usec();
        ASSERT_ERROR(save_vmcore(vmcore, dir, "sh -c 'echo partial >\"$2\"; exec sleep 30' sh",
                                      deadline_after_sec(1)),
                     ETIME);
        ASSERT_TRUE(now_usec() - start < 10 * 1000000ULL);
        ASSERT_FALSE(exists(dir, "vmcore"));
        ASSERT_TRUE(exists(dir, "vmcore-incomplete"));
}

TEST(dump_save_vmcore_missing_collector) {
        _cleanup_free_ char *vmcore = NULL, *dir = NULL;
        size_t size;

        vmcore = make_vmcore(test_tmpdir(), &size);
        ASSERT_OK(dump_dir_create(test_tmpdir(), "127.0.0.1", SOME_TIME, &dir));
        ASSERT_ERROR(save_vmcore(vmcore, dir, "/nonexistent/makedumpfile -d 31", 0), ENOENT);
        ASSERT_FALSE(exists(dir, "vmcore"));
}

TEST(dump_save_vmcore_bad_collector) {
        ASSERT_ERROR(save_vmcore("/proc/vmcore", test_tmpdir(), "", 0), EINVAL);
        ASSERT_ERROR(save_vmcore("/proc/vmcore", test_tmpdir(), "   ", 0), EINVAL);
        ASSERT_ERROR(save_vmcore("/proc/vmcore", test_tmpdir(), "cp 'x", 0), EINVAL);
        ASSERT_ERROR(save_vmcore(NULL, test_tmpdir(), "cp", 0), EINVAL);
        ASSERT_ERROR(save_vmcore("/proc/vmcore", NULL, "cp", 0), EINVAL);
        ASSERT_ERROR(save_vmcore("/proc/vmcore", test_tmpdir(), NULL, 0), EINVAL);
        ASSERT_EQ(count_entries(test_tmpdir()), 0);
}

TEST(dump_save_dmesg_not_a_vmcore) {
        /* makedumpfile refuses a file that is not a vmcore: a failure, and
         * no vmcore-dmesg.txt that would look like a kernel log. */
        _cleanup_free_ char *vmcore = NULL, *dir = NULL;
        size_t size;
        int r;

        if (access("/usr/sbin/makedumpfile", X_OK) < 0 && access("/usr/bin/makedumpfile", X_OK) < 0)
                SKIP_TEST("makedumpfile is not installed");
        vmcore = make_vmcore(test_tmpdir(), &size);
        ASSERT_OK(dump_dir_create(test_tmpdir(), "127.0.0.1", SOME_TIME, &dir));
        r = dump_save_dmesg(vmcore, dir, 0);
        ASSERT_NE(r, 0);
        ASSERT_FALSE(exists(dir, "vmcore-dmesg.txt"));
}

/* The capture never follows a link on the dump target (issue 16, finding
 * 2): "/var/crash -> /srv/crash" would lead into the capture's own
 * initramfs, whose memory is gone at the reboot. */
TEST(dump_dir_beneath_follows_no_link) {
        const char *root = test_tmpdir();
        _cleanup_free_ char *outside = test_path(root, "outside"), *target = test_path(root, "target");
        _cleanup_free_ char *var = test_path(target, "var"), *link = test_path(target, "var/crash");
        _cleanup_free_ char *made = NULL, *nope = NULL, *rel = NULL, *dots = NULL;
        int fd = -EBADF;

        ASSERT_OK(mkdir(outside, 0755));
        ASSERT_OK(mkdir(target, 0755));
        ASSERT_OK(mkdir(var, 0755));
        ASSERT_OK(symlink(outside, link));
        ASSERT_EQ(dump_dir_create_beneath(target, "/var/crash", "127.0.0.1", 0, &nope), -ELOOP);
        ASSERT_NULL(nope);
        /* A relative link, inside the target, is refused all the same. */
        _cleanup_free_ char *rlink = test_path(target, "rel");
        ASSERT_OK(symlink("var", rlink));
        ASSERT_EQ(dump_dir_create_beneath(target, "/rel/crash", "127.0.0.1", 0, &rel), -ELOOP);
        ASSERT_EQ(dump_dir_create_beneath(target, "/var/../outside", "127.0.0.1", 0, &dots), -EXDEV);
        /* Plain directories, made where missing. */
        ASSERT_OK(dump_dir_create_beneath(target, "/dumps/deep", "127.0.0.1", 0, &made));
        ASSERT_CONTAINS(made, "/target/dumps/deep/127.0.0.1-1970-01-01-00:00:00");
        struct stat st;
        ASSERT_OK(stat(made, &st));
        ASSERT_EQ(st.st_mode & 07777, 0700);
        /* The filesystem's root itself. */
        ASSERT_OK(dir_open_beneath(target, "/", 0700, &fd));
        ASSERT_TRUE(fd >= 0);
        close(fd);
}
