/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture program's module index (src/capture/module-index.c) on a
 * fake /lib/modules tree: names and modaliases to modules, load order with
 * dependencies and softdeps, builtins, modprobe.d options and blacklist. */
#include "module-index.h"
#include "tests.h"

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
        "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko "
        "kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko\n"
        "kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
        "kernel/drivers/gpu/drm/nouveau/nouveau.ko.xz:\n";

static const char alias[] =
        "# Aliases extracted from modules themselves.\n"
        "alias virtio:d00000002v* virtio_blk\n"
        "alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n"
        "alias crypto-crc32c crc32c_generic\n"
        "alias crypto-crc32c crc32c_intel\n"
        "alias pci:v000010DEd*sv*sd*bc03sc*i* nouveau\n";

static ModuleIndex *fake_index(void) {
        const char *t = test_tmpdir();
        ModuleIndex *idx = NULL;

        free(test_write_file(t, "lib/modules/6.1.0/modules.dep", dep));
        free(test_write_file(t, "lib/modules/6.1.0/modules.alias", alias));
        free(test_write_file(t, "lib/modules/6.1.0/modules.softdep", "softdep ext4 pre: crypto-crc32c\n"));
        free(test_write_file(t, "lib/modules/6.1.0/modules.builtin", "kernel/drivers/block/loop.ko\n"));
        free(test_write_file(t, "etc/modprobe.d/a.conf",
                             "# options add up, in file order\n"
                             "options virtio_blk queue_depth=8\n"
                             "blacklist nouveau\n"
                             "  # a comment, even indented\n"
                             "options virtio-blk foo=\"a b\"  \n"));
        free(test_write_file(t, "etc/modprobe.d/ignored.txt", "blacklist virtio_blk\n"));

        _cleanup_free_ char *moddir = test_path(t, "lib/modules/6.1.0"), *conf = test_path(t, "etc/modprobe.d");
        ASSERT_OK(module_index_load(moddir, conf, &idx));
        return idx;
}

static char *rel(const char *path) {
        const char *p = strstr(path, "/lib/modules/6.1.0/");
        ASSERT_NOT_NULL(p);
        return strdup(p + strlen("/lib/modules/6.1.0/"));
}

static char **load_order(const ModuleIndex *idx, const char *name) {
        _cleanup_strv_free_ char **paths = NULL;
        char **out = NULL;
        ASSERT_OK(module_index_load_order(idx, name, &paths));
        for (char **p = paths; p && *p; p++) {
                _cleanup_free_ char *r = rel(*p);
                ASSERT_OK(strv_extend(&out, r));
        }
        return out;
}

TEST(modalias_resolves_to_its_driver) {
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index();
        _cleanup_strv_free_ char **a = NULL, **b = NULL, **none = NULL;

        ASSERT_OK(module_index_resolve(idx, "virtio:d00000002v00001AF4", true, &a));
        ASSERT_STRV_EQ(a, STRV_MAKE("virtio_blk"));
        ASSERT_OK(module_index_resolve(idx, "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", true, &b));
        ASSERT_STRV_EQ(b, STRV_MAKE("virtio_pci"));
        ASSERT_OK(module_index_resolve(idx, "pci:v00008086d00007000sv0000sd0000bc06sc01i00", true, &none));
        ASSERT_NULL(none);
}

TEST(names_with_dashes_are_the_same_module) {
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index();
        _cleanup_strv_free_ char **a = NULL, **b = NULL;

        ASSERT_OK(module_index_resolve(idx, "virtio-blk", false, &a));
        ASSERT_STRV_EQ(a, STRV_MAKE("virtio_blk"));
        ASSERT_OK(module_index_resolve(idx, "crc32c-intel", false, &b));
        ASSERT_STRV_EQ(b, STRV_MAKE("crc32c_intel"));
}

TEST(blacklist_applies_to_aliases_only) {
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index();
        _cleanup_strv_free_ char **by_alias = NULL, **unfiltered = NULL, **by_name = NULL;
        const char *gpu = "pci:v000010DEd00001234sv00000000sd00000000bc03sc00i00";

        ASSERT_OK(module_index_resolve(idx, gpu, true, &by_alias));
        ASSERT_NULL(by_alias);
        ASSERT_OK(module_index_resolve(idx, gpu, false, &unfiltered));
        ASSERT_STRV_EQ(unfiltered, STRV_MAKE("nouveau"));
        ASSERT_OK(module_index_resolve(idx, "nouveau", true, &by_name));
        ASSERT_STRV_EQ(by_name, STRV_MAKE("nouveau"));
}

TEST(dependencies_and_softdeps_come_first) {
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index();
        _cleanup_strv_free_ char **ext4 = load_order(idx, "ext4"), **blk = load_order(idx, "virtio_blk"),
                                 **pci = load_order(idx, "virtio-pci");

        ASSERT_STRV_EQ(ext4, STRV_MAKE("kernel/crypto/crc32c_generic.ko", "kernel/arch/x86/crypto/crc32c-intel.ko",
                                       "kernel/fs/jbd2/jbd2.ko", "kernel/fs/mbcache.ko", "kernel/lib/crc16.ko",
                                       "kernel/fs/ext4/ext4.ko"));
        ASSERT_STRV_EQ(blk, STRV_MAKE("kernel/drivers/virtio/virtio.ko", "kernel/drivers/virtio/virtio_ring.ko",
                                      "kernel/drivers/block/virtio_blk.ko"));
        /* every module once, even when two paths lead to it */
        ASSERT_STRV_EQ(pci, STRV_MAKE("kernel/drivers/virtio/virtio.ko", "kernel/drivers/virtio/virtio_ring.ko",
                                      "kernel/drivers/virtio/virtio_pci_modern_dev.ko",
                                      "kernel/drivers/virtio/virtio_pci.ko"));
}

TEST(builtins_need_no_file_and_unknown_modules_fail) {
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index();
        _cleanup_strv_free_ char **loop = NULL, **r = NULL, **unknown = NULL;

        ASSERT_TRUE(module_index_is_builtin(idx, "loop"));
        ASSERT_FALSE(module_index_is_builtin(idx, "ext4"));
        ASSERT_OK(module_index_load_order(idx, "loop", &loop));
        ASSERT_NULL(loop);
        ASSERT_OK(module_index_resolve(idx, "loop", false, &r));
        ASSERT_STRV_EQ(r, STRV_MAKE("loop"));
        ASSERT_ERROR(module_index_load_order(idx, "no_such_module", &unknown), ENOENT);
}

TEST(options_add_up_and_only_conf_files_count) {
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index();
        _cleanup_strv_free_ char **blk = NULL;

        ASSERT_STREQ(module_index_options(idx, "virtio_blk"), "queue_depth=8 foo=\"a b\"");
        ASSERT_NULL(module_index_options(idx, "ext4"));
        /* ignored.txt's blacklist did not count */
        ASSERT_OK(module_index_resolve(idx, "virtio:d00000002v00001AF4", true, &blk));
        ASSERT_STRV_EQ(blk, STRV_MAKE("virtio_blk"));
}

TEST(missing_index_is_an_error) {
        ModuleIndex *idx = NULL;
        _cleanup_free_ char *moddir = test_path(test_tmpdir(), "lib/modules/none");
        ASSERT_ERROR(module_index_load(moddir, NULL, &idx), ENOENT);
        ASSERT_NULL(idx);
}
