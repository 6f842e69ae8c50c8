/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/basic/fileio.h: whole-file reads, atomic replacement, mkdir -p. The
 * capture initramfs, its manifest and the baked kdump.conf are all written
 * with write_file_atomic(); a reader must see the old file or the new one. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "tests.h"

/* The names in dir, sorted, without "." and "..". */
static char **dir_entries(const char *dir) {
        _cleanup_strv_free_ char **l = NULL;
        struct dirent **list;
        int n = scandir(dir, &list, NULL, alphasort);

        ASSERT_GE(n, 0);
        for (int i = 0; i < n; i++) {
                if (strcmp(list[i]->d_name, ".") != 0 && strcmp(list[i]->d_name, "..") != 0)
                        ASSERT_OK(strv_extend(&l, list[i]->d_name));
                free(list[i]);
        }
        free(list);
        if (!l)
                l = ASSERT_NOT_NULL(calloc(1, sizeof(char *)));
        return TAKE_PTR(l);
}

static mode_t file_mode(const char *path) {
        struct stat st;
        ASSERT_OK(stat(path, &st));
        return st.st_mode & 07777;
}

TEST(write_file_atomic_creates) {
        _cleanup_free_ char *p = test_path(test_tmpdir(), "manifest");
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **names = NULL;

        ASSERT_OK(write_file_atomic(p, "hello\n", 6, 0600));
        text = test_read_file(p);
        ASSERT_STREQ(text, "hello\n");
        ASSERT_EQ(file_mode(p), 0600);

        names = dir_entries(test_tmpdir());
        ASSERT_STRV_EQ(names, STRV_MAKE("manifest"));
}

TEST(write_file_atomic_mode_ignores_umask) {
        /* The mode is what the caller asked for, whatever the umask: 0640
         * survives umask 077, and 0600 stays 0600 under umask 0. */
        _cleanup_free_ char *a = test_path(test_tmpdir(), "a"), *b = test_path(test_tmpdir(), "b");

        umask(0077);
        ASSERT_OK(write_file_atomic(a, "x", 1, 0640));
        ASSERT_EQ(file_mode(a), 0640);
        umask(0);
        ASSERT_OK(write_file_atomic(b, "x", 1, 0600));
        ASSERT_EQ(file_mode(b), 0600);
}

TEST(write_file_atomic_replaces) {
        _cleanup_free_ char *p = test_path(test_tmpdir(), "kdump.conf");
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **names = NULL;
        struct stat before, after;
        int fd;

        /* A longer, world-readable old file: the new one must be exactly
         * the new bytes and the new mode, not the old file overwritten. */
        fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(write(fd, "a much longer old content\n", 26), 26);
        ASSERT_OK(fchmod(fd, 0644));
        close(fd);
        ASSERT_OK(stat(p, &before));

        ASSERT_OK(write_file_atomic(p, "new\n", 4, 0600));
        text = test_read_file(p);
        ASSERT_STREQ(text, "new\n");
        ASSERT_EQ(file_mode(p), 0600);
        /* Replaced by rename: a new inode, so an open reader keeps the old one. */
        ASSERT_OK(stat(p, &after));
        ASSERT_NE(before.st_ino, after.st_ino);

        names = dir_entries(test_tmpdir());
        ASSERT_STRV_EQ(names, STRV_MAKE("kdump.conf"));
}

TEST(write_file_atomic_binary_and_empty) {
        _cleanup_free_ char *p = test_path(test_tmpdir(), "blob");
        static const char data[] = { 'a', 0, 'b', 0, 0, '\n' };
        _cleanup_free_ char *text = NULL;
        size_t size;

        ASSERT_OK(write_file_atomic(p, data, sizeof(data), 0600));
        ASSERT_OK(read_full_file(p, &text, &size));
        ASSERT_EQ(size, sizeof(data));
        ASSERT_EQ(memcmp(text, data, size), 0);
        free(text);
        text = NULL;

        ASSERT_OK(write_file_atomic(p, "", 0, 0600));
        ASSERT_OK(read_full_file(p, &text, &size));
        ASSERT_EQ(size, 0);
        ASSERT_STREQ(text, "");
}

TEST(write_file_atomic_failure_leaves_nothing) {
        /* The rename fails (the target is a directory): the temp file
         * must be gone and the directory untouched. */
        _cleanup_free_ char *p = test_path(test_tmpdir(), "target");
        _cleanup_free_ char *missing = test_path(test_tmpdir(), "no/such/dir/file");
        _cleanup_strv_free_ char **names = NULL;

        ASSERT_OK(mkdir(p, 0700));
        ASSERT_ERROR(write_file_atomic(p, "x", 1, 0600), EISDIR);
        names = dir_entries(test_tmpdir());
        ASSERT_STRV_EQ(names, STRV_MAKE("target"));
        strv_free(names);
        names = dir_entries(p);
        ASSERT_STRV_EQ(names, STRV_EMPTY);

        ASSERT_ERROR(write_file_atomic(missing, "x", 1, 0600), ENOENT);
}

TEST(tempfile_beside) {
        _cleanup_free_ char *a = NULL, *b = NULL;

        ASSERT_OK(tempfile_beside("/var/lib/kdump/initramfs.img", &a));
        ASSERT_STREQ(a, "/var/lib/kdump/.initramfs.img.XXXXXX");
        /* A bare name stays in the current directory. */
        ASSERT_OK(tempfile_beside("kdump.conf", &b));
        ASSERT_STREQ(b, "./.kdump.conf.XXXXXX");
}

