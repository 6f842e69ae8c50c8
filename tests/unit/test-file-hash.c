/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The build manifest's content hashes (src/mkdumprd/file-hash.c). */
#include <string.h>

#include "file-hash.h"
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
