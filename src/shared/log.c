/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include "kdump-config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The only process-wide state in the project: where this program logs. It
 * is set once from main() and never changes afterwards. */
static const char *log_program = "kdumpd";
static int log_max_level = LOG_INFO;
static int log_to_journal_stream;

void log_open(const char *program) {
        log_program = program;
        log_to_journal_stream = getenv("JOURNAL_STREAM") != NULL;
        const char *l = getenv("KDUMPD_LOG_LEVEL");
        if (l && strcmp(l, "debug") == 0)
                log_max_level = LOG_DEBUG;
}

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_internal(int level, int error, const char *file, int line, const char *fmt, ...) {
        int e = error < 0 ? -error : error;
        char buf[2048];
        va_list ap;

        if (level > log_max_level)
                return error < 0 ? error : -e;

        /* %m in fmt means the error passed in, not whatever errno holds now. */
        errno = e;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);

        if (log_to_journal_stream)
                fprintf(stderr, "<%d>%s\n", level, buf);
        else if (level <= LOG_WARNING)
                fprintf(stderr, "%s: %s\n", log_program, buf);
        else
                fprintf(stderr, "%s\n", buf);
        (void) file;
        (void) line;
        return -e;
}

void log_config_diagnostics(struct ConfigDiagnostics *d) {
        for (char **m = d->messages; m && *m; m++)
                log_full_errno(strstr(*m, ": error: ") ? LOG_ERR : LOG_WARNING, 0, "%s", *m);
        config_diagnostics_done(d);
}
