/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "file-hash.h"

#include <errno.h>
#include <fcntl.h>
#include <gcrypt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"

static int fd_sha256(int fd, char ret[FILE_HASH_HEX_LEN + 1]) {
        gcry_md_hd_t md;
        char buf[64 * 1024];
        int r = 0;

        /* Idempotent; libgcrypt wants it before any other call. */
        if (!gcry_check_version(NULL))
                return -EIO;
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

int file_sha256(const char *path, char ret[FILE_HASH_HEX_LEN + 1]) {
        assert_return(path && ret, -EINVAL);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        return fd_sha256(fd, ret);
}

typedef struct HashMemoEntry {
        char *path;
        uint64_t dev, ino, size, mtime_ns, ctime_ns;
        char hash[FILE_HASH_HEX_LEN + 1];
        bool used; /* asked about since the memo was loaded */
} HashMemoEntry;

struct HashMemo {
        char *path;
        HashMemoEntry *entries;
        size_t n;
        bool changed;
};

#define HASH_MEMO_RACY_NS (2 * 1000000000ULL)

static uint64_t timespec_ns(const struct timespec *t) {
        return (uint64_t) t->tv_sec * 1000000000ULL + (uint64_t) t->tv_nsec;
}

HashMemo *hash_memo_free(HashMemo *m) {
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n; i++)
                free(m->entries[i].path);
        free(m->entries);
        free(m->path);
        free(m);
        return NULL;
}

static HashMemoEntry *memo_find(HashMemo *m, const char *path) {
        for (size_t i = 0; i < m->n; i++)
                if (strcmp(m->entries[i].path, path) == 0)
                        return &m->entries[i];
        return NULL;
}

static HashMemoEntry *memo_add(HashMemo *m, const char *path) {
        HashMemoEntry *e = reallocarray(m->entries, m->n + 1, sizeof(*e));
        if (!e)
                return NULL;
        m->entries = e;
        e = &m->entries[m->n];
        *e = (HashMemoEntry) { .path = strdup(path) };
        if (!e->path)
                return NULL;
        m->n++;
        return e;
}

/* One line: DEV INO SIZE MTIME_NS CTIME_NS SHA256 PATH */
int hash_memo_load(const char *path, HashMemo **ret) {
        _cleanup_free_ char *text = NULL;
        HashMemo *m = calloc(1, sizeof(*m));

        if (!m || !(m->path = strdup(path))) {
                hash_memo_free(m);
                return -ENOMEM;
        }
        if (read_full_file(path, &text, NULL) >= 0)
                for (char *line = text, *end; line && *line; line = end ? end + 1 : NULL) {
                        HashMemoEntry e = {};
                        int off = 0;
                        end = strchr(line, '\n');
                        if (end)
                                *end = '\0';
                        if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %64[0-9a-f] %n",
                                   &e.dev, &e.ino, &e.size, &e.mtime_ns, &e.ctime_ns, e.hash, &off) != 6 ||
                            off <= 0 || strlen(e.hash) != FILE_HASH_HEX_LEN || line[off] != '/' || memo_find(m, line + off))
                                continue; /* damaged: hashed again */
                        HashMemoEntry *n = memo_add(m, line + off);
                        if (!n) {
                                hash_memo_free(m);
                                return -ENOMEM;
                        }
                        e.path = n->path;
                        *n = e;
                }
        *ret = m;
        return 0;
}

int hash_memo_sha256(HashMemo *m, const char *path, char ret[FILE_HASH_HEX_LEN + 1]) {
        struct timespec now;
        struct stat st;
        int r;

        assert_return(path && ret, -EINVAL);
        if (!m || path[0] != '/' || strchr(path, '\n'))
                return file_sha256(path, ret);

        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        /* The clock, then the stamps, then the read: a write after the
         * clock was read gets stamps at least that late, so stamps 2 s older
         * than the clock (more than any filesystem's granularity) change
         * with any write during the read, and the entry is not used again. */
        if (clock_gettime(CLOCK_REALTIME, &now) < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        HashMemoEntry *e = memo_find(m, path);
        if (e && e->dev == (uint64_t) st.st_dev && e->ino == (uint64_t) st.st_ino &&
            e->size == (uint64_t) st.st_size && e->mtime_ns == timespec_ns(&st.st_mtim) &&
            e->ctime_ns == timespec_ns(&st.st_ctim)) {
                memcpy(ret, e->hash, sizeof(e->hash));
                e->used = true;
                return 0;
        }
        r = fd_sha256(fd, ret);
        if (r < 0)
                return r;
        /* ctime is usually the later stamp, but not on every filesystem
         * (vfat keeps no ctime of its own). */
        uint64_t changed_ns = timespec_ns(&st.st_ctim);
        if (timespec_ns(&st.st_mtim) > changed_ns)
                changed_ns = timespec_ns(&st.st_mtim);
        if (timespec_ns(&now) < changed_ns + HASH_MEMO_RACY_NS) {
                if (e) /* no longer true, and not to be remembered yet: dropped on save */
                        e->used = false;
                return 0;
        }
        if (!e && !(e = memo_add(m, path)))
                return 0; /* out of memory: the hash is right, only not kept */
        e->dev = (uint64_t) st.st_dev;
        e->ino = (uint64_t) st.st_ino;
        e->size = (uint64_t) st.st_size;
        e->mtime_ns = timespec_ns(&st.st_mtim);
        e->ctime_ns = timespec_ns(&st.st_ctim);
        memcpy(e->hash, ret, sizeof(e->hash));
        e->used = true;
        m->changed = true;
        return 0;
}

int hash_memo_save(HashMemo *m) {
        char *buf = NULL;
        size_t size = 0, used = 0;
        int r;

        if (!m)
                return 0;
        for (size_t i = 0; i < m->n; i++)
                used += m->entries[i].used;
        if (!m->changed && used == m->n)
                return 0;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < m->n; i++) {
                const HashMemoEntry *e = &m->entries[i];
                if (e->used)
                        fprintf(f, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %s %s\n", e->dev, e->ino,
                                e->size, e->mtime_ns, e->ctime_ns, e->hash, e->path);
        }
        if (fclose(f) != 0) {
                free(buf);
                return -ENOMEM;
        }
        r = write_file_atomic(m->path, buf, size, 0600);
        free(buf);
        if (r >= 0)
                m->changed = false;
        return r;
}
