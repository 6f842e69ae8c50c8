/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/crashkernel-size.h: the estimate reproduces the crashkernel=
 * sizes measured with real crashes (tests/vm, Debian 12's 6.1 kernel in
 * 1-4 GiB QEMU guests), and the kernel header and meminfo readers. */
#include <sys/stat.h>

#include "crashkernel-size.h"
#include "initramfs-inspect.h"
#include "meminfo.h"
#include "tests.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define MB UINT64_C(1000000)

static CrashkernelEstimate estimate(uint64_t packed, uint64_t unpacked, uint64_t memory, bool lvm) {
        CrashkernelEstimate e;
        CrashkernelInputs in = {
                .kernel_size = CRASHKERNEL_REFERENCE_KERNEL_SIZE,
                .initramfs_packed = packed,
                .initramfs_unpacked = unpacked,
                .memory = memory,
                .lvm = lvm,
        };
        ASSERT_OK(crashkernel_estimate(&in, &e));
        return e;
}

/* For each measured image: where it failed (the sum must be above) and
 * where it dumped (what to reserve), in every guest size tried. */
TEST(measured_crashes) {
        static const struct {
                const char *image;
                uint64_t packed, unpacked;
                bool lvm;
                uint64_t failed_mib, works_mib;
        } cases[] = {
                /* kdumpd's dracut image, local disk: OOM at 80-88M */
                { "disk target", 2270816, 5575680, false, 88, 96 },
                /* busybox + makedumpfile, an uncompressed cpio: OOM at 80-88M */
                { "busybox", 34 * MB / 10, 34 * MB / 10, false, 88, 96 },
                /* LVM target: OOM at 96M and 100M, flaky at 104M */
                { "LVM target", 52 * MB / 10, 87 * MB / 10, true, 104, 112 },
                /* dracut with dash and udev, 8.0 MB xz, 26 MB unpacked: OOM at 112M */
                { "dracut dash+udev", 8 * MB, 26 * MB, false, 112, 128 },
        };
        static const uint64_t guests[] = { 1 * GIB, 2 * GIB, 4 * GIB };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                for (size_t g = 0; g < ELEMENTSOF(guests); g++) {
                        CrashkernelEstimate e = estimate(cases[i].packed, cases[i].unpacked, guests[g], cases[i].lvm);
                        test_set_context("%s, %" PRIu64 " GiB", cases[i].image, guests[g] / GIB);
                        ASSERT_EQ_U64(e.size, cases[i].works_mib * MIB);
                        ASSERT_GT(e.sum, cases[i].failed_mib * MIB);
                        ASSERT_LE(e.sum, e.size);
                }
}

/* kdumpd's image with its modules uncompressed ran out of memory while
 * unpacking at 96M once in 27 crashes: 96M is not enough for it. */
TEST(measured_flaky_at_96M) {
        static const uint64_t guests[] = { 1 * GIB, 2 * GIB, 4 * GIB };

        for (size_t g = 0; g < ELEMENTSOF(guests); g++) {
                CrashkernelEstimate e = estimate(2437654, 75 * MIB / 10, guests[g], false);
                test_set_context("uncompressed modules, %" PRIu64 " GiB", guests[g] / GIB);
                ASSERT_GT(e.sum, 96 * MIB);
        }
}

TEST(load_needs_the_kernel_and_the_packed_image) {
        /* 64M failed at load (EADDRNOTAVAIL): kernel and image alone are more */
        CrashkernelEstimate e = estimate(2270816, 5575680, GIB, false);
        ASSERT_STREQ(e.terms[0].name, "capture kernel");
        ASSERT_STREQ(e.terms[1].name, "initramfs, packed");
        ASSERT_GT(e.terms[0].bytes + e.terms[1].bytes, 64 * MIB);
}

