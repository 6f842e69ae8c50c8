/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "image-compress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

bool kernel_reads_zstd_initramfs(const char *config_path) {
        _cleanup_free_ char *text = NULL;

        if (!config_path || read_full_file(config_path, &text, NULL) < 0)
                return false;
        for (char *line = text; line && *line;) {
                char *end = strchr(line, '\n');
                size_t len = end ? (size_t) (end - line) : strlen(line);
                if (len == strlen("CONFIG_RD_ZSTD=y") && strncmp(line, "CONFIG_RD_ZSTD=y", len) == 0)
                        return true;
                line = end ? end + 1 : NULL;
        }
        return false;
}

/* dracut_args that choose dracut's compression: the admin's word stands. */
static bool dracut_args_compress(char * const *args) {
        static const char *const options[] = { "--compress", "--no-compress", "--xz", "--zstd", "--gzip", "--lz4",
                                               "--lzo", "--lzma", "--bzip2" };
        for (char * const *a = args; a && *a; a++)
                for (size_t i = 0; i < ELEMENTSOF(options); i++)
                        if (strncmp(*a, options[i], strlen(options[i])) == 0 &&
                            ((*a)[strlen(options[i])] == '\0' || (*a)[strlen(options[i])] == '='))
                                return true;
        return false;
}

bool image_zstd_wanted(const char *dracut_args, const char *kernel, const char *kver) {
        _cleanup_strv_free_ char **extra = NULL;
        _cleanup_free_ char *config_path = NULL;
        const char *slash = kernel ? strrchr(kernel, '/') : NULL;

        if (dracut_args && (shell_split(dracut_args, &extra) < 0 || dracut_args_compress(extra)))
                return false;
        if (!slash || asprintf(&config_path, "%.*s/config-%s", (int) (slash - kernel), kernel, kver) < 0)
                return false;
        return kernel_reads_zstd_initramfs(config_path);
}

static void zstd_cctx_freep(ZSTD_CCtx **c) {
        ZSTD_freeCCtx(*c);
}

int image_compress_zstd(const char *in_path, const char *out_path) {
        __attribute__((cleanup(zstd_cctx_freep))) ZSTD_CCtx *cctx = NULL;
        _cleanup_free_ void *in_buf = NULL, *out_buf = NULL;
        size_t in_size = ZSTD_CStreamInSize(), out_size = ZSTD_CStreamOutSize();
        int r = 0;

        assert_return(in_path && out_path, -EINVAL);

        _cleanup_close_ int in = open(in_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (in < 0)
                return negative_errno();
        _cleanup_close_ int out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600);
        if (out < 0)
                return negative_errno();

        cctx = ZSTD_createCCtx();
        in_buf = malloc(in_size);
        out_buf = malloc(out_size);
        if (!cctx || !in_buf || !out_buf)
                return -ENOMEM;
        if (ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, IMAGE_ZSTD_LEVEL)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, IMAGE_ZSTD_WINDOW_LOG)) ||
            ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)))
                return -EINVAL;

        for (bool last = false; !last;) {
                ssize_t n = read(in, in_buf, in_size);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                last = n == 0;
                ZSTD_inBuffer input = { in_buf, (size_t) n, 0 };
                bool done = false;
                while (!done) {
                        ZSTD_outBuffer output = { out_buf, out_size, 0 };
                        size_t left = ZSTD_compressStream2(cctx, &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
                        if (ZSTD_isError(left))
                                return -EIO;
                        r = loop_write(out, out_buf, output.pos);
                        if (r < 0)
                                return r;
                        done = last ? left == 0 : input.pos == input.size;
                }
        }
        if (fsync(out) < 0)
                return negative_errno();
        return 0;
}
