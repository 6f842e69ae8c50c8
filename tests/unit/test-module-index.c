/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture program's module index (src/capture/module-index.c) on a
 * fake /lib/modules tree: names and modaliases to modules, load order with
 * dependencies and softdeps, builtins, modprobe.d options and blacklist. */
#include <fcntl.h>
#include <unistd.h>

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

static void fake_tree(void) {
        const char *t = test_tmpdir();

        free(test_write_file(t, "lib/modules/6.1.0/modules.dep", dep));
        free(test_write_file(t, "lib/modules/6.1.0/modules.alias", alias));
        free(test_write_file(t, "lib/modules/6.1.0/modules.softdep", "softdep ext4 pre: crypto-crc32c\n"));
        free(test_write_file(t, "lib/modules/6.1.0/modules.builtin", "kernel/drivers/block/loop.ko\n"));
        free(test_write_file(t, "etc/modprobe.d/a.conf",
                             "# options add up, in file order\n"
                             "options virtio_blk queue_depth=8\n"
                             "blacklist nouveau\n"
                             "options virtio-blk foo=\"a b\"  \n"));
        free(test_write_file(t, "etc/modprobe.d/ignored.txt", "blacklist virtio_blk\n"));
        free(test_write_file(t, "etc/modprobe.d/.hidden.conf", "blacklist virtio_blk\n"));
}

static ModuleIndex *fake_index(void) {
        const char *t = test_tmpdir();
        ModuleIndex *idx = NULL;

        fake_tree();
        _cleanup_free_ char *moddir = test_path(t, "lib/modules/6.1.0"), *conf = test_path(t, "etc/modprobe.d");
        ASSERT_OK(module_index_load(moddir, conf, &idx));
        return idx;
}

/* Loads the fake tree (written before) with what module_index_load() logs
 * (stderr) caught. */
