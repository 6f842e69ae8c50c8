/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "initramfs-inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "macro.h"

/* newc: "070701" (or "070702", the same with a checksum) and thirteen
 * 8-digit hex fields; the name (with its NUL) and the data each padded to
 * 4 bytes, counted from the start of the archive. */
#define CPIO_HEADER_SIZE 110
#define CPIO_TRAILER "TRAILER!!!"
#define OUT_CHUNK (128u * 1024u)

enum {
        FIELD_INO,
        FIELD_MODE,
        FIELD_UID,
        FIELD_GID,
        FIELD_NLINK,
        FIELD_MTIME,
        FIELD_FILESIZE,
        FIELD_DEVMAJOR,
        FIELD_DEVMINOR,
        FIELD_RDEVMAJOR,
        FIELD_RDEVMINOR,
        FIELD_NAMESIZE,
        FIELD_CHECK,
        _FIELD_MAX,
};

typedef enum CpioState {
        CPIO_BETWEEN,   /* before an archive's first header, or after a trailer: zeros may follow */
        CPIO_HEADER,
        CPIO_NAME,
        CPIO_NAME_PAD,
        CPIO_DATA,
        CPIO_DATA_PAD,
} CpioState;

/* A push parser: bytes come in chunks of any size, from the file itself
 * or out of a decompressor. */
typedef struct CpioParser {
        InitramfsInfo *info;
        bool one_archive;       /* an uncompressed part: stop after its trailer */
        bool done;              /* one_archive and the trailer was read */
        bool seen_archive;      /* at least one header was read */
        CpioState state;
        uint64_t offset;        /* bytes of this stream so far: padding counts from its start */
        uint8_t header[CPIO_HEADER_SIZE];
        char name[PATH_MAX + 1];
        size_t have;            /* of the header or the name */
        uint32_t name_size;
        mode_t mode;
        uint64_t data_size;
        uint64_t left;          /* of the data or the padding */
        char *link;             /* a symlink's target as it comes in */
        bool is_trailer;
} CpioParser;

static inline uint64_t min_u64(uint64_t a, uint64_t b) {
        return a < b ? a : b;
}

void initramfs_info_done(InitramfsInfo *info) {
        if (!info)
                return;
        for (size_t i = 0; i < info->n_entries; i++) {
                free(info->entries[i].path);
                free(info->entries[i].link_target);
        }
        free(info->entries);
        *info = (InitramfsInfo) {};
}

static int hex_field(const uint8_t *h, unsigned field, uint32_t *ret) {
        uint32_t v = 0;
        for (unsigned i = 0; i < 8; i++) {
                uint8_t c = h[6 + field * 8 + i];
                unsigned d;
                if (c >= '0' && c <= '9')
                        d = c - '0';
                else if (c >= 'a' && c <= 'f')
                        d = c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                        d = c - 'A' + 10;
                else
                        return -EBADMSG;
                v = v << 4 | d;
        }
        *ret = v;
        return 0;
}

static uint64_t pad4(uint64_t offset) {
        return (4 - (offset & 3)) & 3;
}

/* "./usr/bin/x", "/usr/bin/x" and "usr/bin/x" are the same file to the kernel. */
static const char *path_trim(const char *name) {
        for (;;) {
                if (name[0] == '/')
                        name++;
                else if (name[0] == '.' && name[1] == '/')
                        name += 2;
                else
                        break;
        }
        return name[0] && strcmp(name, ".") != 0 ? name : ".";
}

