/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* zstd-compressed kernel modules (.ko.zst, as Arch and recent Ubuntu ship
 * them) for kernels that cannot decompress them: what module-xz.c does for
 * .ko.xz. The dracut module repacks them as .ko.xz, so this is the fallback
 * for an image built on a host without zstd(1). */
#pragma once

#include <stddef.h>

/* Decompresses a whole .zst file (one frame or several) into a new buffer.
 * -EBADMSG when it is not zstd, damaged or cut short; -ELIBACC when
 * libzstd.so.1 is not there to do it (it is opened, not linked). */
int zstd_decompress(const void *in, size_t in_size, void **ret, size_t *ret_size);
