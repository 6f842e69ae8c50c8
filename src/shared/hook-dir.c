/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "hook-dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

int hook_dir_list(const char *dir, ConfigDiagnostics *diag, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        struct dirent **entries = NULL;
        int n = scandir(dir, &entries, NULL, alphasort), r = 0;

        if (n < 0) {
                if (errno != ENOENT)
                        return negative_errno();
                *ret = NULL;
                return 0;
        }
        for (int i = 0; i < n; i++) {
                _cleanup_free_ char *p = NULL;
                if (r < 0 || entries[i]->d_name[0] == '.')
                        goto next;
                if (asprintf(&p, "%s/%s", dir, entries[i]->d_name) < 0) {
                        r = -ENOMEM;
                        goto next;
                }
                if (is_executable_file(p))
                        r = strv_extend(&l, p);
                else if (diag)
                        r = config_diagnostics_add(diag, p, 0, false, "not an executable file; it will not run");
        next:
                free(entries[i]);
        }
        free(entries);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