static int header_parse(CpioParser *p) {
        uint32_t v[_FIELD_MAX];

        if (memcmp(p->header, "07070", 5) != 0 || (p->header[5] != '1' && p->header[5] != '2'))
                return -EBADMSG; /* also the old binary and "odc" formats, which the kernel refuses too */
        for (unsigned f = 0; f < _FIELD_MAX; f++)
                if (hex_field(p->header, f, &v[f]) < 0)
                        return -EBADMSG;
        if (v[FIELD_NAMESIZE] == 0 || v[FIELD_NAMESIZE] > sizeof(p->name))
                return -EBADMSG;
        if (S_ISLNK(v[FIELD_MODE]) && v[FIELD_FILESIZE] > PATH_MAX)
                return -EBADMSG;
        p->mode = v[FIELD_MODE];
        p->data_size = v[FIELD_FILESIZE];
        p->name_size = v[FIELD_NAMESIZE];
        return 0;
}

static int entry_add(CpioParser *p) {
        InitramfsInfo *info = p->info;
        _cleanup_free_ char *path = NULL, *link = TAKE_PTR(p->link);

        if (info->n_entries >= INITRAMFS_ENTRIES_MAX)
                return -EFBIG;
        if (info->n_entries % 256 == 0) {
                InitramfsEntry *n = reallocarray(info->entries, info->n_entries + 256, sizeof(InitramfsEntry));
                if (!n)
                        return -ENOMEM;
                info->entries = n;
        }
        path = strdup(path_trim(p->name));
        if (!path)
                return -ENOMEM;
        info->entries[info->n_entries++] = (InitramfsEntry) {
                .path = TAKE_PTR(path),
                .mode = p->mode,
                .size = p->data_size,
                .link_target = TAKE_PTR(link),
        };
        return 0;
}

/* The name is complete: a trailer ends the archive, anything else is an entry. */
static int name_done(CpioParser *p) {
        if (p->name[p->name_size - 1] != 0 || memchr(p->name, 0, p->name_size - 1))
                return -EBADMSG;
        p->is_trailer = strcmp(p->name, CPIO_TRAILER) == 0;
        if (!p->is_trailer && S_ISLNK(p->mode)) {
                p->link = calloc(1, p->data_size + 1);
                if (!p->link)
                        return -ENOMEM;
        }
        return 0;
}

static int entry_done(CpioParser *p) {
        if (p->is_trailer) {
                p->state = CPIO_BETWEEN;
                p->done = p->one_archive;
                return 0;
        }
        if (p->link && strlen(p->link) != p->data_size)
                return -EBADMSG; /* a NUL inside a symlink's target */
        p->state = CPIO_HEADER;
        p->have = 0;
        return entry_add(p);
}

/* Moves through the steps that need no more bytes (empty padding, empty
 * data), so that a part that ends right after an entry is seen whole. */
static int cpio_settle(CpioParser *p) {
        for (;;) {
                if (p->state == CPIO_NAME_PAD && p->left == 0) {
                        p->state = CPIO_DATA;
                        p->left = p->data_size;
                } else if (p->state == CPIO_DATA && p->left == 0) {
                        p->state = CPIO_DATA_PAD;
                        p->left = pad4(p->offset);
                } else if (p->state == CPIO_DATA_PAD && p->left == 0) {
                        int r = entry_done(p);
                        if (r < 0)
                                return r;
                } else
                        return 0;
        }
}

/* Takes up to size bytes; *ret_used says how many (fewer only when a
 * one_archive parser reached its trailer's end). */
