/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* x86-64: what a capture boot needs beyond the generic set. */
#include "capture-cmdline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

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

/* /proc/cpuinfo: "processor : 0" starts CPU 0's block; its "apicid : N"
 * is the boot CPU's (Linux numbers the boot CPU 0). */
int capture_cmdline_arch_cpus(const char *cpuinfo, unsigned cpus, char **ret) {
        _cleanup_fclose_ FILE *f = NULL;
        char line[256];
        long cpu = -1, apicid = -1;

        assert_return(cpuinfo && ret, -EINVAL);
        *ret = NULL;
        if (cpus <= 1)
                return 0;
        f = fopen(cpuinfo, "re");
        if (!f)
                return negative_errno();
        while (fgets(line, sizeof(line), f)) {
                long v;
                /* A blank in the format matches the tabs cpuinfo has. */
                if (sscanf(line, "processor : %ld", &v) == 1)
                        cpu = v;
                else if (cpu == 0 && sscanf(line, "apicid : %ld", &v) == 1) {
                        apicid = v;
                        break;
                }
        }
        if (apicid < 0)
                return -ENODATA;
        return asprintf(ret, "disable_cpu_apicid=%ld", apicid) < 0 ? -ENOMEM : 0;
}
