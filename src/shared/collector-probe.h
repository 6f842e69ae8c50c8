/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What makedumpfile really excludes on this kernel, measured rather than
 * assumed. makedumpfile prints "The kernel version is not supported" for
 * every kernel newer than it knows, and that warning alone says nothing:
 * 1.7.2 on Linux 6.1 still finds every free page, 1.7.6 on Linux 6.12
 * finds none, so "-d 31" keeps the machine's free memory in the dump.
 * `makedumpfile --mem-usage /proc/kcore` counts what each dump level
 * bit would exclude on the running kernel; `kdumpctl probe-collector`
 * runs it once per (makedumpfile, kernel) pair and keeps the counts in
 * COLLECTOR_PROBE_PATH, where builds, `kdumpctl check` and `status` and
 * the next boot's report read them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define COLLECTOR_PROBE_PATH "/var/lib/kdump/collector-probe"
/* Beside a dump taken with a collector the probe found wanting: the
 * warning, written by the capture; the next boot's report repeats it. */
#define COLLECTOR_NOTE_FILE "collector-note.txt"

/* Less free memory than this at the probe, and "no free page found"
 * proves nothing. */
#define COLLECTOR_PROBE_MIN_FREE_BYTES (64ULL << 20)

/* The report of `makedumpfile --mem-usage`, in pages. */
typedef struct MemUsage {
        bool kernel_unsupported; /* it printed "The kernel version is not supported." */
        uint64_t zero, non_pri_cache, pri_cache, user, free, kern_data;
        uint64_t total;          /* "Total pages on system" */
        uint64_t page_size;
} MemUsage;

/* -EBADMSG when text holds no FREE row or no page total. */
int mem_usage_parse(const char *text, MemUsage *ret);

typedef struct CollectorProbe {
        char *kernel;     /* uname -r at the probe */
        char *identity;   /* collector_identity() of the makedumpfile measured */
        char *version;    /* "1.7.6", or NULL when --version said nothing we read */
        MemUsage usage;
        uint64_t mem_free_bytes; /* MemFree just before the probe */
        uint64_t taken_at;       /* CLOCK_REALTIME µs */
} CollectorProbe;

void collector_probe_done(CollectorProbe *p);

/* "PATH SIZE MTIME" of program as PATH finds it: a package upgrade
 * changes it, and the probe is taken again. */
int collector_identity(const char *program, char **ret);

/* "1.7.6" out of `makedumpfile -v`'s "makedumpfile: version 1.7.6
 * (released on …)"; -EBADMSG otherwise. */
int makedumpfile_version_parse(const char *text, char **ret);

/* The verdict: free pages were there to find and makedumpfile found
 * none. */
bool collector_probe_free_pages_missed(const CollectorProbe *p);

int collector_probe_format(const CollectorProbe *p, char **ret);
int collector_probe_parse(const char *text, CollectorProbe *ret);
int collector_probe_read(const char *path, CollectorProbe *ret);
int collector_probe_write(const char *path, const CollectorProbe *p);

/* Whether collector_argv (core_collector's words) asks makedumpfile to
 * exclude free pages: a "-d"/"--dump-level" level with bit 16 set. */
bool collector_excludes_free_pages(char * const *collector_argv);

/* The warning a build of an image for kver with collector_argv deserves,
 * or NULL in *ret: only when the probe at path was taken on kver with the
 * makedumpfile installed now, found free pages missed, and the collector
 * asks for them to be excluded. Errors reading the probe give NULL. */
int collector_probe_warning(const char *path, const char *kver, char * const *collector_argv, char **ret);
