/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "env-path.h"

#include <stdlib.h>

const char *env_path(const char *name, const char *fallback) {
        const char *v = secure_getenv(name);
        return v && v[0] == '/' ? v : fallback;
}
