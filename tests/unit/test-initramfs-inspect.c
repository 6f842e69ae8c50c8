/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/initramfs-inspect.h against images made here: a small newc
 * writer, compressed with zlib, liblzma and libzstd, laid out as dracut
 * and the kernel's own tooling lay them out; then the same images cut
 * short and damaged at every byte. */
#include <lzma.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include "cpio-writer.h"
#include "initramfs-inspect.h"
#include "tests.h"

/* A capture image's main archive as our dracut module makes it. */
static void main_archive(Buf *out) {
        Cpio c = { .out = out, .start = out->size };

        cpio_dir(&c, ".");
        cpio_dir(&c, "usr");
        cpio_dir(&c, "usr/bin");
        cpio_link(&c, "bin", "usr/bin");
        cpio_link(&c, "sbin", "usr/sbin");
        cpio_dir(&c, "usr/sbin");
        cpio_file(&c, "init", 0755, "#!capture program\n");
        cpio_file(&c, "usr/bin/makedumpfile", 0755, "makedumpfile's bytes");
        cpio_link(&c, "usr/sbin/lvm", "../bin/lvm.real");
        cpio_file(&c, "usr/bin/lvm.real", 0755, "lvm");
        cpio_file(&c, "etc/kdump.conf", 0600, "path /var/crash\n");
        cpio_end(&c, true);
}

/* dracut's early microcode archive: uncompressed, before the main one. */
static void early_archive(Buf *out) {
        Cpio c = { .out = out, .start = out->size };

        cpio_dir(&c, "kernel");
        cpio_dir(&c, "kernel/x86");
        cpio_dir(&c, "kernel/x86/microcode");
        cpio_file(&c, "kernel/x86/microcode/GenuineIntel.bin", 0644, "microcode");
        cpio_end(&c, true);
}

static void compress_gzip(const Buf *in, Buf *out) {
        z_stream z = {};
        uLong bound;

        ASSERT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
        bound = deflateBound(&z, in->size);
        size_t old = out->size;
        out->data = ASSERT_NOT_NULL(realloc(out->data, old + bound));
        z.next_in = (Bytef *) in->data;
        z.avail_in = in->size;
        z.next_out = (Bytef *) out->data + old;
        z.avail_out = bound;
        ASSERT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
        out->size = old + z.total_out;
        deflateEnd(&z);
}

static void compress_xz(const Buf *in, Buf *out) {
        size_t bound = lzma_stream_buffer_bound(in->size), pos = out->size;

        out->data = ASSERT_NOT_NULL(realloc(out->data, out->size + bound));
        /* CRC32, as the kernel's decoder wants it (dracut: --check=crc32) */
        ASSERT_EQ(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, (const uint8_t *) in->data, in->size,
                                          (uint8_t *) out->data, &pos, out->size + bound),
                  LZMA_OK);
        out->size = pos;
}

static void compress_zstd(const Buf *in, Buf *out) {
        size_t bound = ZSTD_compressBound(in->size);

        out->data = ASSERT_NOT_NULL(realloc(out->data, out->size + bound));
        size_t n = ZSTD_compress(out->data + out->size, bound, in->data, in->size, 3);
        ASSERT_FALSE(ZSTD_isError(n));
        out->size += n;
}

TEST(uncompressed) {
        _cleanup_(buf_done) Buf img = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};

        main_archive(&img);
        ASSERT_OK(initramfs_inspect_buffer(img.data, img.size, &info));
        ASSERT_EQ_U64(info.packed_size, img.size);
        /* the 512-byte block padding after the trailer is between parts */
        ASSERT_LE(info.unpacked_size, img.size);
        ASSERT_GT(info.unpacked_size, img.size - 512);
        ASSERT_EQ(info.unpacked_size % 4, 0);
        ASSERT_EQ(info.n_archives, 1);
        ASSERT_EQ(info.n_compressed, 0);
        ASSERT_EQ(info.n_entries, 11);
        ASSERT_STREQ(info.entries[0].path, ".");
        ASSERT_STREQ(info.entries[6].path, "init");
        ASSERT_EQ(info.entries[6].mode, S_IFREG | 0755);
        ASSERT_EQ(info.entries[6].size, strlen("#!capture program\n"));
        ASSERT_STREQ(info.entries[3].link_target, "usr/bin");
        ASSERT_NULL(info.entries[6].link_target);
}

