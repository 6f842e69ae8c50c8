/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target for the capture program's modprobe.d reader
 * (src/capture/module-index.c): the input is /etc/modprobe.d/fuzz.conf
 * beside a fixed small /lib/modules tree. Any input: no crash, no leak, no
 * hang; then the module names of the tree and the input's first words are
 * resolved and put in load order (what the capture does for the target's
 * drivers), and their options carry no tab (kmod passes them with blanks).
 * run-fuzz.sh builds and runs it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "module-index.h"
#include "strv.h"

static char moddir[256], confdir[256], conf[300];

static const char dep[] =
        "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n"
        "kernel/lib/crc16.ko:\n"
        "kernel/fs/mbcache.ko:\n"
        "kernel/fs/jbd2/jbd2.ko:\n"
        "kernel/crypto/crc32c_generic.ko:\n"
        "kernel/arch/x86/crypto/crc32c-intel.ko:\n"
        "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko\n"
        "kernel/drivers/virtio/virtio_ring.ko:\n"
        "kernel/drivers/virtio/virtio.ko:\n"
        "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko\n"
        "kernel/drivers/gpu/drm/nouveau/nouveau.ko.xz:\n";

static const char alias[] =
        "alias virtio:d00000002v* virtio_blk\n"
        "alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n"
        "alias crypto-crc32c crc32c_generic\n"
        "alias crypto-crc32c crc32c_intel\n"
        "alias pci:v000010DEd*sv*sd*bc03sc*i* nouveau\n";

static const char *const names[] = {
        "ext4", "crc16", "mbcache", "jbd2", "virtio_blk", "virtio-pci", "nouveau", "crypto-crc32c",
        "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", "virtio:d00000002v00001AF4", "loop", "absent",
};

static void write_file(const char *dir, const char *name, const char *text) {
        char path[512];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "we");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0)
                abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        /* tmpfs when there is one: every input is a file written and read. */
        char shm[] = "/dev/shm/fuzz-modprobe-d.XXXXXX", tmp[] = "/tmp/fuzz-modprobe-d.XXXXXX";
        const char *base = mkdtemp(shm) ?: mkdtemp(tmp);

        if (!base)
                abort();
        snprintf(moddir, sizeof(moddir), "%s/modules", base);
        snprintf(confdir, sizeof(confdir), "%s/modprobe.d", base);
        snprintf(conf, sizeof(conf), "%s/fuzz.conf", confdir);
        if (mkdir(moddir, 0755) < 0 || mkdir(confdir, 0755) < 0)
                abort();
        write_file(moddir, "modules.dep", dep);
        write_file(moddir, "modules.alias", alias);
        write_file(moddir, "modules.builtin", "kernel/drivers/block/loop.ko\n");
        /* What bad lines are logged as is tested in test-module-index. */
        log_set_max_level(LOG_EMERG - 1);
        return 0;
}

static void use(const ModuleIndex *idx, const char *name) {
        char **l = NULL, **paths = NULL;
        const char *o;

        for (int blacklist = 0; blacklist <= 1; blacklist++) {
                if (module_index_resolve(idx, name, blacklist, &l) == 0) {
                        for (char **n = l; n && *n; n++) {
                                char **p = NULL;
                                if (module_index_load_order(idx, *n, &p) == 0)
                                        strv_free(p);
                        }
                        strv_free(l);
                }
                l = NULL;
        }
        if (module_index_load_order(idx, name, &paths) == 0)
                strv_free(paths);
        o = module_index_options(idx, name);
        if (o && strchr(o, '\t'))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        ModuleIndex *idx = NULL;
        char *words = NULL, *save = NULL;
        FILE *f;
        int r;

        if (size > 64 * 1024)
                return 0;
        f = fopen(conf, "we");
        if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
                abort();
        r = module_index_load(moddir, confdir, &idx);
        if (r == -ENOMEM)
                return 0;
        if (r < 0)
                abort(); /* only a missing modules.dep fails */

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                use(idx, names[i]);
        /* The names the input itself gives (its first words). */
        words = strndup((const char *) data, size);
        if (words) {
                unsigned n = 0;
                for (char *w = strtok_r(words, " \t\n\\", &save); w && n < 8; w = strtok_r(NULL, " \t\n\\", &save), n++)
                        use(idx, w);
                free(words);
        }
        module_index_free(idx);
        return 0;
}