TEST(read_full_file) {
        _cleanup_free_ char *big = NULL, *back = NULL, *p = NULL;
        size_t n = 100 * 1000 + 7, size;

        /* Larger than the first buffers, to go through the growth path. */
        big = ASSERT_NOT_NULL(malloc(n + 1));
        for (size_t i = 0; i < n; i++)
                big[i] = 'a' + i % 26;
        big[n] = 0;
        p = test_write_file(test_tmpdir(), "big", big);
        ASSERT_OK(read_full_file(p, &back, &size));
        ASSERT_EQ(size, n);
        ASSERT_STREQ(back, big);

        _cleanup_free_ char *nope = test_path(test_tmpdir(), "nope");
        char *untouched = (char *) 0x1;
        ASSERT_ERROR(read_full_file(nope, &untouched, NULL), ENOENT);
        ASSERT_TRUE(untouched == (char *) 0x1);
}

TEST(read_one_line_file) {
        _cleanup_free_ char *a = test_write_file(test_tmpdir(), "a", "1\n2\n");
        _cleanup_free_ char *b = test_write_file(test_tmpdir(), "b", "no newline");
        _cleanup_free_ char *c = test_write_file(test_tmpdir(), "c", "");
        _cleanup_free_ char *la = NULL, *lb = NULL, *lc = NULL;

        ASSERT_OK(read_one_line_file(a, &la));
        ASSERT_STREQ(la, "1");
        ASSERT_OK(read_one_line_file(b, &lb));
        ASSERT_STREQ(lb, "no newline");
        ASSERT_OK(read_one_line_file(c, &lc));
        ASSERT_STREQ(lc, "");
}

TEST(mkdir_p_creates_every_level) {
        _cleanup_free_ char *p = test_path(test_tmpdir(), "a/b/c");
        _cleanup_free_ char *a = test_path(test_tmpdir(), "a");
        struct stat st;

        umask(0);
        ASSERT_OK(mkdir_p(p, 0700));
        ASSERT_OK(stat(p, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        ASSERT_EQ(st.st_mode & 07777, 0700);
        /* The mode applies to each level it creates, not only the last. */
        ASSERT_EQ(file_mode(a), 0700);

        /* Again: everything exists, which is success. */
        ASSERT_OK(mkdir_p(p, 0700));
        /* An existing directory keeps its mode. */
        ASSERT_OK(chmod(a, 0755));
        ASSERT_OK(mkdir_p(p, 0700));
        ASSERT_EQ(file_mode(a), 0755);
}

TEST(mkdir_p_odd_paths) {
        _cleanup_free_ char *trailing = test_path(test_tmpdir(), "t/u/");
        _cleanup_free_ char *doubled = test_path(test_tmpdir(), "d//e");
        _cleanup_free_ char *e = test_path(test_tmpdir(), "d/e");
        struct stat st;

        ASSERT_OK(mkdir_p(trailing, 0755));
        ASSERT_OK(stat(trailing, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        ASSERT_OK(mkdir_p(doubled, 0755));
        ASSERT_OK(stat(e, &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
        ASSERT_OK(mkdir_p("/", 0755));

        /* Relative to the working directory. */
        ASSERT_OK(chdir(test_tmpdir()));
        ASSERT_OK(mkdir_p("rel/x", 0755));
        ASSERT_OK(stat("rel/x", &st));
        ASSERT_TRUE(S_ISDIR(st.st_mode));
}

TEST(mkdir_p_through_a_file) {
        _cleanup_free_ char *f = test_write_file(test_tmpdir(), "file", "x");
        _cleanup_free_ char *p = test_path(test_tmpdir(), "file/sub/dir");

        ASSERT_ERROR(mkdir_p(p, 0755), ENOTDIR);
}

TEST(fsync_parent_dir) {
        _cleanup_free_ char *p = test_path(test_tmpdir(), "x");
        _cleanup_free_ char *missing = test_path(test_tmpdir(), "no/x");

        ASSERT_OK(fsync_parent_dir(p));
        ASSERT_ERROR(fsync_parent_dir(missing), ENOENT);
}

TEST(path_resolve_links_resolves_what_exists) {
        const char *root = test_tmpdir();
        _cleanup_free_ char *srv = test_path(root, "srv"), *crash = test_path(root, "srv/crash");
        _cleanup_free_ char *var = test_path(root, "var"), *link = test_path(root, "var/crash");
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *real_root = realpath(root, NULL), *want = NULL;

        ASSERT_OK(mkdir(srv, 0755));
        ASSERT_OK(mkdir(crash, 0755));
        ASSERT_OK(mkdir(var, 0755));
        ASSERT_OK(symlink(crash, link));
        ASSERT_OK(path_resolve_links(link, &a));
        want = test_path(real_root, "srv/crash");
        ASSERT_STREQ(a, want);
        /* Below the link, not there yet: the rest as written. */
        _cleanup_free_ char *deeper = test_path(link, "not/yet"), *want2 = test_path(want, "not/yet");
        ASSERT_OK(path_resolve_links(deeper, &b));
        ASSERT_STREQ(b, want2);
        ASSERT_OK(path_resolve_links("/", &c));
        ASSERT_STREQ(c, "/");
}

TEST(write_file_new_never_replaces) {
        _cleanup_free_ char *p = test_path(test_tmpdir(), "new"), *text = NULL;
        _cleanup_strv_free_ char **names = NULL;

        ASSERT_OK(write_file_new(p, "first", 5, 0600));
        ASSERT_ERROR(write_file_new(p, "second", 6, 0644), EEXIST);
        text = test_read_file(p);
        ASSERT_STREQ(text, "first");
        ASSERT_EQ(file_mode(p), 0600);
        /* no temp file left beside it */
        names = dir_entries(test_tmpdir());
        ASSERT_STRV_EQ(names, STRV_MAKE("new"));
}
