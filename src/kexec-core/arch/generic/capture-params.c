/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Architectures without their own list: the generic set is all. */
#include "capture-cmdline.h"

#include <errno.h>
#include <stddef.h>

const char * const capture_cmdline_arch_params[] = {
        "novmcoredd",
        NULL,
};

int capture_cmdline_arch_cpus(const char *cpuinfo, unsigned cpus, char **ret) {
        if (!cpuinfo || !ret)
                return -EINVAL;
        *ret = NULL;
        return 0;
}