TEST(memory_term) {
        /* two bitmaps, one bit per 4 KiB page each */
        CrashkernelEstimate small = estimate(MIB, MIB, 4 * GIB, false), big = estimate(MIB, MIB, 1024 * GIB, false);
        ASSERT_EQ(small.n_terms, 6);
        ASSERT_STREQ(small.terms[5].name, "makedumpfile bitmaps");
        ASSERT_EQ_U64(small.terms[5].bytes, 256 * 1024);
        ASSERT_EQ_U64(big.terms[5].bytes, 64 * MIB);
        ASSERT_EQ_U64(big.sum - small.sum, 64 * MIB - 256 * 1024);
        /* a size that is not a whole number of pages rounds up */
        CrashkernelEstimate odd = estimate(MIB, MIB, 4096 * 8 + 1, false);
        ASSERT_EQ_U64(odd.terms[5].bytes, 4);
}

TEST(lvm_term) {
        CrashkernelEstimate with = estimate(MIB, MIB, GIB, true), without = estimate(MIB, MIB, GIB, false);
        ASSERT_EQ(with.n_terms, without.n_terms + 1);
        ASSERT_STREQ(with.terms[with.n_terms - 1].name, "lvm activation");
        ASSERT_EQ_U64(with.sum - without.sum, 8 * MIB);
}

TEST(rounding) {
        CrashkernelEstimate e = estimate(MIB, MIB, GIB, false);
        ASSERT_EQ_U64(e.size % CRASHKERNEL_STEP, 0);
        ASSERT_GE(e.size, e.sum);
        ASSERT_LT(e.size - e.sum, CRASHKERNEL_STEP);
}

TEST(refused_inputs) {
        CrashkernelEstimate e;
        CrashkernelInputs in = { .kernel_size = 64 * MIB, .initramfs_packed = MIB, .initramfs_unpacked = MIB, .memory = GIB };

        ASSERT_ERROR(crashkernel_estimate(NULL, &e), EINVAL);
        ASSERT_ERROR(crashkernel_estimate(&in, NULL), EINVAL);
        in.kernel_size = 0;
        ASSERT_ERROR(crashkernel_estimate(&in, &e), EINVAL);
        in.kernel_size = 64 * MIB;
        in.initramfs_unpacked = UINT64_MAX;
        ASSERT_ERROR(crashkernel_estimate(&in, &e), ERANGE);
}

TEST(reasoning_lines) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *text = NULL;
        CrashkernelEstimate e = estimate(52 * MB / 10, 87 * MB / 10, 4 * GIB, true);

        ASSERT_OK(crashkernel_estimate_lines(&e, &l));
        ASSERT_EQ(strv_length(l), e.n_terms + 2);
        text = ASSERT_NOT_NULL(strv_join(l, "\n"));
        ASSERT_CONTAINS(l[0], "capture kernel");
        ASSERT_CONTAINS(l[0], "63.6 MiB");
        ASSERT_CONTAINS(l[0], "init_size");
        ASSERT_CONTAINS(l[1], "initramfs, packed");
        ASSERT_CONTAINS(l[1], "5.0 MiB");
        ASSERT_CONTAINS(l[2], "8.3 MiB");
        ASSERT_CONTAINS(l[3], "17.0 MiB");
        ASSERT_CONTAINS(l[4], "6.0 MiB");
        ASSERT_CONTAINS(l[5], "0.2 MiB");
        ASSERT_CONTAINS(l[6], "lvm activation");
        ASSERT_CONTAINS(l[6], "8.0 MiB");
        ASSERT_CONTAINS(l[7], "sum");
        ASSERT_CONTAINS(l[7], "108.1 MiB");
        ASSERT_CONTAINS(l[8], "112");
        ASSERT_CONTAINS(l[8], "16 MiB");
        /* every term line names its size in MiB */
        for (size_t i = 0; i < e.n_terms; i++)
                ASSERT_CONTAINS(l[i], " MiB  (");
}

