/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/kexec-core/crash-region.h against a fake root (sysfs files, iomem,
 * lockdown) in a temp dir, and kexec_load_error_explain()'s hints. */
#include <unistd.h>

#include "crash-region.h"
#include "kexec-load.h"
#include "tests.h"

/* What root sees on an x86-64 machine booted with crashkernel=256M: the
 * region nests under System RAM. */
static const char iomem_root[] =
        "00000000-00000fff : Reserved\n"
        "00001000-0009fbff : System RAM\n"
        "000a0000-000bffff : PCI Bus 0000:00\n"
        "00100000-bffdffff : System RAM\n"
        "  01000000-01ffffff : Kernel code\n"
        "  02000000-0266dfff : Kernel rodata\n"
        "  a2000000-b1ffffff : Crash kernel\n"
        "c0000000-febfffff : PCI Bus 0000:00\n"
        "100000000-13fffffff : System RAM\n";

/* The same file read by a user without CAP_SYS_ADMIN: every address is 0. */
static const char iomem_user[] =
        "00000000-00000000 : Reserved\n"
        "00000000-00000000 : System RAM\n"
        "  00000000-00000000 : Kernel code\n"
        "  00000000-00000000 : Crash kernel\n";

static void make_root(const char *loaded, const char *size, const char *iomem, const char *lockdown) {
        const char *root = test_tmpdir();
        if (loaded)
                free(test_write_file(root, "sys/kernel/kexec_crash_loaded", loaded));
        if (size)
                free(test_write_file(root, "sys/kernel/kexec_crash_size", size));
        if (iomem)
                free(test_write_file(root, "proc/iomem", iomem));
        if (lockdown)
                free(test_write_file(root, "sys/kernel/security/lockdown", lockdown));
}

TEST(crash_region_read_full) {
        _cleanup_(crash_region_done) CrashRegion cr = {};

        make_root("1\n", "268435456\n", iomem_root, "none [integrity] confidentiality\n");
        ASSERT_OK(crash_region_read(test_tmpdir(), &cr));
        ASSERT_TRUE(cr.loaded);
        ASSERT_EQ_U64(cr.size, 256ULL << 20);
        ASSERT_TRUE(cr.have_range);
        ASSERT_EQ_U64(cr.start, 0xa2000000);
        ASSERT_EQ_U64(cr.end, 0xb1ffffff);
        /* Inclusive bounds: the range is exactly the reserved size. */
        ASSERT_EQ_U64(cr.end - cr.start + 1, cr.size);
        ASSERT_STREQ(cr.lockdown, "integrity");
}

TEST(crash_region_read_not_loaded) {
        _cleanup_(crash_region_done) CrashRegion cr = {};

        make_root("0\n", "268435456\n", iomem_root, "[none] integrity confidentiality\n");
        ASSERT_OK(crash_region_read(test_tmpdir(), &cr));
        ASSERT_FALSE(cr.loaded);
        ASSERT_TRUE(cr.have_range);
        ASSERT_STREQ(cr.lockdown, "none");
}

TEST(crash_region_read_high_range) {
        /* crashkernel=…,high puts the region above 4 GiB. */
        _cleanup_(crash_region_done) CrashRegion cr = {};

        make_root("1\n", "536870912\n",
                  "100000000-27fffffff : System RAM\n  25f000000-27effffff : Crash kernel\n", NULL);
        ASSERT_OK(crash_region_read(test_tmpdir(), &cr));
        ASSERT_TRUE(cr.have_range);
        ASSERT_EQ_U64(cr.start, 0x25f000000ULL);
        ASSERT_EQ_U64(cr.end, 0x27effffffULL);
}

TEST(crash_region_read_zeros_mean_no_range) {
        _cleanup_(crash_region_done) CrashRegion cr = {};

        make_root("1\n", "268435456\n", iomem_user, NULL);
        ASSERT_OK(crash_region_read(test_tmpdir(), &cr));
        ASSERT_TRUE(cr.loaded);
        ASSERT_EQ_U64(cr.size, 256ULL << 20);
        ASSERT_FALSE(cr.have_range);
        ASSERT_EQ_U64(cr.start, 0);
        ASSERT_EQ_U64(cr.end, 0);
}

