/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* xz-compressed kernel modules for kernels that cannot decompress them
 * (no CONFIG_MODULE_DECOMPRESS, as Debian's, or older than 5.17, or built
 * for another algorithm): the capture image keeps its modules compressed,
 * which halves what the capture kernel must unpack into its small memory,
 * and this undoes it one module at a time. liblzma is in the image for
 * makedumpfile anyway. */
#pragma once

#include <stddef.h>

/* Decompresses a whole .xz file (in, in_size) into a new buffer. -EBADMSG
 * when it is not xz, damaged or cut short. */
int xz_decompress(const void *in, size_t in_size, void **ret, size_t *ret_size);
