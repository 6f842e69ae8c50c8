/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dmesg-scan.h"

#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

char **dmesg_read_lines(const char *path) {
        _cleanup_free_ char *text = NULL;
        char **l = NULL;
        if (!path || read_full_file(path, &text, NULL) < 0)
                return NULL;
        (void) strv_split_lines(text, &l);
        return l;
}

/* "[   12.345678] text" → "text" */
static const char *skip_timestamp(const char *l) {
        if (*l == '[') {
                const char *e = strchr(l, ']');
                if (e)
                        l = e + 1 + (e[1] == ' ');
        }
        return l;
}

char *dmesg_find_panic(char * const *lines) {
        static const char *const what[] = { "Kernel panic - not syncing", "sysrq: Trigger a crash", "BUG: ", "Oops: ",
                                            NULL };
        for (size_t k = 0; what[k]; k++)
                for (char * const *l = lines; l && *l; l++)
                        if (strstr(*l, what[k]))
                                return strdup(skip_timestamp(*l));
        return NULL;
}

char *dmesg_find_kernel(char * const *lines) {
        for (char * const *l = lines; l && *l; l++) {
                const char *v = strstr(*l, "Linux version ");
                if (v) {
                        v += strlen("Linux version ");
                        return strndup(v, strcspn(v, " "));
                }
        }
        return NULL;
}

char *dmesg_find_failure(char * const *lines) {
        for (char * const *l = lines; l && *l; l++) {
                const char *f = strstr(*l, "dump failed in step ");
                if (f)
                        return strdup(f);
        }
        return NULL;
}