static ModuleIndex *fake_index_logged(char **ret_log) {
        const char *t = test_tmpdir();
        _cleanup_free_ char *moddir = test_path(t, "lib/modules/6.1.0"), *conf = test_path(t, "etc/modprobe.d"),
                           *log = test_path(t, "log");
        ModuleIndex *idx = NULL;
        int saved, fd, r;

        fflush(stderr);
        saved = dup(STDERR_FILENO);
        fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        ASSERT_TRUE(saved >= 0 && fd >= 0);
        ASSERT_TRUE(dup2(fd, STDERR_FILENO) == STDERR_FILENO);
        close(fd);
        r = module_index_load(moddir, conf, &idx);
        fflush(stderr);
        ASSERT_TRUE(dup2(saved, STDERR_FILENO) == STDERR_FILENO);
        close(saved);
        ASSERT_OK(r);
        *ret_log = test_read_file(log);
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

/* Found by fuzz-modprobe-d: each module of a softdep chain naming the next
 * thirty times was walked 30^depth times; the capture hung. */
TEST(softdeps_naming_a_module_many_times_walk_it_once) {
        static const char *const chain[] = { "ext4", "jbd2", "mbcache", "crc16", "virtio", "virtio_ring", "nouveau" };
        _cleanup_free_ char *conf = NULL;

        for (size_t i = 0; i + 1 < ELEMENTSOF(chain); i++) {
                _cleanup_free_ char *line = NULL;
                ASSERT_TRUE(asprintf(&line, "%ssoftdep %s pre:", strempty(conf), chain[i]) > 0);
                free(conf);
                conf = TAKE_PTR(line);
                for (int k = 0; k < 30; k++) {
                        ASSERT_TRUE(asprintf(&line, "%s %s", conf, chain[i + 1]) > 0);
                        free(conf);
                        conf = TAKE_PTR(line);
                }
                ASSERT_TRUE(asprintf(&line, "%s\n", conf) > 0);
                free(conf);
                conf = TAKE_PTR(line);
        }
        fake_tree();
        free(test_write_file(test_tmpdir(), "etc/modprobe.d/fan.conf", conf));
        _cleanup_(module_index_freep) ModuleIndex *idx = NULL;
        _cleanup_free_ char *moddir = test_path(test_tmpdir(), "lib/modules/6.1.0"),
                           *confdir = test_path(test_tmpdir(), "etc/modprobe.d");
        ASSERT_OK(module_index_load(moddir, confdir, &idx));
        _cleanup_strv_free_ char **ext4 = load_order(idx, "ext4");

        ASSERT_STRV_EQ(ext4, STRV_MAKE("kernel/crypto/crc32c_generic.ko", "kernel/arch/x86/crypto/crc32c-intel.ko",
                                       "kernel/drivers/gpu/drm/nouveau/nouveau.ko.xz",
                                       "kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/virtio/virtio.ko",
                                       "kernel/lib/crc16.ko", "kernel/fs/mbcache.ko", "kernel/fs/jbd2/jbd2.ko",
                                       "kernel/fs/ext4/ext4.ko"));
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

/* modprobe.d as kmod reads it: split on blanks, no quoting, '\' joins
 * lines; a bad line is a warning naming file and line, and the rest of the
 * file and of the directory still counts. */
static const char bad_lines[] =
        /* 1 */ "options virtio_blk quote=\"unbalanced\n"
        /* 2 */ "frobnicate virtio_blk now\n"
        /* 3 */ "options ext4 \\\n"
        /* 4 */ "\tjournal_ioprio=2 \\\n"
        /* 5 */ "\terrors=\"remount-ro\"\n"
        /* 6 */ "blacklist virtio_pci\n"
        /* 7 */ "options\n"
        /* 8 */ "softdep virtio_blk pre: virtio-pci-modern-dev\n"
        /* 9 */ "install jbd2 /bin/true\n"
        /* 10 */ "alias my-disk virtio-blk\n"
        /* 11 */ "include /etc/modprobe.d/more\n"
        /* 12 */ "   # indented: no comment for kmod\n"
        /* 13 */ "options mbcache  a=\"x \\\"y\\\" z\"\tb='1 2'\n"
        /* 14 */ "\n"
        /* 15 */ "blacklist\n"
        /* 16 */ "alias nouveau off\r\n"
        /* 17 */ "options crc16 last=1 \\";

TEST(bad_modprobe_d_lines_are_skipped_with_a_warning) {
        _cleanup_free_ char *log = NULL;
        fake_tree();
        free(test_write_file(test_tmpdir(), "etc/modprobe.d/b.conf", bad_lines));
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index_logged(&log);
        _cleanup_strv_free_ char **pci = NULL;

        /* the warnings, with where they are */
        ASSERT_CONTAINS(log, "b.conf:2: unknown command 'frobnicate'");
        ASSERT_CONTAINS(log, "b.conf:7: 'options' needs");
        ASSERT_CONTAINS(log, "b.conf:11: 'include'");
        ASSERT_CONTAINS(log, "b.conf:12: a comment starts with '#' in the first column");
        ASSERT_CONTAINS(log, "b.conf:15: 'blacklist' needs");
        /* an unbalanced quote is no error: kmod does not read quotes */
        ASSERT_NOT_CONTAINS(log, "b.conf:1:");
        ASSERT_NOT_CONTAINS(log, "b.conf:3:");
        ASSERT_NOT_CONTAINS(log, "a.conf");

        /* the good lines, in both files */
        ASSERT_STREQ(module_index_options(idx, "virtio_blk"), "queue_depth=8 foo=\"a b\" quote=\"unbalanced");
        ASSERT_OK(module_index_resolve(idx, "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", true, &pci));
        ASSERT_NULL(pci);
        _cleanup_strv_free_ char **blk = load_order(idx, "virtio_blk");
        ASSERT_STRV_EQ(blk, STRV_MAKE("kernel/drivers/virtio/virtio_pci_modern_dev.ko", "kernel/drivers/virtio/virtio.ko",
                                      "kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/block/virtio_blk.ko"));
}

TEST(line_continuation_and_verbatim_options) {
        _cleanup_free_ char *log = NULL;
        fake_tree();
        free(test_write_file(test_tmpdir(), "etc/modprobe.d/b.conf", bad_lines));
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index_logged(&log);

        /* three physical lines, one command; blanks inside kept as written
         * (tabs as spaces) */
        ASSERT_STREQ(module_index_options(idx, "ext4"), "journal_ioprio=2  errors=\"remount-ro\"");
        /* quotes kept as they are; a '\' that does not end a line is
         * dropped and the character after it kept, as in kmod */
        ASSERT_STREQ(module_index_options(idx, "mbcache"), "a=\"x \"y\" z\" b='1 2'");
        /* a '\' at the very end of the file ends the line */
        ASSERT_STREQ(module_index_options(idx, "crc16"), "last=1");
}

TEST(install_is_not_run_and_aliases_from_modprobe_d_come_first) {
        _cleanup_free_ char *log = NULL;
        fake_tree();
        free(test_write_file(test_tmpdir(), "etc/modprobe.d/b.conf", bad_lines));
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index_logged(&log);
        _cleanup_strv_free_ char **disk = NULL, **disk2 = NULL, **nouveau = NULL;

        /* no shell in the capture image: the module loads as usual */
        ASSERT_CONTAINS(log, "b.conf:9: the install command for 'jbd2' is not run");
        _cleanup_strv_free_ char **ext4 = load_order(idx, "ext4");
        ASSERT_TRUE(strv_contains(ext4, "kernel/fs/jbd2/jbd2.ko"));

        ASSERT_OK(module_index_resolve(idx, "my-disk", false, &disk));
        ASSERT_STRV_EQ(disk, STRV_MAKE("virtio_blk"));
        ASSERT_OK(module_index_resolve(idx, "my_disk", false, &disk2));
        ASSERT_STRV_EQ(disk2, STRV_MAKE("virtio_blk"));
        /* "alias nouveau off" (CRLF and all) keeps nouveau from loading by name */
        ASSERT_OK(module_index_resolve(idx, "nouveau", false, &nouveau));
        ASSERT_STRV_EQ(nouveau, STRV_MAKE("off"));
}

TEST(bad_softdep_file_and_unreadable_conf_do_not_stop_the_index) {
        const char *t = test_tmpdir();
        _cleanup_free_ char *log = NULL;

        fake_tree();
        /* depmod wrote it, but a broken line must not cost the dump either */
        free(test_write_file(t, "lib/modules/6.1.0/modules.softdep", "softdep\nsoftdep ext4 pre: crc16\n"));
        /* a directory named like a file is skipped */
        free(test_write_file(t, "etc/modprobe.d/dir.conf/x", "x\n"));
        _cleanup_(module_index_freep) ModuleIndex *idx = fake_index_logged(&log);

        ASSERT_CONTAINS(log, "modules.softdep:1: 'softdep' needs");
        _cleanup_strv_free_ char **ext4 = load_order(idx, "ext4");
        ASSERT_STREQ(ext4[0], "kernel/lib/crc16.ko");
}

/* A driver built into the kernel (Debian 13's virtio drivers): its alias is in modules.builtin.modinfo
 * only, not in modules.alias. The device's modalias resolves to the
 * built-in driver, which needs no loading (issue 18: "could not be loaded:
 * No such file or directory" for a device whose driver is built in). */
TEST(builtin_driver_alias_needs_nothing) {
        static const char modinfo[] = "virtio_scsi.license=GPL\0virtio_scsi.alias=virtio:d00000008v*\0"
                                      "virtio_pci.alias=pci:v00001AF4d*sv*sd*bc*sc*i*\0";
        const char *t = test_tmpdir();
        _cleanup_(module_index_freep) ModuleIndex *idx = NULL;
        _cleanup_strv_free_ char **r = NULL, **pci = NULL, **order = NULL, **none = NULL;

        fake_tree();
        _cleanup_free_ char *path = test_path(t, "lib/modules/6.1.0/modules.builtin.modinfo");
        FILE *f = ASSERT_NOT_NULL(fopen(path, "we"));
        ASSERT_EQ(fwrite(modinfo, 1, sizeof(modinfo) - 1, f), sizeof(modinfo) - 1);
        ASSERT_EQ(fclose(f), 0);
        _cleanup_free_ char *moddir = test_path(t, "lib/modules/6.1.0"), *conf = test_path(t, "etc/modprobe.d");
        ASSERT_OK(module_index_load(moddir, conf, &idx));

        ASSERT_OK(module_index_resolve(idx, "virtio:d00000008v00001AF4", false, &r));
        ASSERT_STRV_EQ(r, STRV_MAKE("virtio_scsi"));
        ASSERT_OK(module_index_load_order(idx, "virtio_scsi", &order));
        ASSERT_NULL(order);
        ASSERT_OK(module_index_resolve(idx, "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", false, &pci));
        ASSERT_STRV_EQ(pci, STRV_MAKE("virtio_pci"));
        /* A modalias nobody claims still resolves to nothing. */
        ASSERT_OK(module_index_resolve(idx, "pci:v0000FFFFd0000FFFF", false, &none));
        ASSERT_NULL(none);
}
