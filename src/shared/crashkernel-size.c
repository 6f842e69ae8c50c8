/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "crashkernel-size.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "initramfs-inspect.h"
#include "macro.h"
#include "meminfo.h"
#include "strv.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)

/* The model: while the capture kernel unpacks its initramfs it holds its
 * own image, the packed initramfs (freed only after unpacking) and the
 * unpacked files at once; then userspace runs beside the files. The terms
 * are added (a bound, not a peak: the packed image is gone by the time
 * makedumpfile runs), so the sum errs on the safe side.
 *
 * Calibration: crashes measured with tests/vm, Debian 12's 6.1 kernel
 * (init_size 63.6 MiB) under QEMU, 1, 2 and 4 GiB guests alike:
 *   disk target, dracut, 2.27 MB packed, 5.58 MB unpacked: OOM at
 *                                          80-88M, dumps at 96M;
 *   the same with its modules uncompressed, 2.44 MB packed, 7.5 MiB
 *   unpacked: OOM while unpacking at 96M in one crash of 27 (CI),
 *                                          dumps at 96M in the others;
 *                                          64M: kexec_file_load EADDRNOTAVAIL
 *   busybox + makedumpfile, 3.4 MB:        OOM at 80-88M, dumps at 96M
 *   LVM target, 5.2 MB packed, 8.7 MB unpacked: OOM at 96M and 100M,
 *                                          flaky at 104M, dumps at 112M
 *   dracut dash+udev, 8.0 MB xz, 26 MB unpacked: OOM at 112M, dumps at 128M
 * The sum of the fixed terms (runtime reserve + makedumpfile) must put the
 * small images above 88M and at most 96M, the uncompressed-modules image
 * above 96M, and the LVM image above 104M and at most 112M: between 22.6
 * and 24.9 MiB. 17 + 6 = 23 MiB is near the middle. What a 96M capture kernel reports agrees: "Memory:
 * 33716K/98932K available" at boot, about 30 MiB once the 5.3 MiB rootfs
 * is unpacked and the packed image freed, for the kernel's allocations
 * and userspace; 8 MiB less (88M) runs out. */
#define RUNTIME_RESERVE (UINT64_C(17) * MIB)
#define MAKEDUMPFILE_BASE (UINT64_C(6) * MIB)
/* lvm runs its activation as a critical section: it allocates and locks
 * activation/reserved_memory first (8192 KiB unless lvm.conf says other;
 * the capture image's lvm.conf does not). */
#define LVM_RESERVED_MEMORY (UINT64_C(8192) * 1024)
/* Network targets, measured with tests/vm (1 GiB guests, Debian 12):
 * the NFS client's modules (sunrpc, lockd, nfs, nfsv4, …) take about
 * 6 MiB of kernel memory once loaded, which the image's files do not
 * show: an NFS image of 2.8 MiB packed and 6.0 MiB unpacked sums to
 * 95.5 MiB without them and runs out at 96M; it dumps at 112M (nfs,
 * nfs4, nfs-bond, nfs-bridge). bonding, bridge (with stp, llc) and
 * 8021q loaded, and the links they make, cost far less, as does udhcpc
 * running beside the capture program: one term each, on the safe side. */
#define NFS_CLIENT (UINT64_C(6) * MIB)
#define NET_LINKS (UINT64_C(1) * MIB)
#define DHCP_CLIENT (UINT64_C(1) * MIB)
/* makedumpfile keeps two bitmaps of the dumped memory (pages in use, pages
 * to write), one bit per page each. */
#define BITMAP_PAGE_SIZE UINT64_C(4096)
#define BITMAPS 2

static uint64_t bitmaps_size(uint64_t memory) {
        uint64_t pages = (memory + BITMAP_PAGE_SIZE - 1) / BITMAP_PAGE_SIZE;
        return BITMAPS * ((pages + 7) / 8);
}

static void term_add(CrashkernelEstimate *e, const char *name, uint64_t bytes, const char *why) {
        assert(e->n_terms < CRASHKERNEL_TERMS_MAX);
        e->terms[e->n_terms++] = (CrashkernelTerm) { .name = name, .bytes = bytes, .why = why };
        e->sum += bytes;
}

