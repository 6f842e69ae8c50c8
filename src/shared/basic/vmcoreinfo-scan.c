/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vmcoreinfo-scan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "macro.h"

/* The note is a few KiB of "KEY=VALUE\n" lines; it ends at the first byte
 * that is not text. */
#define NOTE_MAX 16384

static int note_find(const char *note, size_t size, const char *key, char **ret) {
        size_t klen = strlen(key);

        for (size_t i = 0; i < size;) {
                const char *line = note + i;
                size_t n = 0;
                while (i + n < size && line[n] != '\n')
                        n++;
                if (n > klen && memcmp(line, key, klen) == 0 && line[klen] == '=') {
                        char *v = strndup(line + klen + 1, n - klen - 1);
                        if (!v)
                                return -ENOMEM;
                        *ret = v;
                        return 0;
                }
                i += n + 1;
        }
        return -ENODATA;
}

/* How much of p is the note's text: printable lines. */
static size_t note_length(const char *p, size_t avail) {
        size_t n = 0;
        while (n < avail && n < NOTE_MAX && (p[n] == '\n' || (p[n] >= 0x20 && p[n] < 0x7f)))
                n++;
        return n;
}

int vmcoreinfo_find(const char *path, const char *key, char **ret) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        size_t have = 0;

        assert_return(path && key && *key && ret, -EINVAL);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        buf = malloc(VMCOREINFO_SCAN_BYTES + 1);
        if (!buf)
                return -ENOMEM;
        while (have < VMCOREINFO_SCAN_BYTES) {
                ssize_t k = read(fd, buf + have, VMCOREINFO_SCAN_BYTES - have);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                have += (size_t) k;
        }
        buf[have] = 0;
        for (size_t i = 0; i + 10 < have;) {
                const char *p = memmem(buf + i, have - i, "OSRELEASE=", 10);
                if (!p)
                        break;
                /* OSRELEASE= is the note's first key (crash_core's
                 * vmcoreinfo starts with it); the note is what follows. */
                size_t off = (size_t) (p - buf);
                int r = note_find(p, note_length(p, have - off), key, ret);
                if (r != -ENODATA)
                        return r;
                i = off + 10;
        }
        return -ENODATA;
}
