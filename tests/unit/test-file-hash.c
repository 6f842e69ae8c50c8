/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The build manifest's content hashes (src/mkdumprd/file-hash.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file-hash.h"
#include "fileio.h"
#include "tests.h"

TEST(known_vectors) {
        char h[FILE_HASH_HEX_LEN + 1];
        _cleanup_free_ char *abc = test_write_file(test_tmpdir(), "abc", "abc");
        _cleanup_free_ char *empty = test_write_file(test_tmpdir(), "empty", "");

        ASSERT_OK(file_sha256(abc, h));
        ASSERT_STREQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ASSERT_OK(file_sha256(empty, h));
        ASSERT_STREQ(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* Same size, another byte: another hash (size and mtime would not tell). */
TEST(one_byte_changes_the_hash) {
        char a[FILE_HASH_HEX_LEN + 1], b[FILE_HASH_HEX_LEN + 1];
        _cleanup_free_ char *x = test_write_file(test_tmpdir(), "x", "kernel image 1");
        _cleanup_free_ char *y = test_write_file(test_tmpdir(), "y", "kernel image 2");

        ASSERT_OK(file_sha256(x, a));
        ASSERT_OK(file_sha256(y, b));
        ASSERT_TRUE(strcmp(a, b) != 0);
}

TEST(missing_file) {
        char h[FILE_HASH_HEX_LEN + 1];
        ASSERT_ERROR(file_sha256("/nonexistent/kdumpd-test", h), ENOENT);
}

static size_t count_lines(const char *text) {
        size_t n = 0;
        for (const char *c = text; c && *c; c++)
                n += *c == '\n';
        return n;
}

/* The memo answers for a file as it was, and only for that: a hit is seen
 * by a hash planted in the memo, a change by the right hash again. */
TEST(memo_hits_misses_and_forgets) {
        const char *dir = test_tmpdir();
        _cleanup_free_ char *a = test_write_file(dir, "a", "kernel image 1");
        _cleanup_free_ char *b = test_write_file(dir, "b", "library");
        _cleanup_free_ char *memo_path = test_path(dir, "memo"), *text = NULL, *planted = NULL;
        char ha[FILE_HASH_HEX_LEN + 1], hb[FILE_HASH_HEX_LEN + 1], h[FILE_HASH_HEX_LEN + 1];
        HashMemo *m = NULL;
        struct stat st;

        ASSERT_OK(file_sha256(a, ha));
        ASSERT_OK(file_sha256(b, hb));
        /* Files changed in the last two seconds are not remembered. */
        ASSERT_OK(hash_memo_load(memo_path, &m));
        ASSERT_OK(hash_memo_sha256(m, a, h));
        ASSERT_STREQ(h, ha);
        ASSERT_OK(hash_memo_save(m));
        ASSERT_TRUE(access(memo_path, F_OK) < 0);
        m = hash_memo_free(m);

        usleep(2100 * 1000);
        ASSERT_OK(hash_memo_load(memo_path, &m));
        ASSERT_OK(hash_memo_sha256(m, a, h));
        ASSERT_STREQ(h, ha);
        ASSERT_OK(hash_memo_sha256(m, b, h));
        ASSERT_STREQ(h, hb);
        ASSERT_OK(hash_memo_save(m));
        m = hash_memo_free(m);
        ASSERT_OK(stat(memo_path, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);
        text = test_read_file(memo_path);
        ASSERT_EQ(count_lines(text), 2u);

        /* A hit: the memo's word is taken without reading the file. */
        planted = strdup(text);
        ASSERT_TRUE(planted);
        char *at = strstr(planted, ha);
        ASSERT_TRUE(at);
        memset(at, '0', FILE_HASH_HEX_LEN);
        ASSERT_OK(write_file_atomic(memo_path, planted, strlen(planted), 0600));
        ASSERT_OK(hash_memo_load(memo_path, &m));
        ASSERT_OK(hash_memo_sha256(m, a, h));
        ASSERT_TRUE(strspn(h, "0") == FILE_HASH_HEX_LEN);

        /* Same size, other bytes, written in place (same inode): its ctime
         * moved, so it is read again; too fresh to be remembered. */
        FILE *f = fopen(a, "r+");
        ASSERT_TRUE(f && fputs("kernel image 2", f) >= 0 && fclose(f) == 0);
        ASSERT_OK(hash_memo_sha256(m, a, h));
        ASSERT_TRUE(strcmp(h, ha) != 0);
        ASSERT_OK(file_sha256(a, ha));
        ASSERT_STREQ(h, ha);
        /* b not asked about this time: the memo forgets it, and a. */
        ASSERT_OK(hash_memo_save(m));
        m = hash_memo_free(m);
        free(text);
        text = test_read_file(memo_path);
        ASSERT_EQ(count_lines(text), 0u);
}

TEST(memo_damaged_or_missing) {
        const char *dir = test_tmpdir();
        _cleanup_free_ char *a = test_write_file(dir, "a", "abc");
        _cleanup_free_ char *memo_path = test_write_file(dir, "memo", "garbage\n1 2 3\n1 2 3 4 5 zz /x\n\n");
        char h[FILE_HASH_HEX_LEN + 1];
        HashMemo *m = NULL;

        ASSERT_OK(hash_memo_load(memo_path, &m));
        ASSERT_OK(hash_memo_sha256(m, a, h));
        ASSERT_STREQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ASSERT_ERROR(hash_memo_sha256(m, "/nonexistent/kdumpd-test", h), ENOENT);
        m = hash_memo_free(m);
        /* No memo at all: plain hashing. */
        ASSERT_OK(hash_memo_sha256(NULL, a, h));
        ASSERT_STREQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
