/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The transaction's decision after a failed load: what is loaded again. */
#include "arm.h"
#include "tests.h"

static const ArmResult previous = {
        .kver = (char *) "6.1.0-1", .kernel = (char *) "/boot/vmlinuz-6.1.0-1",
        .initrd = (char *) "/var/lib/kdump/initramfs-6.1.0-1.img", .cmdline = (char *) "old cmdline",
};

TEST(nothing_when_the_kernel_still_has_it) {
        ArmFallback f;
        ASSERT_FALSE(arm_fallback_choose(true, &previous, "/boot/new", "/img", "new", true, true, &f));
        ASSERT_FALSE(arm_fallback_choose(true, NULL, "/boot/new", "/img", "new", true, true, &f));
}

/* A reload: what the previous arming loaded, with its own kernel and
 * command line (the new ones may be what failed). */
TEST(previous_arming_wins) {
        ArmFallback f;
        ASSERT_TRUE(arm_fallback_choose(false, &previous, "/boot/new", "/img", "new cmdline", true, true, &f));
        ASSERT_STREQ(f.kernel, "/boot/vmlinuz-6.1.0-1");
        ASSERT_STREQ(f.initrd, "/var/lib/kdump/initramfs-6.1.0-1.img");
        ASSERT_STREQ(f.cmdline, "old cmdline");
        /* Also when the image was up to date and only the load failed. */
        ASSERT_TRUE(arm_fallback_choose(false, &previous, "/boot/new", "/img", "new cmdline", false, false, &f));
        ASSERT_STREQ(f.cmdline, "old cmdline");
}

/* The first arming: the image on disk, when a new one was built beside
 * it; an up-to-date image that failed would only fail again. */
TEST(first_arming_falls_back_to_the_image_on_disk) {
        ArmFallback f;
        ASSERT_TRUE(arm_fallback_choose(false, NULL, "/boot/k", "/var/lib/kdump/i.img", "c", true, true, &f));
        ASSERT_STREQ(f.kernel, "/boot/k");
        ASSERT_STREQ(f.initrd, "/var/lib/kdump/i.img");
        ASSERT_STREQ(f.cmdline, "c");
        ASSERT_FALSE(arm_fallback_choose(false, NULL, "/boot/k", "/var/lib/kdump/i.img", "c", false, true, &f));
        ASSERT_FALSE(arm_fallback_choose(false, NULL, "/boot/k", "/var/lib/kdump/i.img", "c", true, false, &f));
        ArmResult empty = {};
        ASSERT_FALSE(arm_fallback_choose(false, &empty, "/boot/k", "/i.img", "c", true, false, &f));
}
