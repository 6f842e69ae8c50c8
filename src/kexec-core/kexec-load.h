/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Loading and unloading the capture kernel with kexec_file_load(2): the
 * only place in the project that makes kexec system calls. */
#pragma once

#include "crash-region.h"

/* Loads kernel + initramfs + command line into the crash region. The
 * kernel replaces any image loaded before (it frees the old one first:
 * a failed load leaves nothing loaded). */
int kexec_crash_load(const char *kernel_path, const char *initrd_path, const char *cmdline);

/* Unloads the crash image; 0 also when none was loaded. */
int kexec_crash_unload(void);

/* A sentence an admin can act on for an error returned by
 * kexec_crash_load(), given what the kernel says about its region.
 * Never NULL; static or owned by nobody. */
const char *kexec_load_error_explain(int error, const CrashRegion *region);
