/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Module files as the capture program hands them to the kernel
 * (src/capture/module-file.c and the decompressors beside it): a file in an
 * algorithm the kernel decompresses goes to finit_module() as it is, with
 * MODULE_INIT_COMPRESSED_FILE; any other compressed file is decompressed
 * here, and a damaged or truncated one is a clean -EBADMSG. The fixtures
 * are made at test time with liblzma, libzstd and zlib (xz(1) as well, with
 * the options of the dracut module, when it is installed). */
#include <fcntl.h>
#include <lzma.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "module-file.h"
#include "tests.h"

#define MODULE_INIT_COMPRESSED_FILE 4 /* <linux/module.h> */
#define KO_SIZE 300000

/* A stand-in for a module: an ELF magic, then text that compresses about
 * as well as code does, neither all alike nor random. */
static uint8_t *ko_make(void) {
        uint8_t *ko = ASSERT_NOT_NULL(malloc(KO_SIZE));
        uint32_t x = 1;

        memcpy(ko, "\177ELF", 4);
        for (size_t i = 4; i < KO_SIZE; i++) {
                x = x * 1103515245u + 12345u;
                ko[i] = (uint8_t) ((x >> 16) % 16 ? 'a' + (i * 7919 % 26) : (x >> 8));
        }
        return ko;
}

static void write_bytes(const char *path, const void *data, size_t size) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        ASSERT_TRUE(fd >= 0);
        ASSERT_EQ(write(fd, data, size), (ssize_t) size);
        ASSERT_EQ(close(fd), 0);
}

/* Like the kernel's build and xz(1) in the dracut module: CRC32 check. */
static void *xz_make(const void *in, size_t in_size, size_t *ret_size) {
        size_t cap = lzma_stream_buffer_bound(in_size), pos = 0;
        uint8_t *out = ASSERT_NOT_NULL(malloc(cap));
        ASSERT_EQ(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, in_size, out, &pos, cap), LZMA_OK);
        *ret_size = pos;
        return out;
}

/* Like zstd(1): the size in the frame header and a content checksum. */
static void *zstd_make(const void *in, size_t in_size, size_t *ret_size) {
        size_t cap = ZSTD_compressBound(in_size);
        uint8_t *out = ASSERT_NOT_NULL(malloc(cap));
        ZSTD_CCtx *c = ASSERT_NOT_NULL(ZSTD_createCCtx());
        ASSERT_FALSE(ZSTD_isError(ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)));
        size_t n = ZSTD_compress2(c, out, cap, in, in_size);
        ASSERT_FALSE(ZSTD_isError(n));
        ZSTD_freeCCtx(c);
        *ret_size = n;
        return out;
}