TEST(inputs_from_image) {
        InitramfsEntry entries[] = {
                { .path = (char *) "usr", .mode = S_IFDIR | 0755 },
                { .path = (char *) "usr/sbin", .mode = S_IFDIR | 0755 },
                { .path = (char *) "usr/sbin/lvm", .mode = S_IFREG | 0755, .size = 3 },
        };
        InitramfsInfo info = { .packed_size = 5, .unpacked_size = 7, .entries = entries, .n_entries = 3 };
        CrashkernelInputs in = {};

        crashkernel_inputs_from_image(&info, &in);
        ASSERT_EQ_U64(in.initramfs_packed, 5);
        ASSERT_EQ_U64(in.initramfs_unpacked, 7);
        ASSERT_TRUE(in.lvm);
        info.n_entries = 2;
        crashkernel_inputs_from_image(&info, &in);
        ASSERT_FALSE(in.lvm);
}

/* Network targets: what the image carries adds the terms measured in the
 * vm suite's crashes; an NFS image that sums to 95.5 MiB without its
 * client's modules ran out at 96M and dumps at 112M. */
TEST(network_terms) {
        InitramfsEntry entries[] = {
                { .path = (char *) "usr/lib/modules/6.1.0-50-amd64/kernel/fs/nfs/nfs.ko.xz", .mode = S_IFREG | 0644 },
                { .path = (char *) "usr/lib/modules/6.1.0-50-amd64/kernel/drivers/net/bonding/bonding.ko.xz",
                  .mode = S_IFREG | 0644 },
                { .path = (char *) "usr/lib/kdumpd/kdump-dhcp-lease", .mode = S_IFREG | 0755 },
        };
        InitramfsInfo info = { .packed_size = 2963316, .unpacked_size = 6 * MIB, .entries = entries, .n_entries = 3 };
        CrashkernelInputs in = { .kernel_size = CRASHKERNEL_REFERENCE_KERNEL_SIZE, .memory = 1 * GIB };
        CrashkernelEstimate e;

        crashkernel_inputs_from_image(&info, &in);
        ASSERT_TRUE(in.nfs && in.net_links && in.dhcp);
        ASSERT_OK(crashkernel_estimate(&in, &e));
        ASSERT_EQ_U64(e.size, 112 * MIB);
        ASSERT_STREQ(e.terms[e.n_terms - 3].name, "NFS client");
        in.net_links = in.dhcp = false;
        ASSERT_OK(crashkernel_estimate(&in, &e));
        ASSERT_GT(e.sum, 96 * MIB);
        ASSERT_EQ_U64(e.size, 112 * MIB);
        info.n_entries = 0;
        crashkernel_inputs_from_image(&info, &in);
        ASSERT_FALSE(in.nfs || in.net_links || in.dhcp);
}

TEST(format) {
        _cleanup_free_ char *a = NULL, *b = NULL;
        ASSERT_OK(crashkernel_format(96 * MIB, &a));
        ASSERT_STREQ(a, "crashkernel=96M");
        ASSERT_OK(crashkernel_format(96 * MIB + 1, &b));
        ASSERT_STREQ(b, "crashkernel=97M");
}

TEST(default_ranges) {
        _cleanup_free_ char *debian = NULL, *unknown = NULL, *bigger = NULL;

        ASSERT_OK(crashkernel_default(CRASHKERNEL_REFERENCE_KERNEL_SIZE, &debian));
        ASSERT_STREQ(debian, "crashkernel=1G-4G:96M,4G-256G:112M,256G-:160M");
        ASSERT_OK(crashkernel_default(0, &unknown));
        ASSERT_STREQ(unknown, debian);
        /* a kernel 8 MiB larger needs more everywhere */
        ASSERT_OK(crashkernel_default(CRASHKERNEL_REFERENCE_KERNEL_SIZE + 8 * MIB, &bigger));
        ASSERT_STREQ(bigger, "crashkernel=1G-64G:112M,64G-256G:128M,256G-:176M");
}

