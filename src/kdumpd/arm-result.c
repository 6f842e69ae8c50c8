/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "arm-result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"

void arm_result_done(ArmResult *r) {
        free(r->kver);
        free(r->kernel);
        free(r->initrd);
        free(r->cmdline);
        *r = (ArmResult) {};
}

/* The fields are separated by tabs and the text is one line. */
static char *field_clean(const char *s) {
        char *c = strdup(strempty(s));
        for (char *i = c; i && *i; i++)
                if (*i == '\t' || *i == '\n')
                        *i = ' ';
        return c;
}

int arm_result_format(const ArmResult *r, char **ret) {
        _cleanup_free_ char *kver = NULL, *kernel = NULL, *initrd = NULL, *cmdline = NULL;

        assert_return(r && ret, -EINVAL);
        kver = field_clean(r->kver);
        kernel = field_clean(r->kernel);
        initrd = field_clean(r->initrd);
        cmdline = field_clean(r->cmdline);
        if (!kver || !kernel || !initrd || !cmdline)
                return -ENOMEM;
        return asprintf(ret, "%s\t%s\t%s\t%s\t%llu\t%d", kver, kernel, initrd, cmdline, r->crash_size, r->built) < 0
                       ? -ENOMEM
                       : 0;
}

int arm_result_parse(const char *text, ArmResult *ret) {
        _cleanup_free_ char *copy = NULL;
        _cleanup_(arm_result_done) ArmResult res = {};
        char *f[6], *p, *end;

        assert_return(text && ret, -EINVAL);
        p = copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        /* strsep, not strtok: an empty field is a field. */
        for (size_t i = 0; i < ELEMENTSOF(f); i++)
                if (!(f[i] = strsep(&p, "\t")))
                        return -EBADMSG;
        if (p || (strcmp(f[5], "0") != 0 && strcmp(f[5], "1") != 0))
                return -EBADMSG;
        errno = 0;
        res.crash_size = strtoull(f[4], &end, 10);
        if (errno != 0 || end == f[4] || *end)
                return -EBADMSG;
        res.built = f[5][0] == '1';
        res.kver = strdup(f[0]);
        res.kernel = strdup(f[1]);
        res.initrd = strdup(f[2]);
        res.cmdline = strdup(f[3]);
        if (!res.kver || !res.kernel || !res.initrd || !res.cmdline)
                return -ENOMEM;
        *ret = res;
        res = (ArmResult) {};
        return 0;
}