static int cpio_feed(CpioParser *p, const uint8_t *data, size_t size, size_t *ret_used) {
        size_t i = 0, n;
        int r;

        while (i < size && !p->done) {
                switch (p->state) {
                case CPIO_BETWEEN:
                        if (data[i] == 0) { /* zeros between archives */
                                n = 1;
                                break;
                        }
                        if ((p->offset & 3) != 0)
                                return -EBADMSG;
                        p->info->n_archives++;
                        p->seen_archive = true;
                        p->state = CPIO_HEADER;
                        p->have = 0;
                        n = 0;
                        break;
                case CPIO_HEADER:
                        n = min_u64(size - i, CPIO_HEADER_SIZE - p->have);
                        memcpy(p->header + p->have, data + i, n);
                        p->have += n;
                        if (p->have < CPIO_HEADER_SIZE)
                                break;
                        r = header_parse(p);
                        if (r < 0)
                                return r;
                        p->have = 0;
                        p->state = CPIO_NAME;
                        break;
                case CPIO_NAME:
                        n = min_u64(size - i, p->name_size - p->have);
                        memcpy(p->name + p->have, data + i, n);
                        p->have += n;
                        if (p->have < p->name_size)
                                break;
                        r = name_done(p);
                        if (r < 0)
                                return r;
                        p->state = CPIO_NAME_PAD;
                        p->left = pad4(p->offset + n);
                        break;
                case CPIO_DATA:
                        n = min_u64(size - i, p->left);
                        if (p->link)
                                memcpy(p->link + (p->data_size - p->left), data + i, n);
                        p->left -= n;
                        break;
                case CPIO_NAME_PAD:
                case CPIO_DATA_PAD:
                        /* The kernel skips these bytes unread; so does this. */
                        n = min_u64(size - i, p->left);
                        p->left -= n;
                        break;
                default:
                        return -EINVAL;
                }
                i += n;
                p->offset += n;
                r = cpio_settle(p);
                if (r < 0)
                        return r;
        }
        *ret_used = i;
        return 0;
}

/* A stream ends well only between archives, after at least one. */
static int cpio_finish(const CpioParser *p) {
        return p->seen_archive && p->state == CPIO_BETWEEN ? 0 : -EBADMSG;
}

static int cpio_feed_all(CpioParser *p, const uint8_t *data, size_t size) {
        size_t used;
        int r = cpio_feed(p, data, size, &used);
        if (r < 0)
                return r;
        p->info->unpacked_size += size;
        return 0;
}

static int gzip_part(const uint8_t *in, size_t size, CpioParser *p, size_t *ret_used) {
        _cleanup_free_ uint8_t *out = malloc(OUT_CHUNK);
        z_stream z = {};
        int zr, r = 0;

        if (!out)
                return -ENOMEM;
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) /* 16: a gzip header, not zlib's */
                return -ENOMEM;
        z.next_in = (Bytef *) in;
        do {
                /* avail_in is an uInt: feed a huge image in pieces */
                size_t left = size - (size_t) ((const uint8_t *) z.next_in - in);
                z.avail_in = (uInt) min_u64(left, UINT_MAX);
                z.next_out = out;
                z.avail_out = OUT_CHUNK;
                zr = inflate(&z, Z_NO_FLUSH);
                if (zr != Z_OK && zr != Z_STREAM_END) {
                        r = zr == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
                        break;
                }
                r = cpio_feed_all(p, out, OUT_CHUNK - z.avail_out);
                if (r < 0)
                        break;
                if (zr == Z_OK && (const uint8_t *) z.next_in == in + size && z.avail_out > 0) {
                        r = -EBADMSG; /* cut short */
                        break;
                }
        } while (zr != Z_STREAM_END);
        if (r >= 0)
                *ret_used = (size_t) ((const uint8_t *) z.next_in - in);
        inflateEnd(&z);
        return r;
}

static int xz_part(const uint8_t *in, size_t size, CpioParser *p, size_t *ret_used) {
        _cleanup_free_ uint8_t *out = malloc(OUT_CHUNK);
        lzma_stream s = LZMA_STREAM_INIT;
        lzma_ret lr;
        int r = 0;

        if (!out)
                return -ENOMEM;
        /* One stream: what follows it is the next part (or zeros). */
        if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
                return -ENOMEM;
        s.next_in = in;
        s.avail_in = size;
        do {
                s.next_out = out;
                s.avail_out = OUT_CHUNK;
                lr = lzma_code(&s, LZMA_FINISH);
                if (lr != LZMA_OK && lr != LZMA_STREAM_END) {
                        r = lr == LZMA_MEM_ERROR ? -ENOMEM : -EBADMSG;
                        break;
                }
                r = cpio_feed_all(p, out, OUT_CHUNK - s.avail_out);
                if (r < 0)
                        break;
        } while (lr != LZMA_STREAM_END);
        if (r >= 0)
                *ret_used = size - s.avail_in;
        lzma_end(&s);
        return r;
}

