/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture image's zstd compression (src/mkdumprd/image-compress.c):
 * what the kernel's unzstd needs to read it back, and when it is chosen. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_getFrameHeader: in libzstd1, under this name */
#include <zstd.h>

#include "image-compress.h"
#include "tests.h"

/* Compressible, but not trivially: several MiB like an image's cpio. */
static char *sample(size_t size) {
        char *b = malloc(size);
        uint32_t x = 12345;

        ASSERT_TRUE(b);
        for (size_t i = 0; i < size; i++) {
                x = x * 1103515245 + 12345;
                b[i] = (char) ("kdump capture image "[(x >> 16) % 20] ^ ((x >> 28) & 1));
        }
        return b;
}

TEST(round_trip_one_frame_small_window) {
        const size_t size = 3 * 1024 * 1024 + 17;
        _cleanup_free_ char *data = sample(size), *packed = NULL, *back = NULL;
        _cleanup_free_ char *in = test_path(test_tmpdir(), "image.cpio");
        _cleanup_free_ char *out = test_path(test_tmpdir(), "image.img");
        size_t packed_size = 0;
        ZSTD_frameHeader h;
        struct stat st;

        FILE *f = fopen(in, "w");
        ASSERT_TRUE(f && fwrite(data, 1, size, f) == size && fclose(f) == 0);
        ASSERT_OK(image_compress_zstd(in, out));
        ASSERT_OK(stat(out, &st));
        ASSERT_EQ(st.st_mode & 07777, 0600);

        packed = test_read_file_size(out, &packed_size);
        ASSERT_LT(packed_size, size);
        /* One frame that says how big a window it needs and has a checksum. */
        ASSERT_EQ(ZSTD_getFrameHeader(&h, packed, packed_size), 0);
        ASSERT_LE(h.windowSize, 1u << IMAGE_ZSTD_WINDOW_LOG);
        ASSERT_TRUE(h.checksumFlag);
        ASSERT_EQ(ZSTD_findFrameCompressedSize(packed, packed_size), packed_size);

        back = malloc(size);
        ASSERT_TRUE(back);
        ASSERT_EQ(ZSTD_decompress(back, size, packed, packed_size), size);
        ASSERT_TRUE(memcmp(back, data, size) == 0);
}

TEST(empty_input_is_an_empty_frame) {
        _cleanup_free_ char *in = test_write_file(test_tmpdir(), "empty.cpio", "");
        _cleanup_free_ char *out = test_path(test_tmpdir(), "empty.img");
        _cleanup_free_ char *packed = NULL;
        size_t packed_size = 0;
        char c;

        ASSERT_OK(image_compress_zstd(in, out));
        packed = test_read_file_size(out, &packed_size);
        ASSERT_EQ(ZSTD_decompress(&c, 1, packed, packed_size), 0);
}

/* The image is written into a new file, never over an old one. */
TEST(existing_output_and_missing_input) {
        _cleanup_free_ char *in = test_write_file(test_tmpdir(), "x.cpio", "abc");
        _cleanup_free_ char *out = test_write_file(test_tmpdir(), "x.img", "old image");
        _cleanup_free_ char *after = NULL;

        ASSERT_ERROR(image_compress_zstd(in, out), EEXIST);
        after = test_read_file(out);
        ASSERT_STREQ(after, "old image");
        ASSERT_ERROR(image_compress_zstd("/nonexistent/kdumpd.cpio", out), ENOENT);
}

TEST(kernel_config) {
        const char *dir = test_tmpdir();
        _cleanup_free_ char *yes = test_write_file(dir, "config-yes", "CONFIG_RD_XZ=y\nCONFIG_RD_ZSTD=y\nCONFIG_X=y\n");
        _cleanup_free_ char *last = test_write_file(dir, "config-last", "CONFIG_RD_XZ=y\nCONFIG_RD_ZSTD=y");
        _cleanup_free_ char *no = test_write_file(dir, "config-no", "CONFIG_RD_XZ=y\n# CONFIG_RD_ZSTD is not set\n");
        _cleanup_free_ char *other = test_write_file(dir, "config-other", "CONFIG_RD_ZSTD=yes\nXCONFIG_RD_ZSTD=y\n");

        ASSERT_TRUE(kernel_reads_zstd_initramfs(yes));
        ASSERT_TRUE(kernel_reads_zstd_initramfs(last));
        ASSERT_FALSE(kernel_reads_zstd_initramfs(no));
        ASSERT_FALSE(kernel_reads_zstd_initramfs(other));
        ASSERT_FALSE(kernel_reads_zstd_initramfs("/nonexistent/config-6.1.0"));
        ASSERT_FALSE(kernel_reads_zstd_initramfs(NULL));
}
