/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A kernel module file made ready for the kernel, whatever its compression:
 * handed over as a file (finit_module(2)), compressed when the kernel says
 * it decompresses that algorithm itself, or decompressed here first and
 * handed over as memory (init_module(2)). */
#pragma once

#include <errno.h>
#include <stddef.h>

typedef enum ModuleCompression {
        MODULE_COMPRESSION_NONE,
        MODULE_COMPRESSION_GZIP,
        MODULE_COMPRESSION_XZ,
        MODULE_COMPRESSION_ZSTD,
        _MODULE_COMPRESSION_MAX,
        _MODULE_COMPRESSION_INVALID = -EINVAL,
} ModuleCompression;

/* "none", and the names /sys/module/compression uses: "gzip", "xz", "zstd". */
const char *module_compression_to_string(ModuleCompression c);
ModuleCompression module_compression_from_string(const char *s);

/* The algorithm of a file from its first bytes (as kmod tells them, not
 * from the name). Anything that is not gzip, xz or zstd is NONE: the
 * kernel judges it. */
ModuleCompression module_compression_from_magic(const void *head, size_t size);

/* The algorithms the running kernel decompresses itself, as a mask of
 * 1u << ModuleCompression: what path (/sys/module/compression) names. The
 * file is there from Linux 5.17 with CONFIG_MODULE_DECOMPRESS, with one
 * name; a missing or unreadable file means none. */
unsigned kernel_module_decompressors(const char *path);

/* A decompressed module that claims more than this is taken for damaged:
 * its size is not believed in advance (the decoder still finds the truth). */
#define MODULE_SIZE_HINT_MAX ((size_t) 1 << 30)

typedef struct ModuleFile {
        ModuleCompression compression; /* of the file */
        int fd;                        /* for finit_module(), or -EBADF */
        int flags;                     /* its flags: MODULE_INIT_COMPRESSED_FILE or 0 */
        void *image;                   /* for init_module(): the module, decompressed */
        size_t size;
} ModuleFile;

#define MODULE_FILE_NULL ((ModuleFile) { .fd = -EBADF })

/* Opens path for loading. kernel_decompresses: a kernel_module_decompressors()
 * mask; a file in one of its algorithms goes to the kernel as it is, one in
 * another is decompressed here. -EBADMSG: damaged or cut short. */
int module_file_open(const char *path, unsigned kernel_decompresses, ModuleFile *ret);
void module_file_done(ModuleFile *f);
