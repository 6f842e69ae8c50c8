/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Modules kept xz-compressed in the capture image, decompressed by the
 * capture program (src/capture/module-xz.c), with xz(1) as the reference
 * compressor, the same options the dracut module uses. */
#include <stdlib.h>
#include <unistd.h>

#include "module-xz.h"
#include "tests.h"

TEST(xz_round_trip) {
        _cleanup_free_ char *text = malloc(300000), *cmd = NULL, *xz = NULL;
        ASSERT_NOT_NULL(text);
        for (size_t i = 0; i < 299999; i++)
                text[i] = (char) ('a' + (i * 7919 % 26));
        text[299999] = '\0';
        _cleanup_free_ char *path = test_write_file(test_tmpdir(), "m.ko", text);
        if (system("command -v xz >/dev/null") != 0)
                SKIP_TEST("xz(1) is not installed");
        ASSERT_TRUE(asprintf(&cmd, "xz -q -T1 --check=crc32 --lzma2=preset=6,dict=1MiB -- '%s'", path) > 0);
        ASSERT_EQ(system(cmd), 0);
        ASSERT_TRUE(asprintf(&xz, "%s.xz", path) > 0);

        _cleanup_free_ void *out = NULL;
        size_t size = 0;
        ASSERT_OK(xz_read_file(xz, &out, &size));
        ASSERT_EQ(size, (size_t) 299999);
        ASSERT_TRUE(memcmp(out, text, size) == 0);
}

TEST(xz_refuses_garbage) {
        _cleanup_free_ char *path = test_write_file(test_tmpdir(), "bad.ko.xz", "not xz at all");
        void *out = NULL;
        size_t size = 0;
        ASSERT_ERROR(xz_read_file(path, &out, &size), EBADMSG);
}
