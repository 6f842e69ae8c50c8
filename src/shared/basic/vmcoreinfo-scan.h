/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A value of the dead kernel's VMCOREINFO (the KEY=VALUE note the kernel
 * leaves for dump tools: OSRELEASE=, BUILD-ID=, …) read from a saved dump.
 * Both formats the capture writes keep that note uncompressed near the
 * file's start: an ELF vmcore in its PT_NOTE segment, makedumpfile's
 * kdump-compressed format in its sub-header (offset_vmcoreinfo). So this
 * scans the first VMCOREINFO_SCAN_BYTES for the note's text, which starts
 * with "OSRELEASE=", and reads KEY from that note alone, without knowing
 * either format.
 *
 * Library code: returns -errno, never logs. */
#pragma once

#define VMCOREINFO_SCAN_BYTES (8u << 20)

/* The value of key in the VMCOREINFO of the dump at path. -ENODATA when
 * the file has no VMCOREINFO or it lacks key (older kernels write no
 * BUILD-ID=). */
int vmcoreinfo_find(const char *path, const char *key, char **ret);
