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

TEST(signature_counts_online_cpus_and_memory_blocks) {
        const char *sys = test_tmpdir();
        char *a = NULL, *b = NULL;

        free(test_write_file(sys, "devices/system/cpu/online", "0-1\n"));
        free(test_write_file(sys, "devices/system/memory/memory0/online", "1\n"));
        free(test_write_file(sys, "devices/system/memory/memory1/online", "1\n"));
        free(test_write_file(sys, "devices/system/memory/block_size_bytes", "8000000\n"));
        ASSERT_OK(hotplug_signature(sys, &a));
        ASSERT_STREQ(a, "cpus 0-1, memory blocks 2 of 2 online");
        /* A DIMM's blocks arrive offline, then go online. */
        free(test_write_file(sys, "devices/system/memory/memory32/online", "0\n"));
        ASSERT_OK(hotplug_signature(sys, &b));
        ASSERT_STREQ(b, "cpus 0-1, memory blocks 2 of 3 online");
        free(b);
        free(test_write_file(sys, "devices/system/memory/memory32/online", "1\n"));
        ASSERT_OK(hotplug_signature(sys, &b));
        ASSERT_STRNE(a, b);
        free(a);
        free(b);
}
