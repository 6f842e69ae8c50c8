/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/mkdumprd/image-check.h: an image that lacks anything the build
 * planned is refused, whatever dracut said (issue 16, finding 1: a quoted
 * extra_bins once made the dracut module's install() stop half-way, and
 * the image was loaded and "armed"). Images made here, uncompressed. */
#include <fcntl.h>
#include <unistd.h>

#include "cpio-writer.h"
#include "image-check.h"

/* An image with every planned entry, but for the ones named in skip. */
static char *image_without(const char *const *skip) {
        static const struct { const char *name; unsigned perm; } entries[] = {
                { "init", 0755 },
                { "usr/bin/makedumpfile", 0755 },
                { "usr/bin/true", 0755 },
                { "usr/bin/env", 0755 },
                { "usr/local/sbin/post-hook", 0755 },
                { "usr/bin/dbclient", 0755 },
                { "etc/kdump/net", 0600 },
                { "etc/kdump/ssh/id_dropbear", 0600 },
                { "etc/kdump/ssh/.ssh/known_hosts", 0600 },
                { "etc/kdump/modules", 0644 },
                { "etc/kdump/module-done.installkernel", 0644 },
                { "etc/kdump/module-done.install", 0644 },
        };
        _cleanup_(buf_done) Buf b = {};
        Cpio c = { .out = &b };

        cpio_dir(&c, ".");
        cpio_link(&c, "bin", "usr/bin");
        for (size_t i = 0; i < ELEMENTSOF(entries); i++) {
                bool skipped = false;
                for (const char *const *s = skip; s && *s; s++)
                        skipped = skipped || strcmp(*s, entries[i].name) == 0;
                if (!skipped)
                        cpio_file(&c, entries[i].name, entries[i].perm, "x");
        }
        cpio_end(&c, true);
        char *path = test_path(test_tmpdir(), "initramfs.img");
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ASSERT_TRUE(fd >= 0);
        ASSERT_EQ((size_t) write(fd, b.data, b.size), b.size);
        return path;
}

static char *bins[] = { (char *) "/usr/bin/true", (char *) "/usr/bin/env", NULL };
static const ImagePlan ssh_plan = {
        .kver = "6.1.0-test",
        .collector = "makedumpfile",
        .post = "/usr/local/sbin/post-hook",
        .extra_bins = bins,
        .network = true,
        .ssh = true,
};

TEST(image_with_everything_planned_passes) {
        _cleanup_free_ char *img = image_without(NULL);
        ASSERT_OK(image_check(img, &ssh_plan, "/var/lib/kdump/initramfs.img"));
}

TEST(image_missing_any_planned_entry_is_refused) {
        static const char *const planned[] = {
                "init", "usr/bin/makedumpfile", "usr/bin/true", "usr/bin/env", "usr/local/sbin/post-hook",
                "usr/bin/dbclient", "etc/kdump/net", "etc/kdump/ssh/id_dropbear", "etc/kdump/ssh/.ssh/known_hosts",
                "etc/kdump/modules", "etc/kdump/module-done.installkernel", "etc/kdump/module-done.install",
        };
        for (size_t i = 0; i < ELEMENTSOF(planned); i++) {
                const char *skip[] = { planned[i], NULL };
                _cleanup_free_ char *img = image_without(skip);
                test_set_context("without %s", planned[i]);
                ASSERT_EQ(image_check(img, &ssh_plan, "/var/lib/kdump/initramfs.img"), -ENOEXEC);
        }
}

TEST(what_was_not_planned_is_not_required) {
        /* A local dump: no network, no ssh, no hooks, no extra_bins. */
        const char *skip[] = { "usr/bin/true", "usr/bin/env", "usr/local/sbin/post-hook", "usr/bin/dbclient",
                               "etc/kdump/net", "etc/kdump/ssh/id_dropbear", "etc/kdump/ssh/.ssh/known_hosts", NULL };
        _cleanup_free_ char *img = image_without(skip);
        ImagePlan local = { .kver = "6.1.0-test", .collector = "makedumpfile" };
        ASSERT_OK(image_check(img, &local, "/var/lib/kdump/initramfs.img"));
        /* A shell was asked for and is not there. */
        local.shell = true;
        ASSERT_EQ(image_check(img, &local, "/var/lib/kdump/initramfs.img"), -ENOEXEC);
}
