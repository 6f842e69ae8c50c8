/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "log.h"

#include "macro.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The only process-wide state in the project: where this program logs. It
 * is set once from main() and never changes afterwards. */
static const char *log_program = "kdumpd";
static int log_max_level = LOG_INFO;
static int log_to_journal_stream;
static int log_kmsg_fd = -1;
static int log_console_level = LOG_DEBUG + 1;

/* JOURNAL_STREAM ("DEV:INO") is inherited by everything a service starts;
 * it holds only while stderr still is that stream (a kernel hook that dpkg
 * runs from a service writes to dpkg's log, not to the journal). */
static bool stderr_is_journal_stream(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

void log_open(const char *program) {
        log_program = program;
        log_to_journal_stream = stderr_is_journal_stream();
        const char *l = getenv("KDUMPD_LOG_LEVEL");
        if (l && strcmp(l, "debug") == 0)
                log_max_level = LOG_DEBUG;
}

int log_open_kmsg(void) {
        _cleanup_fclose_ FILE *f = NULL;
        int level;

        log_kmsg_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (log_kmsg_fd < 0)
                return -errno;
        /* The first number of kernel.printk: messages below it reach the
         * console through the kernel; the rest we print ourselves. */
        f = fopen("/proc/sys/kernel/printk", "re");
        if (f && fscanf(f, "%d", &level) == 1)
                log_console_level = level;
        return 0;
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

        if (log_kmsg_fd >= 0) {
                /* One write, one record; "<N>" is its level. (Not dprintf():
                 * glibc's lseeks first, which /dev/kmsg refuses.) */
                /* The kernel refuses records over about 1 KiB: cut long
                 * ones (the end is a newline either way). */
                char rec[1000];
                int n = snprintf(rec, sizeof(rec), "<%d>%s%s%s\n", level, level <= LOG_WARNING ? log_program : "",
                                 level <= LOG_WARNING ? ": " : "", buf);
                if (n >= (int) sizeof(rec)) {
                        n = sizeof(rec) - 1;
                        rec[n - 1] = '\n';
                }
                if (n > 0 && write(log_kmsg_fd, rec, (size_t) n) == n && level < log_console_level)
                        return -e;
        }
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
