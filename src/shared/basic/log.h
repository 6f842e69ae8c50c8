/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Logging for program code (never for library code). Under systemd, stderr
 * is a journal stream: each line carries its priority as a "<N>" prefix,
 * which journald parses (sd-daemon(3)). On a terminal, plain text. */
#pragma once

#include <errno.h>
#include <syslog.h>

void log_open(const char *program);
int log_internal(int level, int error, const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
void log_set_max_level(int level);
/* The capture kernel: log into the kernel's ring buffer (/dev/kmsg), which
 * the console shows and kexec-dmesg.log keeps; what the console would not
 * show (below its log level) also goes to stderr. */
int log_open_kmsg(void);

struct ConfigDiagnostics;
/* Logs each "FILE:LINE: error|warning: …" line at its level and empties d.
 * In src/shared/log-config.c, with the parsers (libshared): a program that
 * logs but parses no configuration (the kdumpd daemon) links basic alone. */
void log_config_diagnostics(struct ConfigDiagnostics *d);

#define log_full_errno(level, error, ...) log_internal(level, error, __FILE__, __LINE__, __VA_ARGS__)
#define log_error_errno(error, ...) log_full_errno(LOG_ERR, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, error, __VA_ARGS__)
#define log_debug_errno(error, ...) log_full_errno(LOG_DEBUG, error, __VA_ARGS__)
#define log_error(...) log_full_errno(LOG_ERR, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_notice(...) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_info(...) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_oom() log_error_errno(-ENOMEM, "Out of memory.")