TEST(crash_region_read_no_reservation) {
        /* Booted without crashkernel=: size 0 and no iomem line. */
        _cleanup_(crash_region_done) CrashRegion cr = {};

        make_root("0\n", "0\n", "00100000-bffdffff : System RAM\n", NULL);
        ASSERT_OK(crash_region_read(test_tmpdir(), &cr));
        ASSERT_FALSE(cr.loaded);
        ASSERT_EQ_U64(cr.size, 0);
        ASSERT_FALSE(cr.have_range);
}

TEST(crash_region_read_optional_files) {
        /* No kexec_crash_size, no iomem, no securityfs: still a result. */
        _cleanup_(crash_region_done) CrashRegion cr = {};

        make_root("1\n", NULL, NULL, NULL);
        ASSERT_OK(crash_region_read(test_tmpdir(), &cr));
        ASSERT_TRUE(cr.loaded);
        ASSERT_EQ_U64(cr.size, 0);
        ASSERT_FALSE(cr.have_range);
        ASSERT_NULL(cr.lockdown);
}

TEST(crash_region_read_missing_loaded) {
        /* No kexec_crash_loaded: a kernel without kexec at all. */
        CrashRegion cr = { .size = 42 };

        make_root(NULL, "268435456\n", iomem_root, NULL);
        ASSERT_ERROR(crash_region_read(test_tmpdir(), &cr), ENOENT);
        /* ret is written only on success. */
        ASSERT_EQ_U64(cr.size, 42);
}

TEST(crash_region_read_garbage) {
        CrashRegion cr = {};

        make_root("1\n", "lots\n", NULL, NULL);
        ASSERT_ERROR(crash_region_read(test_tmpdir(), &cr), EBADMSG);
        ASSERT_NULL(cr.lockdown);
}

TEST(crash_region_read_arguments) {
        CrashRegion cr = {};

        ASSERT_ERROR(crash_region_read(NULL, &cr), EINVAL);
        ASSERT_ERROR(crash_region_read("", NULL), EINVAL);
}

TEST(crash_region_done_twice) {
        CrashRegion cr = { .lockdown = strdup("integrity") };

        crash_region_done(&cr);
        ASSERT_NULL(cr.lockdown);
        crash_region_done(&cr);
}

TEST(explain_no_reservation) {
        CrashRegion cr = { .size = 0 };
        const char *s;

        /* Whatever the error, no reserved memory is the thing to fix first. */
        s = kexec_load_error_explain(-ENOMEM, &cr);
        ASSERT_CONTAINS(s, "crashkernel=");
        ASSERT_CONTAINS(s, "reboot");
        ASSERT_STREQ(kexec_load_error_explain(-EINVAL, &cr), s);
        ASSERT_STREQ(kexec_load_error_explain(-EPERM, &cr), s);
}

TEST(explain_lockdown) {
        CrashRegion locked = { .size = 256 << 20, .lockdown = (char *) "integrity" };
        CrashRegion open = { .size = 256 << 20, .lockdown = (char *) "none" };
        CrashRegion unknown = { .size = 256 << 20 };
        const char *s;

        s = kexec_load_error_explain(-EPERM, &locked);
        ASSERT_CONTAINS(s, "lockdown");
        ASSERT_CONTAINS(s, "signed");
        /* Not in lockdown: the hint must not blame it on lockdown mode. */
        ASSERT_STRNE(kexec_load_error_explain(-EPERM, &open), s);
        ASSERT_CONTAINS(kexec_load_error_explain(-EPERM, &open), "kexec_load_disabled");
        ASSERT_STRNE(kexec_load_error_explain(-EPERM, &unknown), s);
        /* A positive errno means the same. */
        ASSERT_STREQ(kexec_load_error_explain(EPERM, &locked), s);
}

TEST(explain_other_errors) {
        CrashRegion cr = { .size = 256 << 20 };

        ASSERT_CONTAINS(kexec_load_error_explain(-EKEYREJECTED, &cr), "signature");
        ASSERT_CONTAINS(kexec_load_error_explain(-ENOMEM, &cr), "too small");
        ASSERT_CONTAINS(kexec_load_error_explain(-ENOSYS, &cr), "CONFIG_KEXEC_FILE");
        ASSERT_CONTAINS(kexec_load_error_explain(-ENOENT, &cr), "does not exist");
        /* Never NULL, also without a region and for errors it does not know. */
        ASSERT_NOT_NULL(kexec_load_error_explain(-EIO, &cr));
        ASSERT_NOT_NULL(kexec_load_error_explain(-EIO, NULL));
        ASSERT_NOT_NULL(kexec_load_error_explain(0, NULL));
}
