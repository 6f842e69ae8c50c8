/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* How much memory crashkernel= must reserve for a capture, from what the
 * capture kernel really loads and unpacks (the kernel's in-memory size,
 * the packed and the unpacked initramfs) and what runs in it (the kernel's
 * own allocations, makedumpfile, whose bitmaps grow with this machine's
 * RAM, and lvm when the image activates a volume). The constants are
 * calibrated against crashes measured under QEMU; crashkernel-size.c says
 * which. No logging: -errno and text for the caller to show. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct InitramfsInfo;

#define CRASHKERNEL_STEP (UINT64_C(16) << 20)

typedef struct CrashkernelInputs {
        uint64_t kernel_size;         /* the capture kernel in memory (bzImage init_size) */
        uint64_t initramfs_packed;    /* the image file */
        uint64_t initramfs_unpacked;  /* its archives decompressed */
        uint64_t memory;              /* RAM of the machine whose memory is dumped */
        bool lvm;                     /* the capture activates an LVM volume */
        bool nfs;                     /* it mounts NFS: the NFS client's modules */
        bool net_links;               /* it makes a bond, VLAN or bridge */
        bool dhcp;                    /* it runs a DHCP client */
} CrashkernelInputs;

typedef struct CrashkernelTerm {
        const char *name;   /* a few words, for a column or a JSON key */
        uint64_t bytes;
        const char *why;
} CrashkernelTerm;

#define CRASHKERNEL_TERMS_MAX 12

typedef struct CrashkernelEstimate {
        CrashkernelTerm terms[CRASHKERNEL_TERMS_MAX];
        size_t n_terms;
        uint64_t sum;       /* of the terms */
        uint64_t size;      /* sum rounded up to CRASHKERNEL_STEP: what to reserve */
} CrashkernelEstimate;

/* Fills in the terms, their sum and the size to reserve. */
int crashkernel_estimate(const CrashkernelInputs *in, CrashkernelEstimate *ret);

/* The estimate as text, one line a term and then the sum and the rounded
 * size, each with its MiB: "  capture kernel in memory   63.6 MiB  (…)". */
int crashkernel_estimate_lines(const CrashkernelEstimate *e, char ***ret);

/* The image's part of the inputs: its sizes, whether it carries lvm, the
 * NFS client, the bonding, 8021q or bridge module, the DHCP client. */
void crashkernel_inputs_from_image(const struct InitramfsInfo *info, CrashkernelInputs *in);

/* "crashkernel=96M" for a size in bytes (rounded up to whole MiB). */
int crashkernel_format(uint64_t size, char **ret);

/* A crashkernel= value for any machine of this kernel: the range form
 * ("crashkernel=1G-4G:96M,…"), each range sized by the estimate for a
 * typical image at the range's top. kernel_size as above. */
int crashkernel_default(uint64_t kernel_size, char **ret);
/* The kernel size crashkernel_default() assumes when the kernel cannot be
 * read: Debian 12's 6.1 kernel for x86-64, measured. */
#define CRASHKERNEL_REFERENCE_KERNEL_SIZE UINT64_C(0x3f97000)

/* The memory a kernel image needs once loaded: x86's bzImage says it in
 * its setup header (init_size, boot protocol 2.10 and later), arm64's
 * Image in its header (image_size). -EMEDIUMTYPE: a format that says no
 * size (a compressed arm64 vmlinuz, an old bzImage). */
int kernel_image_size(const char *path, uint64_t *ret);

/* MemTotal from a /proc/meminfo file, in bytes. */
int memory_total_read(const char *meminfo_path, uint64_t *ret);
