/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-xz.h"

#include <errno.h>
#include <lzma.h>
#include <stdint.h>
#include <stdlib.h>

#include "macro.h"
#include "module-file.h"

/* The module's size from the stream's index (xz(1) files have one stream:
 * a footer at the end, the index before it), so that the output needs one
 * allocation; 0 when it cannot be told, and then the output grows. */
static size_t xz_size_hint(const uint8_t *in, size_t in_size) {
        lzma_stream_flags footer;
        lzma_index *index = NULL;
        uint64_t memlimit = UINT64_MAX;
        size_t pos;

        if (in_size < 2 * LZMA_STREAM_HEADER_SIZE ||
            lzma_stream_footer_decode(&footer, in + in_size - LZMA_STREAM_HEADER_SIZE) != LZMA_OK ||
            footer.backward_size > in_size - 2 * LZMA_STREAM_HEADER_SIZE)
                return 0;
        pos = in_size - LZMA_STREAM_HEADER_SIZE - footer.backward_size;
        if (lzma_index_buffer_decode(&index, &memlimit, NULL, in, &pos, in_size - LZMA_STREAM_HEADER_SIZE) != LZMA_OK)
                return 0;
        uint64_t size = lzma_index_uncompressed_size(index);
        lzma_index_end(index, NULL);
        /* only a hint: the decoder checks the real size anyway */
        return size <= MODULE_SIZE_HINT_MAX ? (size_t) size : 0;
}

int xz_decompress(const void *in, size_t in_size, void **ret, size_t *ret_size) {
        lzma_stream s = LZMA_STREAM_INIT;
        uint8_t *out = NULL;
        size_t cap;
        lzma_ret lr;
        int r;

        assert_return(in && ret && ret_size, -EINVAL);
        if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
                return -ENOMEM;
        cap = xz_size_hint(in, in_size);
        /* one byte more than the hint: the decoder must see room left to
         * report the end of the stream */
        cap = cap ? cap + 1 : in_size * 4 + 4096;
        s.next_in = in;
        s.avail_in = in_size;
        do {
                if (!s.next_out || s.avail_out == 0) {
                        size_t used = s.next_out ? cap : 0;
                        if (s.next_out)
                                cap *= 2;
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
        *ret_size = (size_t) (s.next_out - out);
        *ret = out;
        lzma_end(&s);
        return 0;
fail:
        lzma_end(&s);
        free(out);
        return r;
}
