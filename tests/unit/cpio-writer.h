/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small newc (cpio) writer for unit tests that need an initramfs:
 * entries appended to a buffer, padding counted from where the archive
 * starts, as dracut and the kernel's tooling lay them out. */
#pragma once

#include <sys/stat.h>

#include "tests.h"

typedef struct Buf {
        char *data;
        size_t size;
} Buf;

static inline void buf_done(Buf *b) {
        free(b->data);
        *b = (Buf) {};
}

static inline void buf_append(Buf *b, const void *data, size_t size) {
        b->data = ASSERT_NOT_NULL(realloc(b->data, b->size + size + 1));
        if (size > 0)
                memcpy(b->data + b->size, data, size);
        b->size += size;
}

static inline void buf_zeros(Buf *b, size_t n) {
        static const char zeros[512];
        ASSERT_LE(n, sizeof(zeros));
        buf_append(b, zeros, n);
}

/* One newc archive: appended entries, padding counted from where the
 * archive starts. */
typedef struct Cpio {
        Buf *out;
        size_t start;
        unsigned ino;
} Cpio;

static inline void cpio_pad(Cpio *c) {
        buf_zeros(c->out, (4 - (c->out->size - c->start) % 4) % 4);
}

static inline void cpio_add(Cpio *c, const char *name, unsigned mode, const void *data, size_t size) {
        char header[160];

        snprintf(header, sizeof(header), "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ++c->ino,
                 mode, 0u, 0u, 1u, 0u, size, 0u, 0u, 0u, 0u, strlen(name) + 1, 0u);
        buf_append(c->out, header, 110);
        buf_append(c->out, name, strlen(name) + 1);
        cpio_pad(c);
        buf_append(c->out, data, size);
        cpio_pad(c);
}

static inline void cpio_file(Cpio *c, const char *name, unsigned perm, const char *content) {
        cpio_add(c, name, S_IFREG | perm, content, strlen(content));
}

static inline void cpio_dir(Cpio *c, const char *name) {
        cpio_add(c, name, S_IFDIR | 0755, NULL, 0);
}

static inline void cpio_link(Cpio *c, const char *name, const char *target) {
        cpio_add(c, name, S_IFLNK | 0777, target, strlen(target));
}

/* The trailer, and GNU cpio's padding of the archive to 512 bytes. */
static inline void cpio_end(Cpio *c, bool block_pad) {
        cpio_add(c, "TRAILER!!!", 0, NULL, 0);
        if (block_pad)
                buf_zeros(c->out, (512 - (c->out->size - c->start) % 512) % 512);
}

