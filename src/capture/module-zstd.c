/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-zstd.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "macro.h"
#include "module-file.h"

static void zstd_dctx_freep(ZSTD_DCtx **d) {
        ZSTD_freeDCtx(*d);
}

int zstd_decompress(const void *in, size_t in_size, void **ret, size_t *ret_size) {
        _cleanup_(zstd_dctx_freep) ZSTD_DCtx *d = NULL;
        _cleanup_free_ uint8_t *out = NULL;
        ZSTD_inBuffer src = { .src = in, .size = in_size };
        ZSTD_outBuffer dst = {};
        unsigned long long hint;

        assert_return(in && ret && ret_size, -EINVAL);
        d = ZSTD_createDCtx();
        if (!d)
                return -ENOMEM;
        /* zstd(1) records the size in the frame header when it compresses a
         * file; only a hint, the decoder checks the real size. */
        hint = ZSTD_getFrameContentSize(in, in_size);
        dst.size = hint <= MODULE_SIZE_HINT_MAX ? (size_t) hint + 1 : in_size * 4 + 4096;
        for (;;) {
                if (!out || dst.pos == dst.size) {
                        if (out)
                                dst.size *= 2;
                        uint8_t *n = realloc(out, dst.size);
                        if (!n)
                                return -ENOMEM;
                        out = n;
                        dst.dst = out;
                }
                size_t z = ZSTD_decompressStream(d, &dst, &src);
                if (ZSTD_isError(z))
                        return ZSTD_getErrorCode(z) == ZSTD_error_memory_allocation ? -ENOMEM : -EBADMSG;
                if (z == 0 && src.pos == src.size)
                        break; /* the last frame is complete */
                /* the decoder wants more input, there is none, and it had
                 * room to write: the file is cut short */
                if (src.pos == src.size && dst.pos < dst.size)
                        return -EBADMSG;
        }
        *ret_size = dst.pos;
        *ret = TAKE_PTR(out);
        return 0;
}
