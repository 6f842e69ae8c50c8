/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdumpd's own settings, /etc/kdump/kdumpd.conf: how the first kernel arms
 * (capture command line, capture kernel, CPUs), which events panic the
 * machine while it is armed, and how it looks after old dumps. libconfuse's native syntax ("key = value", lists "{ "a", "b" }").
 * One parser, one immutable validated value. Library code: it never logs;
 * what it has to say goes into a ConfigDiagnostics as "FILE:LINE: error: …". */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdump-config.h"
#include "kdump-paths.h"
#include "panic-triggers.h"

#define KDUMPD_SETTINGS_PATH "/etc/kdump/kdumpd.conf"

#define KDUMPD_SETTINGS_CAPTURE_CPUS_MAX 8192u /* the kernel's largest NR_CPUS */
/* A build of the capture image under TCG, the slowest machine it was
 * measured on, takes 35 s; a real one a few seconds to a minute. Fifteen
 * minutes is a build that hangs (a device or FIFO it reads, an NFS mount
 * of an input that stopped answering), not a slow one. */
#define KDUMPD_SETTINGS_BUILD_TIMEOUT_DEFAULT 900
/* A DHCP server answers in a second; a switch port that runs STP on
 * link-up forwards after 30 s (2 × 15 s forward delay). */
#define KDUMPD_SETTINGS_CAPTURE_DHCP_TIMEOUT_DEFAULT 45
#define KDUMPD_SETTINGS_CAPTURE_DHCP_TIMEOUT_MAX 600

/* dump_stall_timeout's default, in seconds: longer than the pauses a
 * target that still works shows, and than the limits that end a dead one
 * by themselves (the capture's NFS soft mount, timeo=100,retrans=3, gives
 * up on an RPC after 10+20+30+40 = 100 s; dbclient on a server that misses
 * its keepalives after 3 × 15 s), so that those say what happened; short
 * enough that a machine whose dump target stalled is back in minutes, not
 * at the collector's deadline (600 s plus 1 s per 4 MiB of memory: 73 h
 * for 1 TiB). */
#define KDUMPD_SETTINGS_DUMP_STALL_TIMEOUT_DEFAULT 120

typedef struct KdumpdSettings KdumpdSettings;

typedef enum KdumpdSettingsSource {
        KDUMPD_SETTINGS_FROM_FILE,
        KDUMPD_SETTINGS_DEFAULTS, /* the file does not exist */
} KdumpdSettingsSource;

/* Parses text; name is used in messages. Returns -EINVAL when the text has
 * errors (they are in diag), -ENOMEM, or 0. */
int kdumpd_settings_parse_string(const char *name, const char *text, ConfigDiagnostics *diag, KdumpdSettings **ret);
/* Returns -ENOENT for a missing file, like any other read error. */
int kdumpd_settings_parse_file(const char *path, ConfigDiagnostics *diag, KdumpdSettings **ret);
/* Like kdumpd_settings_parse_file(), but a missing file gives the defaults:
 * returns a KdumpdSettingsSource, or -errno. */
int kdumpd_settings_load(const char *path, ConfigDiagnostics *diag, KdumpdSettings **ret);

KdumpdSettings *kdumpd_settings_free(KdumpdSettings *s);
static inline void kdumpd_settings_freep(KdumpdSettings **s) {
        kdumpd_settings_free(*s);
}
#define _cleanup_kdumpd_settings_free_ __attribute__((cleanup(kdumpd_settings_freep)))

/* Parameters added to / removed from the capture command line, for
 * capture_cmdline_build(). Never NULL (an empty vector). */
char * const *kdumpd_settings_capture_cmdline_append(const KdumpdSettings *s);
char * const *kdumpd_settings_capture_cmdline_remove(const KdumpdSettings *s);
/* The kernel release to arm with; NULL: the running kernel. */
const char *kdumpd_settings_kernel(const KdumpdSettings *s);
/* nr_cpus= of the capture kernel, ≥ 1. */
unsigned kdumpd_settings_capture_cpus(const KdumpdSettings *s);
/* makedumpfile --num-threads; 0: makedumpfile's default (one thread). */
unsigned kdumpd_settings_makedumpfile_threads(const KdumpdSettings *s);
/* Seconds the capture's collector may make no progress (read, write,
 * compute nothing) before it is stopped and failure_action runs; 0: no
 * such watchdog, only the collector's deadline. */
unsigned kdumpd_settings_dump_stall_timeout(const KdumpdSettings *s);
/* How many dump directories to keep; 0: all. */
unsigned kdumpd_settings_keep_dumps(const KdumpdSettings *s);
/* Warn when the dump filesystem has less free space; 0: no check. */
uint64_t kdumpd_settings_min_free_mb(const KdumpdSettings *s);
/* Seconds dracut may take to build the capture image before it is
 * stopped and the build counts as failed; 0: no limit. */
unsigned kdumpd_settings_build_timeout(const KdumpdSettings *s);
/* Network targets whose address came from DHCP: seconds the capture waits
 * for a lease, and whether it then sets the address it had at build time
 * ("static") or fails ("none", the default). */
unsigned kdumpd_settings_capture_dhcp_timeout(const KdumpdSettings *s);
bool kdumpd_settings_capture_dhcp_fallback(const KdumpdSettings *s);
/* The events that panic the machine while a capture kernel is loaded
 * (panic-triggers.h); PANIC_TRIGGERS_DEFAULT when the file says nothing. */
PanicTriggerSet kdumpd_settings_panic_triggers(const KdumpdSettings *s);
/* kernel.hung_task_timeout_secs while "hung-task" is a trigger; 0: the
 * kernel's own. */
unsigned kdumpd_settings_hung_task_timeout(const KdumpdSettings *s);

/* The effective settings in the file's syntax, every key, defaults filled
 * in ("kernel" as a comment when it is the running kernel). Parsing the
 * output again gives the same value. */
int kdumpd_settings_format(const KdumpdSettings *s, FILE *out);
/* The same for the keys the capture program reads (dump_stall_timeout):
 * what mkdumprd bakes into the capture image as its kdumpd.conf. Only
 * these, so that a change to any other key does not rebuild the image. */
int kdumpd_settings_format_capture(const KdumpdSettings *s, FILE *out);
