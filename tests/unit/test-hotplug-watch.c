/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hotplug-watch.h"
#include "tests.h"

TEST(kernel_updates_headers_only_when_it_says_1) {
        const char *sys = test_tmpdir();

        /* Linux before 6.5: no file, kdumpd loads again itself. */
        ASSERT_FALSE(hotplug_kernel_updates_headers(sys, "memory"));
        free(test_write_file(sys, "devices/system/memory/crash_hotplug", "1\n"));
        free(test_write_file(sys, "devices/system/cpu/crash_hotplug", "0\n"));
        ASSERT_TRUE(hotplug_kernel_updates_headers(sys, "memory"));
        ASSERT_FALSE(hotplug_kernel_updates_headers(sys, "cpu"));
}

static void never(HotplugWatch *w, const char *what, void *userdata) {
}

TEST(nothing_to_watch_when_the_kernel_handles_both) {
        const char *sys = test_tmpdir();
        sd_event *e = NULL;
        HotplugWatch *w = (HotplugWatch *) 1;

        free(test_write_file(sys, "devices/system/memory/crash_hotplug", "1\n"));
        free(test_write_file(sys, "devices/system/cpu/crash_hotplug", "1\n"));
        ASSERT_OK(sd_event_new(&e));
        ASSERT_OK(hotplug_watch_new(e, sys, 1000, never, NULL, &w));
        ASSERT_NULL(w);
        sd_event_unref(e);
}
