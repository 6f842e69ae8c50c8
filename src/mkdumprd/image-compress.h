/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture image's outer compression. The capture kernel unpacks the
 * image before anything else runs, on one CPU, after every crash: zstd
 * unpacks about seven times faster than xz for a few percent more bytes.
 * dracut would need the zstd program for it, which Debian does not install
 * by default; libzstd is here anyway, so mkdumprd compresses dracut's plain
 * cpio itself. */
#pragma once

#include <stdbool.h>

/* zstd level 19 with a 1 MiB window: the kernel's unzstd keeps the window
 * in memory while it unpacks, and 1 MiB is what dracut's xz uses. */
#define IMAGE_ZSTD_LEVEL 19
#define IMAGE_ZSTD_WINDOW_LOG 20

/* Whether the kernel whose build configuration is at config_path
 * (/boot/config-KVER) unpacks a zstd initramfs: CONFIG_RD_ZSTD=y. Without
 * the file: false, and the image stays xz. */
bool kernel_reads_zstd_initramfs(const char *config_path);

/* How the image for kver is compressed: zstd by mkdumprd when that kernel
 * (its image at kernel, /boot/vmlinuz-KVER, its build configuration
 * beside it) reads it and dracut_args (the admin's, or NULL) choose no
 * compression of their own; else (false) xz by dracut. */
bool image_zstd_wanted(const char *dracut_args, const char *kernel, const char *kver);

/* Compresses the file at in_path into a new file out_path (mode 0600, not
 * there before), as one zstd frame with a checksum, and syncs it. */
int image_compress_zstd(const char *in_path, const char *out_path);
