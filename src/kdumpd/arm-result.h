/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What an arming loaded, and the one-line text form in which kdumpd-arm
 * reports it and kdumpd hands it back to the next arming (--loaded). */
#pragma once

#include <stdbool.h>

typedef struct ArmResult {
        char *kver;
        char *kernel;  /* /boot/vmlinuz-<kver> */
        char *initrd;
        char *cmdline;
        unsigned long long crash_size;
        bool built;  /* this arming built its image */
} ArmResult;

void arm_result_done(ArmResult *r);

/* "KVER\tKERNEL\tINITRD\tCMDLINE\tCRASH_SIZE\tBUILT" (BUILT: 0 or 1); a tab
 * or newline inside a field becomes a space. */
int arm_result_format(const ArmResult *r, char **ret);
/* The reverse; -EBADMSG for anything but six fields with a number and a
 * 0 or 1 at their end. */
int arm_result_parse(const char *text, ArmResult *ret);
