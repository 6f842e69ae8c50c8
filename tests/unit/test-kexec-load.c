/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kexec_file_load(2) faked: the test links with -Wl,--wrap=syscall, so the
 * kexec core's syscall() comes here; every other call goes through. */
#include <stdarg.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kexec-load.h"
#include "tests.h"

#define FLAG_UNLOAD 0x1
#define FLAG_ON_CRASH 0x2
#define FLAG_NO_INITRAMFS 0x4

static struct {
        int calls;
        int fail_errno; /* 0: succeed */
        int kernel_fd, initrd_fd;
        unsigned long cmdline_len, flags;
        char cmdline[256];
} fake;

long __real_syscall(long number, ...);

long __wrap_syscall(long number, ...) {
        va_list ap;
        long a[6];

        va_start(ap, number);
        for (int i = 0; i < 6; i++)
                a[i] = va_arg(ap, long);
        va_end(ap);
        if (number != SYS_kexec_file_load)
                return __real_syscall(number, a[0], a[1], a[2], a[3], a[4], a[5]);
        fake.calls++;
        fake.kernel_fd = (int) a[0];
        fake.initrd_fd = (int) a[1];
        fake.cmdline_len = (unsigned long) a[2];
        fake.flags = (unsigned long) a[4];
        snprintf(fake.cmdline, sizeof(fake.cmdline), "%s", a[3] ? (const char *) a[3] : "");
        if (fake.fail_errno) {
                errno = fake.fail_errno;
                return -1;
        }
        return 0;
}

static char *files(char **initrd) {
        *initrd = test_write_file(test_tmpdir(), "initrd.img", "initrd");
        return test_write_file(test_tmpdir(), "vmlinuz", "kernel");
}

TEST(load_passes_crash_flag_and_cmdline_with_its_nul) {
        char *initrd, *kernel = files(&initrd);

        fake = (typeof(fake)) {};
        ASSERT_OK(kexec_crash_load(kernel, initrd, "console=ttyS0 nr_cpus=1"));
        ASSERT_EQ(fake.calls, 1);
        ASSERT_EQ((int) fake.flags, FLAG_ON_CRASH);
        ASSERT_TRUE(fake.kernel_fd >= 0 && fake.initrd_fd >= 0);
        ASSERT_EQ((int) fake.cmdline_len, (int) strlen("console=ttyS0 nr_cpus=1") + 1);
        ASSERT_STREQ(fake.cmdline, "console=ttyS0 nr_cpus=1");
        free(kernel);
        free(initrd);
}

TEST(load_without_initrd_says_so) {
        char *initrd, *kernel = files(&initrd);

        fake = (typeof(fake)) {};
        ASSERT_OK(kexec_crash_load(kernel, NULL, "x"));
        ASSERT_EQ((int) fake.flags, FLAG_ON_CRASH | FLAG_NO_INITRAMFS);
        ASSERT_EQ(fake.initrd_fd, -1);
        free(kernel);
        free(initrd);
}

TEST(missing_file_is_not_a_syscall) {
        char *initrd, *kernel = files(&initrd);
        char *missing = test_path(test_tmpdir(), "nope");

        fake = (typeof(fake)) {};
        ASSERT_ERROR(kexec_crash_load(missing, initrd, "x"), ENOENT);
        ASSERT_ERROR(kexec_crash_load(kernel, missing, "x"), ENOENT);
        ASSERT_EQ(fake.calls, 0);
        free(kernel);
        free(initrd);
        free(missing);
}

/* What the kernel answers reaches the caller as -errno, and each gets a
 * sentence an admin can act on. */
TEST(kernel_errors_are_returned_and_explained) {
        static const struct {
                int error;
                const char *lockdown;
                const char *says;
        } cases[] = {
                { EADDRNOTAVAIL, NULL, "crash region is too small" },
                { ENOMEM, NULL, "crash region is too small" },
                { E2BIG, NULL, "crash region is too small" },
                { EPERM, "integrity", "lockdown mode" },
                { EPERM, "none", "kexec_load_disabled" },
                { EKEYREJECTED, NULL, "signature" },
                { EBADMSG, NULL, "signature" },
                { ENOEXEC, NULL, "format this kernel cannot kexec" },
                { ENOSYS, NULL, "CONFIG_KEXEC_FILE" },
                { EBUSY, NULL, "try again" },
                { EIO, NULL, "refused to load" },
        };
        char *initrd, *kernel = files(&initrd);

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                CrashRegion region = { .size = 96 << 20, .lockdown = (char *) cases[i].lockdown };
                fake = (typeof(fake)) { .fail_errno = cases[i].error };
                int r = kexec_crash_load(kernel, initrd, "x");
                ASSERT_EQ(r, -cases[i].error);
                ASSERT_CONTAINS(kexec_load_error_explain(r, &region), cases[i].says);
        }
        /* No region at all outweighs what the kernel said. */
        CrashRegion none = {};
        ASSERT_CONTAINS(kexec_load_error_explain(-ENOMEM, &none), "crashkernel=");
        free(kernel);
        free(initrd);
}

TEST(unload_of_nothing_is_fine) {
        fake = (typeof(fake)) { .fail_errno = ENOENT };
        ASSERT_OK(kexec_crash_unload());
        ASSERT_EQ((int) fake.flags, FLAG_ON_CRASH | FLAG_UNLOAD);
        ASSERT_EQ(fake.kernel_fd, -1);
        fake = (typeof(fake)) { .fail_errno = EPERM };
        ASSERT_ERROR(kexec_crash_unload(), EPERM);
}
