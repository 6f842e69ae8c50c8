/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/kdumpctl/kdumpctl-crashkernel.h: the crashkernel= values
 * reset-crashkernel takes, and the GRUB drop-in it writes under a root
 * (--root), read back by a real shell as update-grub reads it. */
#include <dirent.h>
#include <sys/stat.h>

#include "kdumpctl-crashkernel.h"
#include "spawn.h"
#include "tests.h"

TEST(value_normalize) {
        static const struct {
                const char *in, *out;
        } ok[] = {
                { "96M", "crashkernel=96M" },
                { "crashkernel=112M", "crashkernel=112M" },
                { "crashkernel=1G-4G:96M,4G-64G:128M,64G-:256M", "crashkernel=1G-4G:96M,4G-64G:128M,64G-:256M" },
                { "256M,high", "crashkernel=256M,high" },
                { "128M@16M", "crashkernel=128M@16M" },
        };
        static const char *const bad[] = {
                "", "crashkernel=", "M96", "96 M", "96M\"", "96M;reboot", "$(reboot)", "`reboot`", "96M\n", "96M'",
                "crashkernel=crashkernel=96M", "-96M", "96M$X",
        };

        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                _cleanup_free_ char *v = NULL;
                test_set_context("\"%s\"", ok[i].in);
                ASSERT_OK(crashkernel_value_normalize(ok[i].in, &v));
                ASSERT_STREQ(v, ok[i].out);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *v = NULL;
                test_set_context("\"%s\"", bad[i]);
                ASSERT_ERROR(crashkernel_value_normalize(bad[i], &v), EINVAL);
                ASSERT_NULL(v);
        }
}

TEST(grub_present) {
        const char *root = test_tmpdir();

        ASSERT_FALSE(grub_config_present(root));
        /* update-grub alone is enough (it writes the defaults itself) */
        _cleanup_free_ char *u = test_write_file(root, "usr/sbin/update-grub", "#!/bin/sh\n");
        ASSERT_FALSE(grub_config_present(root)); /* not executable */
        ASSERT_OK(chmod(u, 0755));
        ASSERT_TRUE(grub_config_present(root));
        ASSERT_OK(unlink(u));
        free(test_write_file(root, "etc/default/grub", "GRUB_DEFAULT=0\n"));
        ASSERT_TRUE(grub_config_present(root));
}

static const char expected_dropin[] =
        "# Written by \"kdumpctl reset-crashkernel\": memory reserved for the kdump capture kernel.\n"
        "# Estimated for a test image; a second line.\n"
        "# The kernel takes the last crashkernel= on its command line: this one.\n"
        "# Remove this file and run update-grub to undo; either way it takes a reboot.\n"
        "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=112M\"\n";

TEST(dropin_written_under_root) {
        const char *root = test_tmpdir();
        _cleanup_free_ char *path = test_path(root, "etc/default/grub.d/kdump.cfg");
        _cleanup_free_ char *text = NULL;
        struct stat st;

        ASSERT_OK(grub_dropin_write(root, "112M", "Estimated for a test image;\na second line."));
        text = test_read_file(path);
        ASSERT_STREQ(text, expected_dropin);
        ASSERT_OK(stat(path, &st));
        ASSERT_EQ(st.st_mode & 07777, 0644);
        _cleanup_free_ char *dir = test_path(root, "etc/default/grub.d");
        ASSERT_OK(stat(dir, &st));
        ASSERT_EQ(st.st_mode & 07777, 0755);
}

TEST(dropin_replaced) {
        const char *root = test_tmpdir();
        _cleanup_free_ char *path = test_path(root, "etc/default/grub.d/kdump.cfg"), *text = NULL;

        free(test_write_file(root, "etc/default/grub.d/kdump.cfg", "old\n"));
        ASSERT_OK(grub_dropin_write(root, "crashkernel=96M", NULL));
        text = test_read_file(path);
        ASSERT_CONTAINS(text, "crashkernel=96M\"\n");
        ASSERT_NOT_CONTAINS(text, "old");
        ASSERT_NOT_CONTAINS(text, "# \n");
        /* nothing left beside it: the write was a rename */
        _cleanup_free_ char *dir = test_path(root, "etc/default/grub.d");
        DIR *d = ASSERT_NOT_NULL(opendir(dir));
        unsigned n = 0;
        for (struct dirent *de; (de = readdir(d));)
                n += de->d_name[0] != '.';
        closedir(d);
        ASSERT_EQ(n, 1);
}

TEST(dropin_refuses_bad_value) {
        const char *root = test_tmpdir();
        _cleanup_free_ char *path = test_path(root, "etc/default/grub.d/kdump.cfg");

        ASSERT_ERROR(grub_dropin_write(root, "96M\"; reboot; \"", NULL), EINVAL);
        ASSERT_TRUE(access(path, F_OK) < 0 && errno == ENOENT);
}

/* What update-grub does with the file: /etc/default/grub, then each
 * drop-in, sourced by sh. */
TEST(dropin_sourced_by_sh) {
        const char *root = test_tmpdir();
        _cleanup_free_ char *grub = test_write_file(root, "etc/default/grub",
                                                    "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet crashkernel=64M\"\n");
        _cleanup_free_ char *dropin = test_path(root, "etc/default/grub.d/kdump.cfg");
        _cleanup_free_ char *out = test_path(root, "out"), *script = NULL, *text = NULL;

        ASSERT_OK(grub_dropin_write(root, "crashkernel=1G-4G:96M,4G-:128M", "reason"));
        ASSERT_OK(asprintf(&script, ". '%s'; . '%s'; printf '%%s' \"$GRUB_CMDLINE_LINUX_DEFAULT\" >'%s'", grub, dropin,
                           out));
        ASSERT_EQ(spawn_and_wait(STRV_MAKE("sh", "-c", script), NULL), 0);
        text = test_read_file(out);
        /* the kernel takes the last crashkernel=: ours */
        ASSERT_STREQ(text, "quiet crashkernel=64M crashkernel=1G-4G:96M,4G-:128M");
}