static void *gzip_make(const void *in, size_t in_size, size_t *ret_size) {
        z_stream z = {};
        ASSERT_EQ(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
        size_t cap = deflateBound(&z, in_size);
        uint8_t *out = ASSERT_NOT_NULL(malloc(cap));
        z.next_in = (Bytef *) in;
        z.avail_in = (uInt) in_size;
        z.next_out = out;
        z.avail_out = (uInt) cap;
        ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
        *ret_size = z.total_out;
        deflateEnd(&z);
        return out;
}

typedef void *(*Compressor)(const void *in, size_t in_size, size_t *ret_size);

static const struct {
        ModuleCompression c;
        const char *suffix;
        Compressor make;
} formats[] = {
        { MODULE_COMPRESSION_XZ, ".xz", xz_make },
        { MODULE_COMPRESSION_ZSTD, ".zst", zstd_make },
        { MODULE_COMPRESSION_GZIP, ".gz", gzip_make },
};

/* Writes ko compressed as format i to <tmp>/<name>; returns the path. */
static char *compressed_ko(size_t i, const char *name, const uint8_t *ko, size_t ko_size, size_t *ret_size) {
        size_t n;
        _cleanup_free_ void *data = formats[i].make(ko, ko_size, &n);
        char *path = test_path(test_tmpdir(), name);
        write_bytes(path, data, n);
        if (ret_size)
                *ret_size = n;
        return path;
}

static void assert_decompressed(const ModuleFile *f, ModuleCompression c, const uint8_t *ko, size_t ko_size) {
        ASSERT_EQ(f->compression, c);
        ASSERT_EQ(f->fd, -EBADF);
        ASSERT_EQ(f->size, ko_size);
        ASSERT_TRUE(memcmp(f->image, ko, ko_size) == 0);
}

TEST(kernel_without_decompression_gets_the_module_decompressed) {
        _cleanup_free_ uint8_t *ko = ko_make();

        for (size_t i = 0; i < ELEMENTSOF(formats); i++) {
                _cleanup_free_ char *name = NULL, *path = NULL;
                ASSERT_TRUE(asprintf(&name, "m.ko%s", formats[i].suffix) > 0);
                test_set_context("%s", name);
                path = compressed_ko(i, name, ko, KO_SIZE, NULL);

                _cleanup_(module_file_done) ModuleFile f = MODULE_FILE_NULL;
                ASSERT_OK(module_file_open(path, 0, &f));
                assert_decompressed(&f, formats[i].c, ko, KO_SIZE);
        }
}

TEST(kernel_that_decompresses_the_algorithm_gets_the_file) {
        _cleanup_free_ uint8_t *ko = ko_make();

        for (size_t i = 0; i < ELEMENTSOF(formats); i++) {
                _cleanup_free_ char *name = NULL, *path = NULL;
                ASSERT_TRUE(asprintf(&name, "m.ko%s", formats[i].suffix) > 0);
                test_set_context("%s", name);
                path = compressed_ko(i, name, ko, KO_SIZE, NULL);

                _cleanup_(module_file_done) ModuleFile f = MODULE_FILE_NULL;
                ASSERT_OK(module_file_open(path, 1u << formats[i].c, &f));
                ASSERT_EQ(f.compression, formats[i].c);
                ASSERT_TRUE(f.fd >= 0);
                ASSERT_EQ(f.flags, MODULE_INIT_COMPRESSED_FILE);
                ASSERT_NULL(f.image);
        }
}

TEST(kernel_that_decompresses_another_algorithm_gets_memory) {
        _cleanup_free_ uint8_t *ko = ko_make();
        _cleanup_free_ char *xz = compressed_ko(0, "m.ko.xz", ko, KO_SIZE, NULL),
                           *zst = compressed_ko(1, "m.ko.zst", ko, KO_SIZE, NULL);
        _cleanup_(module_file_done) ModuleFile a = MODULE_FILE_NULL, b = MODULE_FILE_NULL;

        /* a zstd kernel (Arch, Ubuntu) with an .xz module, and the other way */
        ASSERT_OK(module_file_open(xz, 1u << MODULE_COMPRESSION_ZSTD, &a));
        assert_decompressed(&a, MODULE_COMPRESSION_XZ, ko, KO_SIZE);
        ASSERT_OK(module_file_open(zst, 1u << MODULE_COMPRESSION_XZ | 1u << MODULE_COMPRESSION_GZIP, &b));
        assert_decompressed(&b, MODULE_COMPRESSION_ZSTD, ko, KO_SIZE);
}

TEST(uncompressed_module_goes_as_a_file_without_flags) {
        _cleanup_free_ uint8_t *ko = ko_make();
        _cleanup_free_ char *path = test_path(test_tmpdir(), "m.ko"), *empty = test_path(test_tmpdir(), "e.ko");
        _cleanup_(module_file_done) ModuleFile f = MODULE_FILE_NULL, e = MODULE_FILE_NULL;

        write_bytes(path, ko, KO_SIZE);
        ASSERT_OK(module_file_open(path, ~0u, &f));
        ASSERT_EQ(f.compression, MODULE_COMPRESSION_NONE);
        ASSERT_TRUE(f.fd >= 0);
        ASSERT_EQ(f.flags, 0);
        /* not ours to judge: the kernel refuses what is no module */
        write_bytes(empty, "", 0);
        ASSERT_OK(module_file_open(empty, 0, &e));
        ASSERT_TRUE(e.fd >= 0);
        ASSERT_EQ(e.flags, 0);
}

TEST(format_is_told_by_content_not_name) {
        _cleanup_free_ uint8_t *ko = ko_make();
        /* a zstd file under an .xz name (a rename gone wrong) */
        _cleanup_free_ char *path = compressed_ko(1, "m.ko.xz", ko, KO_SIZE, NULL);
        _cleanup_(module_file_done) ModuleFile f = MODULE_FILE_NULL;

        ASSERT_OK(module_file_open(path, 1u << MODULE_COMPRESSION_XZ, &f));
        assert_decompressed(&f, MODULE_COMPRESSION_ZSTD, ko, KO_SIZE);
}

TEST(truncated_files_fail_cleanly) {
        _cleanup_free_ uint8_t *ko = ko_make();

        for (size_t i = 0; i < ELEMENTSOF(formats); i++) {
                size_t n;
                _cleanup_free_ void *data = formats[i].make(ko, KO_SIZE, &n);
                /* cut in the middle, and by the last byte only (the end of
                 * a stream, where its check sits) */
                const size_t cuts[] = { n / 2, n - 1, 8 };
                for (size_t k = 0; k < ELEMENTSOF(cuts); k++) {
                        _cleanup_free_ char *path = test_path(test_tmpdir(), "cut.ko");
                        test_set_context("%s cut to %zu of %zu bytes", module_compression_to_string(formats[i].c),
                                         cuts[k], n);
                        write_bytes(path, data, cuts[k]);
                        ModuleFile f = MODULE_FILE_NULL;
                        ASSERT_ERROR(module_file_open(path, 0, &f), EBADMSG);
                        ASSERT_EQ(f.fd, -EBADF);
                        ASSERT_NULL(f.image);
                }
        }
}

TEST(corrupt_files_fail_cleanly) {
        _cleanup_free_ uint8_t *ko = ko_make();

        for (size_t i = 0; i < ELEMENTSOF(formats); i++) {
                size_t n;
                _cleanup_free_ uint8_t *data = formats[i].make(ko, KO_SIZE, &n);
                _cleanup_free_ char *path = test_path(test_tmpdir(), "bad.ko");
                test_set_context("%s", module_compression_to_string(formats[i].c));
                /* one flipped byte inside the compressed data: the format's
                 * check (CRC32, zstd's checksum, gzip's CRC32) catches it */
                data[n / 2] ^= 0x55;
                write_bytes(path, data, n);
                ModuleFile f = MODULE_FILE_NULL;
                ASSERT_ERROR(module_file_open(path, 0, &f), EBADMSG);
        }
        /* nothing behind the magic but junk */
        static const char junk[][16] = { "\3757zXZ\0 not xz", "\050\265\057\375 not zst", "\037\213 not gzip" };
        for (size_t i = 0; i < ELEMENTSOF(junk); i++) {
                _cleanup_free_ char *path = test_path(test_tmpdir(), "junk.ko");
                test_set_context("junk %zu", i);
                write_bytes(path, junk[i], sizeof(junk[i]));
                ModuleFile f = MODULE_FILE_NULL;
                ASSERT_ERROR(module_file_open(path, 0, &f), EBADMSG);
        }
}

TEST(concatenated_streams_decompress_whole) {
        /* xz(1), zstd(1) and gzip(1) read a file of several streams; the
         * size in the last one's trailer is then too small a hint */
        _cleanup_free_ uint8_t *ko = ko_make();

        for (size_t i = 0; i < ELEMENTSOF(formats); i++) {
                size_t n1, n2;
                _cleanup_free_ uint8_t *a = formats[i].make(ko, KO_SIZE / 2, &n1),
                                       *b = formats[i].make(ko + KO_SIZE / 2, KO_SIZE - KO_SIZE / 2, &n2),
                                       *both = ASSERT_NOT_NULL(malloc(n1 + n2));
                memcpy(both, a, n1);
                memcpy(both + n1, b, n2);
                _cleanup_free_ char *path = test_path(test_tmpdir(), "two.ko");
                test_set_context("%s", module_compression_to_string(formats[i].c));
                write_bytes(path, both, n1 + n2);
                _cleanup_(module_file_done) ModuleFile f = MODULE_FILE_NULL;
                ASSERT_OK(module_file_open(path, 0, &f));
                assert_decompressed(&f, formats[i].c, ko, KO_SIZE);
        }
}

TEST(xz_tool_output_as_the_dracut_module_writes_it) {
        _cleanup_free_ uint8_t *ko = ko_make();
        _cleanup_free_ char *path = test_path(test_tmpdir(), "m.ko"), *cmd = NULL, *xz = NULL;

        if (system("command -v xz >/dev/null") != 0)
                SKIP_TEST("xz(1) is not installed");
        write_bytes(path, ko, KO_SIZE);
        ASSERT_TRUE(asprintf(&cmd, "xz -q -T1 --check=crc32 --lzma2=preset=6,dict=1MiB -- '%s'", path) > 0);
        ASSERT_EQ(system(cmd), 0);
        ASSERT_TRUE(asprintf(&xz, "%s.xz", path) > 0);

        _cleanup_(module_file_done) ModuleFile f = MODULE_FILE_NULL;
        ASSERT_OK(module_file_open(xz, 0, &f));
        assert_decompressed(&f, MODULE_COMPRESSION_XZ, ko, KO_SIZE);
}

TEST(kernel_decompressors_from_sysfs) {
        const char *t = test_tmpdir();
        _cleanup_free_ char *xz = test_write_file(t, "xz", "xz\n"), *zstd = test_write_file(t, "zstd", "zstd\n"),
                           *gzip = test_write_file(t, "gzip", "gzip\n"), *bad = test_write_file(t, "bad", "lz4\n"),
                           *several = test_write_file(t, "several", "gzip xz\nzstd\n"),
                           *missing = test_path(t, "missing");

        ASSERT_EQ(kernel_module_decompressors(xz), 1u << MODULE_COMPRESSION_XZ);
        ASSERT_EQ(kernel_module_decompressors(zstd), 1u << MODULE_COMPRESSION_ZSTD);
        ASSERT_EQ(kernel_module_decompressors(gzip), 1u << MODULE_COMPRESSION_GZIP);
        ASSERT_EQ(kernel_module_decompressors(bad), 0u);
        ASSERT_EQ(kernel_module_decompressors(several), 1u << MODULE_COMPRESSION_GZIP | 1u << MODULE_COMPRESSION_XZ |
                                                                1u << MODULE_COMPRESSION_ZSTD);
        /* older than 5.17, or no CONFIG_MODULE_DECOMPRESS */
        ASSERT_EQ(kernel_module_decompressors(missing), 0u);
}

TEST(compression_names) {
        ASSERT_STREQ(module_compression_to_string(MODULE_COMPRESSION_XZ), "xz");
        ASSERT_STREQ(module_compression_to_string(MODULE_COMPRESSION_ZSTD), "zstd");
        ASSERT_STREQ(module_compression_to_string(MODULE_COMPRESSION_GZIP), "gzip");
        ASSERT_NULL(module_compression_to_string(_MODULE_COMPRESSION_INVALID));
        ASSERT_EQ(module_compression_from_string("zstd"), MODULE_COMPRESSION_ZSTD);
        ASSERT_EQ(module_compression_from_string("bzip2"), _MODULE_COMPRESSION_INVALID);
}
