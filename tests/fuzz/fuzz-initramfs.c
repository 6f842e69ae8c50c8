/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the initramfs reader (src/shared/initramfs-inspect.h):
 * cpio newc archives, stored or compressed (gzip, xz, zstd), one after
 * another, as kdumpd reads back the image dracut built. Any input: no
 * crash, no leak, no hang, and the documented errors only. An image it
 * reads: the counts add up, every entry's path is trimmed as the kernel
 * unpacks it, and looking entries up (links followed) finds entries of
 * the image or nothing. run-fuzz.sh builds and runs it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "initramfs-inspect.h"

static void fail(const char *what, const char *detail) {
        fprintf(stderr, "fuzz-initramfs: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
        abort();
}

static void found_check(const InitramfsInfo *info, const InitramfsEntry *e, const char *what) {
        if (e && (e < info->entries || e >= info->entries + info->n_entries))
                fail("a lookup returned something that is not an entry", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const programs[] = { "init", "makedumpfile", "sh", "dbclient", "lvm" };
        static const char *const paths[] = { "/init", "etc/kdump.conf", "/etc/kdump/modules", "bin/../init", "./." };
        InitramfsInfo info = {};
        int r;

        r = initramfs_inspect_buffer(data, size, &info);
        if (r < 0) {
                if (r != -EBADMSG && r != -EOPNOTSUPP && r != -EFBIG && r != -ENOMEM)
                        fail("an error the reader does not document", strerror(-r));
                return 0;
        }
        if (info.packed_size != size || info.n_archives == 0 || info.n_entries > INITRAMFS_ENTRIES_MAX)
                fail("the counts do not add up", NULL);
        for (size_t i = 0; i < info.n_entries; i++) {
                const InitramfsEntry *e = &info.entries[i];
                if (!e->path || !e->path[0] || e->path[0] == '/' || strncmp(e->path, "./", 2) == 0)
                        fail("an entry's path is not trimmed", e->path);
                if ((e->link_target != NULL) != S_ISLNK(e->mode))
                        fail("a link without a target, or a target without a link", e->path);
                if (e->link_target && strlen(e->link_target) != e->size)
                        fail("a link's target is not its size", e->path);
                if (i < 64)
                        found_check(&info, initramfs_info_resolve(&info, e->path), e->path);
        }
        for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
                found_check(&info, initramfs_info_resolve(&info, paths[i]), paths[i]);
        for (size_t i = 0; i < sizeof(programs) / sizeof(programs[0]); i++) {
                const InitramfsEntry *e = initramfs_info_find_program(&info, programs[i]);
                found_check(&info, e, programs[i]);
                if (e && !initramfs_entry_is_executable(e))
                        fail("a program found is not executable", programs[i]);
        }
        initramfs_info_done(&info);
        return 0;
}
