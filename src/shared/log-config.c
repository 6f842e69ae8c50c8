/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A configuration parser's diagnostics, logged: apart from log.c, which
 * every program links, since it pulls in kdump-config.c and libconfuse. */
#include "log.h"

#include <string.h>

#include "kdump-config.h"

void log_config_diagnostics(struct ConfigDiagnostics *d) {
        for (char **m = d->messages; m && *m; m++)
                log_full_errno(strstr(*m, ": error: ") ? LOG_ERR : LOG_WARNING, 0, "%s", *m);
        config_diagnostics_done(d);
}
