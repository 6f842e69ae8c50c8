/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-gzip.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "macro.h"
#include "module-file.h"

int gzip_decompress(const void *in, size_t in_size, void **ret, size_t *ret_size) {
        const uint8_t *bytes = in;
        _cleanup_free_ uint8_t *out = NULL;
        z_stream z = {};
        size_t cap, used = 0;
        int r;

        assert_return(in && ret && ret_size, -EINVAL);
        if (in_size > UINT_MAX)
                return -EFBIG;
        if (in_size < 18) /* header and trailer alone */
                return -EBADMSG;
        /* RFC 1952: the last 4 bytes are the size, modulo 2^32; a hint */
        cap = (size_t) bytes[in_size - 4] | (size_t) bytes[in_size - 3] << 8 | (size_t) bytes[in_size - 2] << 16 |
              (size_t) bytes[in_size - 1] << 24;
        cap = cap && cap <= MODULE_SIZE_HINT_MAX ? cap + 1 : in_size * 4 + 4096;
        /* 16 + MAX_WBITS: a gzip header, not a zlib one */
        r = inflateInit2(&z, 16 + MAX_WBITS);
        if (r != Z_OK)
                return r == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
        z.next_in = (Bytef *) bytes;
        z.avail_in = (uInt) in_size;
        for (;;) {
                if (!out || used == cap) {
                        if (out)
                                cap *= 2;
                        uint8_t *n = realloc(out, cap);
                        if (!n) {
                                r = -ENOMEM;
                                break;
                        }
                        out = n;
                }
                z.next_out = out + used;
                z.avail_out = (uInt) (cap - used > UINT_MAX ? UINT_MAX : cap - used);
                uInt before = z.avail_out;
                r = inflate(&z, Z_NO_FLUSH);
                used += before - z.avail_out;
                if (r == Z_STREAM_END) {
                        /* gzip(1) reads members one after the other */
                        if (z.avail_in >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
                                r = inflateReset(&z) == Z_OK ? 0 : -EBADMSG;
                                if (r < 0)
                                        break;
                                continue;
                        }
                        r = 0;
                        break;
                }
                if (r == Z_OK)
                        continue;
                if (r == Z_BUF_ERROR && z.avail_out == 0)
                        continue; /* out of room, not out of input */
                /* Z_BUF_ERROR with room left: no input left, cut short */
                r = r == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
                break;
        }
        inflateEnd(&z);
        if (r < 0)
                return r;
        *ret_size = used;
        *ret = TAKE_PTR(out);
        return 0;
}
