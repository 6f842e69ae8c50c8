/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/mkdumprd/manifest-diff.h: kdumpctl status names the inputs that
 * changed since the last build, from two manifests in the form
 * manifest.c writes. */
#include "manifest-diff.h"
#include "tests.h"

#define BUILT                                                                   \
        "kdumpd-manifest 2\n"                                                   \
        "kernel-release 6.1.0-18-amd64\n"                                       \
        "file /boot/vmlinuz-6.1.0-18-amd64 sha256:aaaa\n"                       \
        "file /usr/lib/kdumpd/kdump-capture sha256:bbbb\n"                      \
        "file /usr/bin/makedumpfile sha256:cccc\n"                              \
        "file /etc/modprobe.d/my opts.conf sha256:dddd\n"                       \
        "program scp missing\n"                                                 \
        "interface eth0\nmac 52:54:00:12:34:56\naddress 10.0.2.15/24\n"         \
        "server 10.0.2.2\n"                                                     \
        "known-hosts-begin\n10.0.2.2 ssh-ed25519 AAAA\nknown-hosts-end\n"       \
        "config-begin\nssh root@10.0.2.2\npath /var/crash\nconfig-end\n"

static char **changed(const char *built, const char *current) {
        char **l = NULL;
        ASSERT_OK(manifest_changed_inputs(built, current, &l));
        return ASSERT_NOT_NULL(l);
}

TEST(same_manifest_nothing_changed) {
        _cleanup_strv_free_ char **l = changed(BUILT, BUILT);
        ASSERT_STRV_EQ(l, STRV_EMPTY);
}

TEST(file_content_changed) {
        _cleanup_strv_free_ char **l = changed(BUILT, "kdumpd-manifest 2\n"
                                                      "kernel-release 6.1.0-18-amd64\n"
                                                      "file /boot/vmlinuz-6.1.0-18-amd64 sha256:aaaa\n"
                                                      "file /usr/lib/kdumpd/kdump-capture sha256:bbbb\n"
                                                      "file /usr/bin/makedumpfile sha256:ffff\n"
                                                      "file /etc/modprobe.d/my opts.conf missing\n"
                                                      "program scp missing\n"
                                                      "interface eth0\nmac 52:54:00:12:34:56\naddress 10.0.2.15/24\n"
                                                      "server 10.0.2.2\n"
                                                      "known-hosts-begin\n10.0.2.2 ssh-ed25519 AAAA\nknown-hosts-end\n"
                                                      "config-begin\nssh root@10.0.2.2\npath /var/crash\nconfig-end\n");
        ASSERT_STRV_EQ(l, STRV_MAKE("/usr/bin/makedumpfile", "/etc/modprobe.d/my opts.conf"));
}

/* Blocks and the route are one input each, whatever line of them moved. */
TEST(blocks_and_route_are_one_input) {
        _cleanup_strv_free_ char **l = changed(BUILT, "kdumpd-manifest 2\n"
                                                      "kernel-release 6.1.0-18-amd64\n"
                                                      "file /boot/vmlinuz-6.1.0-18-amd64 sha256:aaaa\n"
                                                      "file /usr/lib/kdumpd/kdump-capture sha256:bbbb\n"
                                                      "file /usr/bin/makedumpfile sha256:cccc\n"
                                                      "file /etc/modprobe.d/my opts.conf sha256:dddd\n"
                                                      "program scp missing\n"
                                                      "interface eth0\nmac 52:54:00:12:34:56\naddress 10.0.2.16/24\n"
                                                      "server 10.0.2.2\n"
                                                      "known-hosts-begin\n10.0.2.2 ssh-ed25519 BBBB\nknown-hosts-end\n"
                                                      "config-begin\nssh root@10.0.2.2\npath /var/crash/new\nconfig-end\n");
        ASSERT_STRV_EQ(l, STRV_MAKE("network route", "ssh known hosts", "kdump.conf"));
}

/* An input only one side has counts: new ones in order, then the gone. */
TEST(added_and_removed_inputs) {
        _cleanup_strv_free_ char **l = changed("kdumpd-manifest 1\n"
                                               "kernel-release 6.1.0-17-amd64\n"
                                               "file /usr/sbin/makedumpfile sha256:cccc\n"
                                               "target-device /dev/vda1 ext4\n"
                                               "lvm-begin\nvg lv\nlvm-end\n"
                                               "config-begin\npath /var/crash\nconfig-end\n",
                                               "kdumpd-manifest 2\n"
                                               "kernel-release 6.1.0-18-amd64\n"
                                               "file /usr/bin/makedumpfile sha256:cccc\n"
                                               "target-device /dev/vda1 ext4\n"
                                               "file /etc/kdump/pre.d/10-hook sha256:eeee\n"
                                               "config-begin\npath /var/crash\nconfig-end\n");
        ASSERT_STRV_EQ(l, STRV_MAKE("manifest format", "kernel release", "/usr/bin/makedumpfile",
                                    "/etc/kdump/pre.d/10-hook", "/usr/sbin/makedumpfile", "LVM layout"));
}

/* The kernel's config now says it reads zstd: the image is built again. */
TEST(image_compression_changed) {
        _cleanup_strv_free_ char **l = changed("kdumpd-manifest 3\nkernel-release 6.1.0-17-amd64\n"
                                               "image-compression dracut\nconfig-begin\npath /x\nconfig-end\n",
                                               "kdumpd-manifest 3\nkernel-release 6.1.0-17-amd64\n"
                                               "image-compression zstd\nconfig-begin\npath /x\nconfig-end\n");
        ASSERT_STRV_EQ(l, STRV_MAKE("image compression (zstd needs CONFIG_RD_ZSTD in the kernel's config)"));
}

/* dump_stall_timeout changed in kdumpd.conf: the image carries it. An
 * image built before the capture read kdumpd.conf lacks the block. */
TEST(capture_settings_changed) {
        _cleanup_strv_free_ char **l = changed("kdumpd-manifest 3\nconfig-begin\npath /x\nconfig-end\n"
                                               "capture-settings-begin\ndump_stall_timeout = 120\ncapture-settings-end\n",
                                               "kdumpd-manifest 3\nconfig-begin\npath /x\nconfig-end\n"
                                               "capture-settings-begin\ndump_stall_timeout = 30\ncapture-settings-end\n");
        ASSERT_STRV_EQ(l, STRV_MAKE("kdumpd.conf (what the capture reads of it)"));
        _cleanup_strv_free_ char **m = changed("kdumpd-manifest 3\nconfig-begin\npath /x\nconfig-end\n",
                                               "kdumpd-manifest 3\nconfig-begin\npath /x\nconfig-end\n"
                                               "capture-settings-begin\ndump_stall_timeout = 120\ncapture-settings-end\n");
        ASSERT_STRV_EQ(m, STRV_MAKE("kdumpd.conf (what the capture reads of it)"));
}

/* No image built yet: everything is new. A block cut short still counts. */
TEST(no_built_manifest) {
        _cleanup_strv_free_ char **l = changed(NULL, "kdumpd-manifest 2\nconfig-begin\npath /x\n");
        ASSERT_STRV_EQ(l, STRV_MAKE("manifest format", "kdump.conf"));
        _cleanup_strv_free_ char **m = changed("", "");
        ASSERT_STRV_EQ(m, STRV_EMPTY);
}

TEST(refuses_null_ret) {
        ASSERT_ERROR(manifest_changed_inputs("", "", NULL), EINVAL);
}
