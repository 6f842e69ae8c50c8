/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* x86-64: what a capture boot needs beyond the generic set. */
#include "capture-cmdline.h"

#include <stddef.h>

const char * const capture_cmdline_arch_params[] = {
        "acpi_no_memhotplug",        /* the dying kernel's memory map is all there is */
        "transparent_hugepage=never",
        "nokaslr",                   /* a fixed layout is easier to read in crash(8) */
        "hest_disable",              /* firmware error sources replay old errors at boot */
        "novmcoredd",
        "mce=off",                   /* machine checks of the dead kernel are not ours to handle */
        "numa=off",
        NULL,
};