TEST(resolve_follows_links) {
        _cleanup_(buf_done) Buf img = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        const InitramfsEntry *e;

        main_archive(&img);
        ASSERT_OK(initramfs_inspect_buffer(img.data, img.size, &info));
        e = ASSERT_NOT_NULL(initramfs_info_resolve(&info, "/init"));
        ASSERT_TRUE(initramfs_entry_is_executable(e));
        /* "bin" links to "usr/bin" */
        e = ASSERT_NOT_NULL(initramfs_info_resolve(&info, "bin/makedumpfile"));
        ASSERT_STREQ(e->path, "usr/bin/makedumpfile");
        /* a link through a linked directory to a relative "../" target */
        e = ASSERT_NOT_NULL(initramfs_info_resolve(&info, "/sbin/lvm"));
        ASSERT_STREQ(e->path, "usr/bin/lvm.real");
        ASSERT_STREQ(ASSERT_NOT_NULL(initramfs_info_resolve(&info, "usr/./bin/../bin/makedumpfile"))->path,
                     "usr/bin/makedumpfile");
        ASSERT_STREQ(ASSERT_NOT_NULL(initramfs_info_resolve(&info, "/"))->path, ".");
        ASSERT_NULL(initramfs_info_resolve(&info, "usr/bin/missing"));
        ASSERT_NULL(initramfs_info_resolve(&info, "nodir/init"));
        /* not executable */
        ASSERT_FALSE(initramfs_entry_is_executable(initramfs_info_resolve(&info, "etc/kdump.conf")));
        ASSERT_FALSE(initramfs_entry_is_executable(initramfs_info_resolve(&info, "usr/bin")));

        ASSERT_STREQ(ASSERT_NOT_NULL(initramfs_info_find_program(&info, "makedumpfile"))->path, "usr/bin/makedumpfile");
        ASSERT_STREQ(ASSERT_NOT_NULL(initramfs_info_find_program(&info, "lvm"))->path, "usr/bin/lvm.real");
        ASSERT_NULL(initramfs_info_find_program(&info, "kdump.conf"));
        ASSERT_NULL(initramfs_info_find_program(&info, "cp"));
        ASSERT_NULL(initramfs_info_find_program(&info, "bin/makedumpfile"));
        ASSERT_NULL(initramfs_info_find_program(&info, ""));
}

TEST(resolve_loops_and_absolute_links) {
        _cleanup_(buf_done) Buf img = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        Cpio c = { .out = &img };

        cpio_link(&c, "a", "b");
        cpio_link(&c, "b", "/a");
        cpio_link(&c, "self", "./self");
        cpio_dir(&c, "usr");
        cpio_dir(&c, "usr/sbin");
        cpio_file(&c, "usr/sbin/tool", 0700, "x");
        cpio_link(&c, "usr/bin", "/usr/sbin");
        cpio_link(&c, "up", "../../../usr/sbin/tool");
        cpio_file(&c, "opt/unlisted/tool", 0755, "y"); /* no entries for its directories */
        cpio_end(&c, false);
        ASSERT_OK(initramfs_inspect_buffer(img.data, img.size, &info));
        ASSERT_NULL(initramfs_info_resolve(&info, "a"));
        ASSERT_NULL(initramfs_info_resolve(&info, "self"));
        ASSERT_STREQ(ASSERT_NOT_NULL(initramfs_info_resolve(&info, "usr/bin/tool"))->path, "usr/sbin/tool");
        /* ".." stops at the root, as in a path walk */
        ASSERT_STREQ(ASSERT_NOT_NULL(initramfs_info_resolve(&info, "up"))->path, "usr/sbin/tool");
        ASSERT_STREQ(ASSERT_NOT_NULL(initramfs_info_find_program(&info, "tool"))->path, "usr/sbin/tool");
        ASSERT_STREQ(ASSERT_NOT_NULL(initramfs_info_resolve(&info, "/opt/unlisted/tool"))->path, "opt/unlisted/tool");
        ASSERT_NULL(initramfs_info_resolve(&info, "/opt/unlisted"));
}

TEST(later_entry_wins) {
        _cleanup_(buf_done) Buf img = {}, second = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        Cpio c = { .out = &img }, d = { .out = &second };

        cpio_file(&c, "./init", 0644, "first");
        cpio_end(&c, false);
        cpio_file(&d, "init", 0755, "second, longer");
        cpio_end(&d, false);
        compress_xz(&second, &img);
        ASSERT_OK(initramfs_inspect_buffer(img.data, img.size, &info));
        ASSERT_EQ(info.n_entries, 2);
        const InitramfsEntry *e = ASSERT_NOT_NULL(initramfs_info_resolve(&info, "init"));
        ASSERT_EQ(e->size, strlen("second, longer"));
        ASSERT_TRUE(initramfs_entry_is_executable(e));
}

/* Where an uncompressed archive ends: its trailer's name and NUL, padded
 * to 4 bytes; the zeros after it are padding between parts. */
static size_t archive_whole(const Buf *b) {
        size_t whole = b->size;
        while (whole > 0 && b->data[whole - 1] == 0)
                whole--;
        return (whole + 1 + 3) / 4 * 4;
}

