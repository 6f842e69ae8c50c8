/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What an initramfs image holds, read the way the kernel unpacks it
 * (init/initramfs.c): one or more cpio "newc" archives one after another,
 * each stored as it is or compressed (gzip, xz, zstd), with zero bytes
 * allowed between them. dracut puts an uncompressed early-microcode
 * archive before the compressed main one. Nothing is written anywhere:
 * the result is the list of entries and the sizes that decide how much
 * memory the capture kernel needs for it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct InitramfsEntry {
        char *path;        /* as unpacked, without a leading "./" or "/"; the root itself is "." */
        mode_t mode;       /* file type and permission bits */
        uint64_t size;     /* bytes of data: a file's content, a symlink's target */
        char *link_target; /* a symlink's target, else NULL */
} InitramfsEntry;

typedef struct InitramfsInfo {
        uint64_t packed_size;   /* the image file, as kexec loads it */
        /* The archives' bytes once decompressed: cpio headers, names, file
         * data and padding ("xz -dc | wc -c"). This is what the kernel's
         * unpacker writes out into rootfs: the file data, plus an inode and
         * a dentry per entry where the image has a header and a name. rootfs
         * keeps data in whole 4 KiB pages, a little more than this (a
         * 123-file dracut image: 6.50 MB of pages for 6.33 MB unpacked).
         * Hard links carry their data once. */
        uint64_t unpacked_size;
        unsigned n_archives;    /* cpio archives, counting the ones inside one compressed stream */
        unsigned n_compressed;  /* compressed streams among the parts */
        InitramfsEntry *entries; /* in archive order; a later entry of the same path replaces an earlier one */
        size_t n_entries;
} InitramfsInfo;

/* A decompression bomb or a corrupt header stops here rather than
 * filling memory with entries. */
#define INITRAMFS_ENTRIES_MAX ((size_t) 1 << 20)

void initramfs_info_done(InitramfsInfo *info);

/* Reads the image at path. -EBADMSG: corrupt or cut short (a missing
 * TRAILER!!!, a bad header, a broken compressed stream); -EOPNOTSUPP: a
 * compression the kernel knows and this reader does not (bzip2, lzma,
 * lzo, lz4); -EFBIG: more than INITRAMFS_ENTRIES_MAX entries. */
int initramfs_inspect(const char *path, InitramfsInfo *ret);
/* The same for an image already in memory. */
int initramfs_inspect_buffer(const void *data, size_t size, InitramfsInfo *ret);

/* The entry that ends up at path (the last one with that name), with
 * symlinks inside the image followed, in the path and at its end
 * ("bin/x" finds "usr/bin/x" when "bin" links to "usr/bin"). path may
 * start with "/". Returns NULL when the image has no such file or the
 * links loop. */
const InitramfsEntry *initramfs_info_resolve(const InitramfsInfo *info, const char *path);

/* A program as a PATH search in the image finds it: name (no '/') under
 * usr/bin, usr/sbin, bin or sbin, links followed, an executable file. */
const InitramfsEntry *initramfs_info_find_program(const InitramfsInfo *info, const char *name);

/* A regular file with an execute bit. */
bool initramfs_entry_is_executable(const InitramfsEntry *e);
