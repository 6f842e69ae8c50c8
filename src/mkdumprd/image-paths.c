/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "image-paths.h"

#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"

bool image_program_exists(const char *name) {
        static const char *const dirs[] = { IMAGE_PATH_DIRS };
        if (strchr(name, '/'))
                return is_executable_file(name);
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", dirs[i], name) < 0)
                        return false;
                if (is_executable_file(p))
                        return true;
        }
        return false;
}
