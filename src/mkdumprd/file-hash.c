/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "file-hash.h"

#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <stdio.h>
#include <unistd.h>

#include "macro.h"

int file_sha256(const char *path, char ret[FILE_HASH_HEX_LEN + 1]) {
        _cleanup_close_ int fd = -EBADF;
        gcry_md_hd_t md;
        char buf[64 * 1024];
        int r = 0;

        assert_return(path && ret, -EINVAL);
        /* Idempotent; libgcrypt wants it before any other call. */
        if (!gcry_check_version(NULL))
                return -EIO;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        if (gcry_md_open(&md, GCRY_MD_SHA256, 0) != 0)
                return -ENOMEM;
        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = negative_errno();
                        break;
                }
                if (n == 0)
                        break;
                gcry_md_write(md, buf, (size_t) n);
        }
        if (r == 0) {
                const unsigned char *d = gcry_md_read(md, GCRY_MD_SHA256);
                for (size_t i = 0; i < 32; i++)
                        snprintf(ret + 2 * i, 3, "%02x", d[i]);
        }
        gcry_md_close(md);
        return r;
}