int crashkernel_estimate(const CrashkernelInputs *in, CrashkernelEstimate *ret) {
        CrashkernelEstimate e = {};

        assert_return(in && ret, -EINVAL);
        assert_return(in->kernel_size > 0 && in->initramfs_packed > 0, -EINVAL);
        /* Sizes this large are not an image or a kernel: garbage in. */
        assert_return(in->kernel_size < 64 * GIB && in->initramfs_packed < 64 * GIB &&
                              in->initramfs_unpacked < 64 * GIB && in->memory < (UINT64_C(1) << 52),
                      -ERANGE);

        term_add(&e, "capture kernel", in->kernel_size,
                 "init_size from the kernel's header: decompressed image, bss, early tables");
        term_add(&e, "initramfs, packed", in->initramfs_packed,
                 "the image as kexec loads it; freed only once it is unpacked");
        term_add(&e, "initramfs, unpacked", in->initramfs_unpacked,
                 "the files in the capture kernel's rootfs");
        term_add(&e, "kernel runtime", RUNTIME_RESERVE,
                 "slab, page tables, memory map, loaded modules, driver buffers, free-page reserve");
        term_add(&e, "makedumpfile", MAKEDUMPFILE_BASE,
                 "makedumpfile and the capture program: heap, buffers, stacks");
        term_add(&e, "makedumpfile bitmaps", bitmaps_size(in->memory),
                 "2 bitmaps, 1 bit per 4 KiB page of this machine's RAM");
        if (in->lvm)
                term_add(&e, "lvm activation", LVM_RESERVED_MEMORY,
                         "lvm locks activation/reserved_memory (8192 KiB) while it activates");
        if (in->nfs)
                term_add(&e, "NFS client", NFS_CLIENT, "sunrpc, lockd, nfs, nfsv4 loaded, and their caches");
        if (in->net_links)
                term_add(&e, "bond, VLAN, bridge", NET_LINKS, "bonding, 8021q or bridge loaded, the links they make");
        if (in->dhcp)
                term_add(&e, "DHCP client", DHCP_CLIENT, "busybox udhcpc while it asks for a lease");
        e.size = (e.sum + CRASHKERNEL_STEP - 1) / CRASHKERNEL_STEP * CRASHKERNEL_STEP;
        *ret = e;
        return 0;
}

