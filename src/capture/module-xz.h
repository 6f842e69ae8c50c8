/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xz-compressed kernel modules for kernels that cannot decompress them
 * (no CONFIG_MODULE_DECOMPRESS, as Debian's, or older than 5.17): the
 * capture image keeps its modules compressed, which halves what the
 * capture kernel must unpack into its small memory, and this undoes it
 * one module at a time. liblzma is in the image for makedumpfile anyway. */
#pragma once

#include <stddef.h>

/* Reads and decompresses an .xz file into a new buffer. */
int xz_read_file(const char *path, void **ret, size_t *ret_size);
