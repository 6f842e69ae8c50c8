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

/* crash_hotplug says 1 only while a capture kernel the kernel can update
 * is loaded (0 before the first load: what kdumpd saw at its start on
 * Debian 13, where it then loaded again on every hot-plug). The watch is
 * always made; each event asks crash_hotplug anew. */
TEST(watch_is_made_whatever_crash_hotplug_says_at_start) {
        const char *sys = test_tmpdir();
        sd_event *e = NULL;
        HotplugWatch *w = NULL;

        free(test_write_file(sys, "devices/system/memory/crash_hotplug", "1\n"));
        free(test_write_file(sys, "devices/system/cpu/crash_hotplug", "0\n"));
        ASSERT_OK(sd_event_new(&e));
        ASSERT_OK(hotplug_watch_new(e, sys, 1000, never, NULL, &w));
        ASSERT_NOT_NULL(w);
        w = hotplug_watch_free(w);
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