static int zstd_part(const uint8_t *in, size_t size, CpioParser *p, size_t *ret_used) {
        _cleanup_free_ uint8_t *out = malloc(OUT_CHUNK);
        ZSTD_DStream *d = ZSTD_createDStream();
        ZSTD_inBuffer ib = { in, size, 0 };
        size_t zr;
        int r = 0;

        if (!out || !d) {
                ZSTD_freeDStream(d);
                return -ENOMEM;
        }
        /* One frame, as the kernel's unzstd reads it. */
        do {
                ZSTD_outBuffer ob = { out, OUT_CHUNK, 0 };
                size_t before = ib.pos;
                zr = ZSTD_decompressStream(d, &ob, &ib);
                if (ZSTD_isError(zr)) {
                        r = ZSTD_getErrorCode(zr) == ZSTD_error_memory_allocation ? -ENOMEM : -EBADMSG;
                        break;
                }
                r = cpio_feed_all(p, out, ob.pos);
                if (r < 0)
                        break;
                if (zr != 0 && ib.pos == size && ib.pos == before && ob.pos < ob.size) {
                        r = -EBADMSG; /* cut short */
                        break;
                }
        } while (zr != 0);
        if (r >= 0)
                *ret_used = ib.pos;
        ZSTD_freeDStream(d);
        return r;
}

typedef int (*PartDecoder)(const uint8_t *in, size_t size, CpioParser *p, size_t *ret_used);

static const struct {
        const char *magic;
        size_t len;
        PartDecoder decode; /* NULL: the kernel may know it, this reader does not */
} compressions[] = {
        { "\x1f\x8b", 2, gzip_part },
        { "\xfd" "7zXZ\0", 6, xz_part },
        { "\x28\xb5\x2f\xfd", 4, zstd_part },
        { "\x1f\x9e", 2, NULL },           /* old gzip */
        { "BZh", 3, NULL },                /* bzip2 */
        { "\x5d\x00\x00", 3, NULL },       /* lzma */
        { "\x89LZO", 4, NULL },            /* lzop */
        { "\x02\x21\x4c\x18", 4, NULL },   /* lz4 legacy */
};

int initramfs_inspect_buffer(const void *data, size_t size, InitramfsInfo *ret) {
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        const uint8_t *in = data;
        size_t pos = 0;
        int r;

        assert_return(data || size == 0, -EINVAL);
        assert_return(ret, -EINVAL);

        info.packed_size = size;
        while (pos < size) {
                size_t used = 0;

                if (in[pos] == 0) { /* padding between parts */
                        pos++;
                        continue;
                }
                if (in[pos] == '0') {
                        CpioParser p = { .info = &info, .one_archive = true };
                        r = cpio_feed(&p, in + pos, size - pos, &used);
                        free(p.link);
                        if (r < 0)
                                return r;
                        if (!p.done)
                                return -EBADMSG; /* no trailer: cut short */
                        info.unpacked_size += used;
                        pos += used;
                        continue;
                }
                PartDecoder decode = NULL;
                bool known = false;
                for (size_t i = 0; i < ELEMENTSOF(compressions) && !known; i++)
                        if (size - pos >= compressions[i].len &&
                            memcmp(in + pos, compressions[i].magic, compressions[i].len) == 0) {
                                known = true;
                                decode = compressions[i].decode;
                        }
                if (!known)
                        return -EBADMSG;
                if (!decode)
                        return -EOPNOTSUPP;
                CpioParser p = { .info = &info };
                r = decode(in + pos, size - pos, &p, &used);
                free(p.link);
                if (r < 0)
                        return r;
                r = cpio_finish(&p);
                if (r < 0)
                        return r;
                info.n_compressed++;
                pos += used;
        }
        if (info.n_archives == 0)
                return -EBADMSG;
        *ret = info;
        info = (InitramfsInfo) {};
        return 0;
}