/* dracut's layout: early cpio, then the compressed main archive, each
 * compression the kernel and dracut use. */
static void dracut_layout(void (*compress)(const Buf *, Buf *), size_t padding) {
        _cleanup_(buf_done) Buf img = {}, main = {}, early = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};

        early_archive(&early);
        main_archive(&main);
        buf_append(&img, early.data, early.size);
        buf_zeros(&img, padding);
        compress(&main, &img);
        buf_zeros(&img, padding);
        ASSERT_OK(initramfs_inspect_buffer(img.data, img.size, &info));
        ASSERT_EQ_U64(info.packed_size, img.size);
        ASSERT_EQ(info.n_archives, 2);
        ASSERT_EQ(info.n_compressed, 1);
        ASSERT_EQ(info.n_entries, 4 + 11);
        /* every decompressed byte of the main archive, the early one up to
         * its trailer's end: padding between parts does not count */
        ASSERT_EQ_U64(info.unpacked_size, archive_whole(&early) + main.size);
        ASSERT_STREQ(info.entries[3].path, "kernel/x86/microcode/GenuineIntel.bin");
        ASSERT_NOT_NULL(initramfs_info_find_program(&info, "makedumpfile"));
        ASSERT_TRUE(initramfs_entry_is_executable(initramfs_info_resolve(&info, "init")));
}

TEST(dracut_layout_xz) {
        dracut_layout(compress_xz, 0);
        dracut_layout(compress_xz, 512);
}

TEST(dracut_layout_gzip) {
        dracut_layout(compress_gzip, 0);
        dracut_layout(compress_gzip, 4);
}

TEST(dracut_layout_zstd) {
        dracut_layout(compress_zstd, 0);
        dracut_layout(compress_zstd, 12);
}

TEST(unpacked_size_is_the_decompressed_bytes) {
        _cleanup_(buf_done) Buf img = {}, main = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};

        main_archive(&main);
        compress_gzip(&main, &img);
        ASSERT_OK(initramfs_inspect_buffer(img.data, img.size, &info));
        ASSERT_EQ_U64(info.unpacked_size, main.size);
        ASSERT_EQ_U64(info.packed_size, img.size);
}

TEST(archives_inside_one_stream_and_parts_in_a_row) {
        _cleanup_(buf_done) Buf img = {}, two = {}, third = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};

        /* two archives (with padding between) in one compressed stream */
        early_archive(&two);
        buf_zeros(&two, 8);
        main_archive(&two);
        compress_zstd(&two, &img);
        /* then a gzip part and an xz part, no padding between */
        main_archive(&third);
        compress_gzip(&third, &img);
        compress_xz(&third, &img);
        ASSERT_OK(initramfs_inspect_buffer(img.data, img.size, &info));
        ASSERT_EQ(info.n_archives, 4);
        ASSERT_EQ(info.n_compressed, 3);
        ASSERT_EQ(info.n_entries, 4 + 3 * 11);
        ASSERT_EQ_U64(info.unpacked_size, two.size + 2 * third.size);
}

#define CPIO_ODC_SIZE 512

TEST(refused) {
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        static const char zeros[64];

        ASSERT_ERROR(initramfs_inspect_buffer("", 0, &info), EBADMSG);
        ASSERT_ERROR(initramfs_inspect_buffer(zeros, sizeof(zeros), &info), EBADMSG);
        ASSERT_ERROR(initramfs_inspect_buffer("hello world", 11, &info), EBADMSG);
        ASSERT_ERROR(initramfs_inspect_buffer("BZh91AY&SY", 10, &info), EOPNOTSUPP);
        ASSERT_ERROR(initramfs_inspect_buffer("\x89LZO\0\r\n", 8, &info), EOPNOTSUPP);
        /* the old "odc" cpio format, which the kernel refuses too */
        char odc[CPIO_ODC_SIZE];
        memset(odc, '0', sizeof(odc));
        memcpy(odc, "070707", 6);
        ASSERT_ERROR(initramfs_inspect_buffer(odc, sizeof(odc), &info), EBADMSG);
        ASSERT_ERROR(initramfs_inspect_buffer(NULL, 1, &info), EINVAL);
        ASSERT_ERROR(initramfs_inspect_buffer("0", 1, NULL), EINVAL);
        ASSERT_EQ(info.n_entries, 0);
}

static void refuse_header(const char *field_text, size_t field) {
        _cleanup_(buf_done) Buf img = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        Cpio c = { .out = &img };

        cpio_file(&c, "init", 0755, "x");
        cpio_end(&c, false);
        memcpy(img.data + 6 + field * 8, field_text, 8);
        test_set_context("field %zu = %.8s", field, field_text);
        ASSERT_ERROR(initramfs_inspect_buffer(img.data, img.size, &info), EBADMSG);
}

