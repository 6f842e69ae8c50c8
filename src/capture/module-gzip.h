/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* gzip-compressed kernel modules (.ko.gz) for kernels that cannot
 * decompress them; zlib is in the image for makedumpfile anyway. The
 * dracut module repacks them as .ko.xz: this is the fallback. */
#pragma once

#include <stddef.h>

/* Decompresses a whole .gz file (one member or several) into a new buffer.
 * -EBADMSG when it is not gzip, damaged or cut short. */
int gzip_decompress(const void *in, size_t in_size, void **ret, size_t *ret_size);