int crashkernel_estimate_lines(const CrashkernelEstimate *e, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        assert_return(e && ret, -EINVAL);
        for (size_t i = 0; i < e->n_terms; i++)
                if (strv_extendf(&l, "%-22s %7.1f MiB  (%s)", e->terms[i].name, (double) e->terms[i].bytes / MIB,
                                 e->terms[i].why) < 0)
                        return -ENOMEM;
        if (strv_extendf(&l, "%-22s %7.1f MiB", "sum", (double) e->sum / MIB) < 0 ||
            strv_extendf(&l, "%-22s %5" PRIu64 "   MiB  (the sum rounded up to a multiple of %" PRIu64 " MiB)", "to reserve",
                         e->size / MIB, CRASHKERNEL_STEP / MIB) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

void crashkernel_inputs_from_image(const InitramfsInfo *info, CrashkernelInputs *in) {
        in->initramfs_packed = info->packed_size;
        in->initramfs_unpacked = info->unpacked_size;
        in->lvm = initramfs_info_find_program(info, "lvm") != NULL;
        in->nfs = in->net_links = in->dhcp = false;
        for (size_t i = 0; i < info->n_entries; i++) {
                const char *p = info->entries[i].path, *base = strrchr(p, '/');
                base = base ? base + 1 : p;
                if (strstr(p, "/kernel/fs/nfs/"))
                        in->nfs = true;
                if (strncmp(base, "bonding.ko", 10) == 0 || strncmp(base, "bridge.ko", 9) == 0 ||
                    strncmp(base, "8021q.ko", 8) == 0)
                        in->net_links = true;
                if (strcmp(base, "kdump-dhcp-lease") == 0)
                        in->dhcp = true;
        }
}

int crashkernel_format(uint64_t size, char **ret) {
        assert_return(ret, -EINVAL);
        if (asprintf(ret, "crashkernel=%" PRIu64 "M", (size + MIB - 1) / MIB) < 0)
                return -ENOMEM;
        return 0;
}

/* The default's image: kdumpd's dracut image for a local disk target, as
 * measured in the guests (it dumps at 96M). An LVM or network target needs
 * more; "kdumpctl estimate" tells, once the real image is built. */
#define REFERENCE_PACKED UINT64_C(2270816)
#define REFERENCE_UNPACKED UINT64_C(5575680)

int crashkernel_default(uint64_t kernel_size, char **ret) {
        /* The RAM term is the only one that depends on the machine: each
         * range is sized for the RAM at its top. Past 1 TiB the size stops
         * growing: makedumpfile then works through its bitmaps in cycles
         * that fit the memory it has (slower, not failing). Below 1 GiB
         * nothing is reserved: such a machine cannot spare 96 MiB. Equal
         * neighbours merge: "1G-4G:96M,4G-256G:112M,256G-:160M" for
         * Debian 12's kernel. */
        static const struct {
                uint64_t from, to; /* to == 0: open */
                const char *from_s, *to_s;
        } ranges[] = {
                { 1 * GIB, 4 * GIB, "1G", "4G" },
                { 4 * GIB, 64 * GIB, "4G", "64G" },
                { 64 * GIB, 256 * GIB, "64G", "256G" },
                { 256 * GIB, 1024 * GIB, "256G", "1T" },
                { 1024 * GIB, 0, "1T", "" },
        };
        uint64_t sizes[ELEMENTSOF(ranges)];
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        FILE *f;
        int r;

        assert_return(ret, -EINVAL);
        if (kernel_size == 0)
                kernel_size = CRASHKERNEL_REFERENCE_KERNEL_SIZE;
        for (size_t i = 0; i < ELEMENTSOF(ranges); i++) {
                CrashkernelEstimate e;
                CrashkernelInputs in = {
                        .kernel_size = kernel_size,
                        .initramfs_packed = REFERENCE_PACKED,
                        .initramfs_unpacked = REFERENCE_UNPACKED,
                        .memory = ranges[i].to ? ranges[i].to : ranges[i].from,
                };
                r = crashkernel_estimate(&in, &e);
                if (r < 0)
                        return r;
                sizes[i] = e.size;
        }
        f = open_memstream(&text, &len);
        if (!f)
                return -ENOMEM;
        fputs("crashkernel=", f);
        for (size_t i = 0, first = 0; i < ELEMENTSOF(ranges); i++) {
                if (i + 1 < ELEMENTSOF(ranges) && sizes[i + 1] == sizes[i])
                        continue; /* the next range says the same: one range */
                fprintf(f, "%s%s-%s:%" PRIu64 "M", first > 0 ? "," : "", ranges[first].from_s, ranges[i].to_s,
                        sizes[i] / MIB);
                first = i + 1;
        }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(text);
        return 0;
}

static uint32_t le32(const uint8_t *p) {
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static uint64_t le64(const uint8_t *p) {
        return (uint64_t) le32(p) | (uint64_t) le32(p + 4) << 32;
}

int kernel_image_size(const char *path, uint64_t *ret) {
        uint8_t h[0x268];
        ssize_t n;

        assert_return(path && ret, -EINVAL);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        n = pread(fd, h, sizeof(h), 0);
        if (n < 0)
                return negative_errno();
        /* x86 boot protocol (the kernel's Documentation/arch/x86/boot.rst):
         * "HdrS" at 0x202, the protocol version at 0x206, and from 2.10 on
         * init_size at 0x260: the memory the kernel needs from its load
         * address on until it has set itself up. */
        if ((size_t) n >= sizeof(h) && memcmp(h + 0x202, "HdrS", 4) == 0) {
                uint16_t version = (uint16_t) (h[0x206] | h[0x207] << 8);
                uint32_t init_size = le32(h + 0x260);
                if (version < 0x020a || init_size == 0)
                        return -EMEDIUMTYPE;
                *ret = init_size;
                return 0;
        }
        /* arm64 Image (Documentation/arch/arm64/booting.rst): "ARM\x64" at
         * 0x38, the effective image size, bss included, at 0x10. */
        if ((size_t) n >= 0x40 && memcmp(h + 0x38, "ARM\x64", 4) == 0) {
                uint64_t size = le64(h + 0x10);
                if (size == 0)
                        return -EMEDIUMTYPE;
                *ret = size;
                return 0;
        }
        return -EMEDIUMTYPE;
}

int memory_total_read(const char *meminfo_path, uint64_t *ret) {
        return meminfo_read_field(meminfo_path, "MemTotal", ret);
}
