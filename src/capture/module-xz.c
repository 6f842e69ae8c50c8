/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-xz.h"

#include <errno.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>

#include "fileio.h"
#include "macro.h"

int xz_read_file(const char *path, void **ret, size_t *ret_size) {
        _cleanup_free_ char *in = NULL;
        size_t in_size = 0, cap = 0;
        uint8_t *out = NULL;
        lzma_stream s = LZMA_STREAM_INIT;
        lzma_ret lr;
        int r;

        assert_return(path && ret && ret_size, -EINVAL);
        r = read_full_file(path, &in, &in_size);
        if (r < 0)
                return r;
        if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
                return -ENOMEM;
        s.next_in = (const uint8_t *) in;
        s.avail_in = in_size;
        do {
                if (s.avail_out == 0) {
                        size_t used = cap;
                        cap = cap ? cap * 2 : in_size * 4 + 4096;
                        uint8_t *n = realloc(out, cap);
                        if (!n) {
                                r = -ENOMEM;
                                goto fail;
                        }
                        out = n;
                        s.next_out = out + used;
                        s.avail_out = cap - used;
                }
                lr = lzma_code(&s, LZMA_FINISH);
        } while (lr == LZMA_OK);
        if (lr != LZMA_STREAM_END) {
                r = lr == LZMA_MEM_ERROR ? -ENOMEM : -EBADMSG;
                goto fail;
        }
        *ret_size = cap - s.avail_out;
        *ret = out;
        lzma_end(&s);
        return 0;
fail:
        lzma_end(&s);
        free(out);
        return r;
}