static char *write_bytes(const char *name, const uint8_t *data, size_t size) {
        char *path = test_path(test_tmpdir(), name);
        FILE *f = ASSERT_NOT_NULL(fopen(path, "we"));
        ASSERT_EQ(fwrite(data, 1, size, f), size);
        ASSERT_EQ(fclose(f), 0);
        return path;
}

TEST(kernel_image_size_bzimage) {
        uint8_t h[0x400] = {};
        uint64_t size = 0;

        h[0x1fe] = 0x55;
        h[0x1ff] = 0xaa;
        memcpy(h + 0x202, "HdrS", 4);
        h[0x206] = 0x0f; /* protocol 2.15 */
        h[0x207] = 0x02;
        h[0x260] = 0x00; /* init_size 0x03f97000, Debian 12's 6.1 */
        h[0x261] = 0x70;
        h[0x262] = 0xf9;
        h[0x263] = 0x03;
        _cleanup_free_ char *p = write_bytes("vmlinuz", h, sizeof(h));
        ASSERT_OK(kernel_image_size(p, &size));
        ASSERT_EQ_U64(size, 0x3f97000);

        h[0x206] = 0x09; /* 2.09 has no init_size */
        _cleanup_free_ char *old = write_bytes("vmlinuz-old", h, sizeof(h));
        ASSERT_ERROR(kernel_image_size(old, &size), EMEDIUMTYPE);
        _cleanup_free_ char *cut = write_bytes("vmlinuz-cut", h, 0x250);
        ASSERT_ERROR(kernel_image_size(cut, &size), EMEDIUMTYPE);
}

TEST(kernel_image_size_arm64) {
        uint8_t h[0x40] = {};
        uint64_t size = 0;

        h[0x10] = 0x00; /* image_size 0x2a30000 */
        h[0x11] = 0x00;
        h[0x12] = 0xa3;
        h[0x13] = 0x02;
        memcpy(h + 0x38, "ARM\x64", 4);
        _cleanup_free_ char *p = write_bytes("Image", h, sizeof(h));
        ASSERT_OK(kernel_image_size(p, &size));
        ASSERT_EQ_U64(size, 0x2a30000);
}

TEST(kernel_image_size_unknown) {
        uint64_t size;
        _cleanup_free_ char *gz = write_bytes("vmlinuz.gz", (const uint8_t *) "\x1f\x8b\x08\x00", 4);
        _cleanup_free_ char *missing = test_path(test_tmpdir(), "missing");

        ASSERT_ERROR(kernel_image_size(gz, &size), EMEDIUMTYPE);
        ASSERT_ERROR(kernel_image_size(missing, &size), ENOENT);
}

TEST(memory_total) {
        uint64_t m = 0;
        _cleanup_free_ char *p = test_write_file(test_tmpdir(), "meminfo",
                                                 "MemFree:          254772 kB\n"
                                                 "MemTotal:        1001080 kB\n"
                                                 "MemAvailable:     33716 kB\n");
        _cleanup_free_ char *none = test_write_file(test_tmpdir(), "meminfo-none", "MemFree: 1 kB\n");
        _cleanup_free_ char *unit = test_write_file(test_tmpdir(), "meminfo-unit", "MemTotal: 1 MB\n");

        ASSERT_OK(memory_total_read(p, &m));
        ASSERT_EQ_U64(m, UINT64_C(1001080) * 1024);
        ASSERT_ERROR(memory_total_read(none, &m), ENODATA);
        ASSERT_ERROR(memory_total_read(unit, &m), EBADMSG);
        /* Other fields, by their whole name: "Mem" is none of them. */
        ASSERT_OK(meminfo_read_field(p, "MemFree", &m));
        ASSERT_EQ_U64(m, UINT64_C(254772) * 1024);
        ASSERT_OK(meminfo_read_field(p, "MemAvailable", &m));
        ASSERT_EQ_U64(m, UINT64_C(33716) * 1024);
        ASSERT_ERROR(meminfo_read_field(p, "Mem", &m), ENODATA);
}
