/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-zstd.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "macro.h"
#include "module-file.h"

/* libzstd is opened when a module needs it, not linked: the dracut module
 * repacks .ko.zst as .ko.xz, so a capture image seldom holds one, and a
 * linked libzstd.so.1 would be 750 kB of every capture kernel's memory (the
 * decoder linked statically, 220 kB of this program). The dracut module puts
 * the library in the images that keep .ko.zst modules. */
typedef struct Zstd {
        void *dl;
        ZSTD_DCtx *(*createDCtx)(void);
        size_t (*freeDCtx)(ZSTD_DCtx *d);
        size_t (*decompressStream)(ZSTD_DCtx *d, ZSTD_outBuffer *out, ZSTD_inBuffer *in);
        unsigned long long (*getFrameContentSize)(const void *src, size_t size);
        unsigned (*isError)(size_t code);
        ZSTD_ErrorCode (*getErrorCode)(size_t code);
} Zstd;

#define ZSTD_SYM(z, name) ((z)->name = (__typeof__((z)->name)) dlsym((z)->dl, "ZSTD_" #name))

static void zstd_close(Zstd *z) {
        if (z->dl)
                dlclose(z->dl);
}

static int zstd_open(Zstd *z) {
        *z = (Zstd) {};
        z->dl = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!z->dl)
                return -ELIBACC;
        if (!ZSTD_SYM(z, createDCtx) || !ZSTD_SYM(z, freeDCtx) || !ZSTD_SYM(z, decompressStream) ||
            !ZSTD_SYM(z, getFrameContentSize) || !ZSTD_SYM(z, isError) || !ZSTD_SYM(z, getErrorCode))
                return -ELIBBAD;
        return 0;
}

int zstd_decompress(const void *in, size_t in_size, void **ret, size_t *ret_size) {
        _cleanup_(zstd_close) Zstd z = {};
        _cleanup_free_ uint8_t *out = NULL;
        ZSTD_inBuffer src = { .src = in, .size = in_size };
        ZSTD_outBuffer dst = {};
        ZSTD_DCtx *d;
        unsigned long long hint;
        int r;

        assert_return(in && ret && ret_size, -EINVAL);
        r = zstd_open(&z);
        if (r < 0)
                return r;
        /* zstd(1) records the size in the frame header when it compresses a
         * file; only a hint, the decoder checks the real size. */
        hint = z.getFrameContentSize(in, in_size);
        dst.size = hint <= MODULE_SIZE_HINT_MAX ? (size_t) hint + 1 : in_size * 4 + 4096;
        d = z.createDCtx();
        if (!d)
                return -ENOMEM;
        for (;;) {
                if (!out || dst.pos == dst.size) {
                        if (out)
                                dst.size *= 2;
                        uint8_t *n = realloc(out, dst.size);
                        if (!n) {
                                r = -ENOMEM;
                                break;
                        }
                        out = n;
                        dst.dst = out;
                }
                size_t k = z.decompressStream(d, &dst, &src);
                if (z.isError(k)) {
                        r = z.getErrorCode(k) == ZSTD_error_memory_allocation ? -ENOMEM : -EBADMSG;
                        break;
                }
                if (k == 0 && src.pos == src.size)
                        break; /* the last frame is complete */
                /* the decoder wants more input, there is none, and it had
                 * room to write: the file is cut short */
                if (src.pos == src.size && dst.pos < dst.size) {
                        r = -EBADMSG;
                        break;
                }
        }
        z.freeDCtx(d);
        if (r < 0)
                return r;
        *ret_size = dst.pos;
        *ret = TAKE_PTR(out);
        return 0;
}
