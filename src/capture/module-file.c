/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-file.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "module-gzip.h"
#include "module-xz.h"
#include "module-zstd.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4 /* <linux/module.h>, Linux 5.17 */
#endif

static const char *const module_compression_table[_MODULE_COMPRESSION_MAX] = {
        [MODULE_COMPRESSION_NONE] = "none",
        [MODULE_COMPRESSION_GZIP] = "gzip",
        [MODULE_COMPRESSION_XZ] = "xz",
        [MODULE_COMPRESSION_ZSTD] = "zstd",
};

const char *module_compression_to_string(ModuleCompression c) {
        return c >= 0 && c < _MODULE_COMPRESSION_MAX ? module_compression_table[c] : NULL;
}

ModuleCompression module_compression_from_string(const char *s) {
        for (ModuleCompression c = 0; s && c < _MODULE_COMPRESSION_MAX; c++)
                if (strcmp(s, module_compression_table[c]) == 0)
                        return c;
        return _MODULE_COMPRESSION_INVALID;
}

ModuleCompression module_compression_from_magic(const void *head, size_t size) {
        static const struct {
                ModuleCompression c;
                size_t n;
                uint8_t magic[6];
        } magics[] = {
                { MODULE_COMPRESSION_GZIP, 2, { 0x1f, 0x8b } },
                { MODULE_COMPRESSION_XZ, 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
                { MODULE_COMPRESSION_ZSTD, 4, { 0x28, 0xb5, 0x2f, 0xfd } },
        };

        for (size_t i = 0; i < ELEMENTSOF(magics); i++)
                if (size >= magics[i].n && memcmp(head, magics[i].magic, magics[i].n) == 0)
                        return magics[i].c;
        return MODULE_COMPRESSION_NONE;
}

unsigned kernel_module_decompressors(const char *path) {
        _cleanup_free_ char *text = NULL;
        unsigned mask = 0;
        char *save = NULL;

        if (read_full_file(path, &text, NULL) < 0)
                return 0;
        /* Linux writes one name and a newline; take any list of names, in
         * case a kernel ever offers several. */
        for (char *w = strtok_r(text, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
                ModuleCompression c = module_compression_from_string(w);
                if (c > MODULE_COMPRESSION_NONE)
                        mask |= 1u << c;
        }
        return mask;
}

void module_file_done(ModuleFile *f) {
        if (!f)
                return;
        if (f->fd >= 0)
                close(f->fd);
        free(f->image);
        *f = MODULE_FILE_NULL;
}

static int decompress(ModuleCompression c, const void *in, size_t in_size, void **ret, size_t *ret_size) {
        switch (c) {
        case MODULE_COMPRESSION_GZIP:
                return gzip_decompress(in, in_size, ret, ret_size);
        case MODULE_COMPRESSION_XZ:
                return xz_decompress(in, in_size, ret, ret_size);
        case MODULE_COMPRESSION_ZSTD:
                return zstd_decompress(in, in_size, ret, ret_size);
        default:
                return -EINVAL;
        }
}

int module_file_open(const char *path, unsigned kernel_decompresses, ModuleFile *ret) {
        _cleanup_close_ int fd = -EBADF;
        uint8_t head[6];
        struct stat st;
        ssize_t n;
        int r;

        assert_return(path && ret, -EINVAL);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        n = pread(fd, head, sizeof(head), 0);
        if (n < 0)
                return negative_errno();
        ModuleCompression c = module_compression_from_magic(head, (size_t) n);
        if (c == MODULE_COMPRESSION_NONE || (kernel_decompresses & (1u << c))) {
                *ret = (ModuleFile) {
                        .compression = c,
                        .fd = TAKE_FD(fd),
                        .flags = c == MODULE_COMPRESSION_NONE ? 0 : MODULE_INIT_COMPRESSED_FILE,
                };
                return 0;
        }

        /* Mapped, not read: the file already sits in the capture kernel's
         * memory (the unpacked image), a copy would take as much again. */
        if (fstat(fd, &st) < 0)
                return negative_errno();
        void *map = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED)
                return negative_errno();
        void *image = NULL;
        size_t size = 0;
        r = decompress(c, map, (size_t) st.st_size, &image, &size);
        (void) munmap(map, (size_t) st.st_size);
        if (r < 0)
                return r;
        *ret = (ModuleFile) { .compression = c, .fd = -EBADF, .image = image, .size = size };
        return 0;
}