int initramfs_inspect(const char *path, InitramfsInfo *ret) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        void *map;
        int r;

        assert_return(path && ret, -EINVAL);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        if (st.st_size == 0)
                return -EBADMSG;
        map = mmap(NULL, (size_t) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED)
                return negative_errno();
        r = initramfs_inspect_buffer(map, (size_t) st.st_size, ret);
        (void) munmap(map, (size_t) st.st_size);
        return r;
}

static const InitramfsEntry *entry_find(const InitramfsInfo *info, const char *path, size_t len) {
        for (size_t i = info->n_entries; i > 0; i--) {
                const InitramfsEntry *e = &info->entries[i - 1];
                if (strlen(e->path) == len && memcmp(e->path, path, len) == 0)
                        return e;
        }
        return NULL;
}

#define SYMLINK_HOPS_MAX 40 /* as the kernel's path walk allows */

const InitramfsEntry *initramfs_info_resolve(const InitramfsInfo *info, const char *path) {
        _cleanup_free_ char *rest = NULL;
        char cur[PATH_MAX];
        size_t cur_len = 0;
        unsigned hops = 0;

        if (!info || !path)
                return NULL;
        rest = strdup(path);
        if (!rest)
                return NULL;
        /* cur: the directory reached so far, "" at the root; rest: what is left to walk. */
        for (char *c = rest; c;) {
                char *next = strchr(c, '/');
                if (next)
                        *next++ = 0;
                if (c[0] == 0 || strcmp(c, ".") == 0) {
                        c = next;
                        continue;
                }
                if (strcmp(c, "..") == 0) {
                        char *slash = memrchr(cur, '/', cur_len);
                        cur_len = slash ? (size_t) (slash - cur) : 0;
                        c = next;
                        continue;
                }
                size_t clen = strlen(c), len = cur_len + (cur_len > 0) + clen;
                if (len >= sizeof(cur))
                        return NULL;
                if (cur_len > 0)
                        cur[cur_len] = '/';
                memcpy(cur + cur_len + (cur_len > 0), c, clen);
                const InitramfsEntry *e = entry_find(info, cur, len);
                if (!e && !next)
                        return NULL;
                /* A directory the archive does not list (cpio writers
                 * list them all; be lenient) is a plain directory. */
                if (!e || !S_ISLNK(e->mode)) {
                        cur_len = len;
                        c = next;
                        continue;
                }
                /* A link: walk its target from the directory that holds it
                 * (or from the root), then what was left of the path. */
                if (++hops > SYMLINK_HOPS_MAX || !e->link_target)
                        return NULL;
                char *joined;
                if (asprintf(&joined, "%s/%s", e->link_target, strempty(next)) < 0)
                        return NULL;
                if (e->link_target[0] == '/')
                        cur_len = 0;
                free(rest);
                rest = joined;
                c = rest;
        }
        if (cur_len == 0)
                return entry_find(info, ".", 1);
        return entry_find(info, cur, cur_len);
}

bool initramfs_entry_is_executable(const InitramfsEntry *e) {
        return e && S_ISREG(e->mode) && (e->mode & 0111) != 0;
}

const InitramfsEntry *initramfs_info_find_program(const InitramfsInfo *info, const char *name) {
        static const char *const dirs[] = { "usr/bin", "usr/sbin", "bin", "sbin" };

        if (!info || !name || !name[0] || strchr(name, '/'))
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", dirs[i], name) < 0)
                        return NULL;
                const InitramfsEntry *e = initramfs_info_resolve(info, p);
                if (initramfs_entry_is_executable(e))
                        return e;
        }
        return NULL;
}