TEST(bad_headers) {
        refuse_header("0000000g", 1);  /* not hex */
        refuse_header("-0000001", 6);  /* not hex */
        refuse_header("00000000", 11); /* no name */
        refuse_header("00010000", 11); /* a name longer than PATH_MAX */
        refuse_header("00000004", 11); /* "init" without its NUL */
}

TEST(symlink_target_too_long) {
        _cleanup_(buf_done) Buf img = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        Cpio c = { .out = &img };
        char *target = ASSERT_NOT_NULL(malloc(5000));

        memset(target, 'a', 4999);
        target[4999] = 0;
        cpio_link(&c, "l", target);
        cpio_end(&c, false);
        free(target);
        ASSERT_ERROR(initramfs_inspect_buffer(img.data, img.size, &info), EBADMSG);
}

/* Cut at every length: the image reads only when cut where one of its
 * parts ends (or in the zeros after it); anything else is refused. */
static void cut_everywhere(const Buf *img, size_t part_end, size_t zeros_end) {
        for (size_t n = 0; n <= img->size; n++) {
                _cleanup_(initramfs_info_done) InitramfsInfo info = {};
                int r = initramfs_inspect_buffer(img->data, n, &info);
                test_set_context("cut at %zu of %zu", n, img->size);
                if ((n >= part_end && n <= zeros_end) || n == img->size)
                        ASSERT_OK(r);
                else
                        ASSERT_ERROR(r, EBADMSG);
        }
        test_set_context(NULL);
}

TEST(truncated_uncompressed) {
        _cleanup_(buf_done) Buf img = {};
        main_archive(&img);
        cut_everywhere(&img, archive_whole(&img), img.size);
}

TEST(truncated_compressed) {
        void (*compressors[])(const Buf *, Buf *) = { compress_gzip, compress_xz, compress_zstd };
        for (size_t i = 0; i < ELEMENTSOF(compressors); i++) {
                _cleanup_(buf_done) Buf img = {}, main = {};
                main_archive(&main);
                compressors[i](&main, &img);
                cut_everywhere(&img, img.size, img.size);
        }
}

TEST(truncated_dracut_layout) {
        _cleanup_(buf_done) Buf img = {}, main = {};
        early_archive(&img);
        size_t early_end = archive_whole(&img), early_padded = img.size;
        main_archive(&main);
        compress_xz(&main, &img);
        /* cut in the early archive's block padding: an image of that one */
        cut_everywhere(&img, early_end, early_padded);
}

/* A damaged byte anywhere: an error or a result, never a crash (the
 * sanitizer build runs this too). */
TEST(damaged_everywhere) {
        _cleanup_(buf_done) Buf plain = {}, packed = {};
        main_archive(&plain);
        early_archive(&packed);
        compress_gzip(&plain, &packed);
        Buf *imgs[] = { &plain, &packed };

        for (size_t k = 0; k < ELEMENTSOF(imgs); k++)
                for (size_t n = 0; n < imgs[k]->size; n++)
                        for (unsigned bit = 0; bit < 8; bit += 3) {
                                _cleanup_(initramfs_info_done) InitramfsInfo info = {};
                                imgs[k]->data[n] ^= (char) (1u << bit);
                                int r = initramfs_inspect_buffer(imgs[k]->data, imgs[k]->size, &info);
                                imgs[k]->data[n] ^= (char) (1u << bit);
                                ASSERT_TRUE(r == 0 || r == -EBADMSG || r == -EOPNOTSUPP);
                                if (r == 0)
                                        ASSERT_LE(info.n_entries, 4 + 11);
                        }
}

TEST(inspect_file) {
        _cleanup_(buf_done) Buf img = {};
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        _cleanup_free_ char *path = test_path(test_tmpdir(), "initramfs.img"), *missing = NULL;

        early_archive(&img);
        Buf main = {};
        main_archive(&main);
        compress_xz(&main, &img);
        buf_done(&main);
        FILE *f = ASSERT_NOT_NULL(fopen(path, "we"));
        ASSERT_EQ(fwrite(img.data, 1, img.size, f), img.size);
        ASSERT_EQ(fclose(f), 0);

        ASSERT_OK(initramfs_inspect(path, &info));
        ASSERT_EQ_U64(info.packed_size, img.size);
        ASSERT_EQ(info.n_entries, 15);

        missing = test_path(test_tmpdir(), "missing.img");
        ASSERT_ERROR(initramfs_inspect(missing, &info), ENOENT);
        ASSERT_ERROR(initramfs_inspect(test_tmpdir(), &info), EBADFD);
        free(test_write_file(test_tmpdir(), "empty.img", ""));
        _cleanup_free_ char *empty = test_path(test_tmpdir(), "empty.img");
        ASSERT_ERROR(initramfs_inspect(empty, &info), EBADMSG);
}
