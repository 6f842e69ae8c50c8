/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One record per crash, whatever kept it (design.md, "After the crash"):
 * a small KEY=VALUE file in the state directory's crashes/ for each crash
 * this machine knows of. The next boot makes them (kdumpd-arm), tells the
 * journal from them, and keep_dumps deletes by them; kdumpctl reads them.
 *
 * A record is <store>/<ID>.crash, 0600, written atomically, one KEY=VALUE a
 * line ('#' lines are comments):
 *   ID=3                    decimal, given in the order the records were
 *                           made: the order in which this machine learned
 *                           of its crashes, oldest first
 *   LEARNED_USEC=…          the first kernel's CLOCK_REALTIME (µs) then
 *   DUMP=dir|raw|fs|nfs|ssh|pstore|none
 *                           what kept the crash (crash_dump_to_string())
 *   LOCATION=…              where (see CrashDump)
 *   COMPLETE=yes|no         a whole vmcore is there
 *   WHY=…                   what failed (incomplete, or before failure_action
 *                           saved it)
 *   KERNEL=…                the crashed kernel's release
 *   PANIC=…                 the line of its log that says why it died
 *   REPORTED=yes|no         the journal was told
 *   DELETED=yes|no          the dump was deleted (keep_dumps, or gone)
 *   TRACE=…                 the capture kernel's boot ID, when it left a trace
 *   DIR_IDENTITY=INO:BTIME  dir, raw: which directory it was (a capture
 *                           kernel without a clock makes the same names again)
 * Values are one line; unknown keys are kept as they are when a record is
 * rewritten, so that a newer kdumpd's fields survive an older one.
 *
 * The capture program writes the same format as <store>/<BOOTID>.trace,
 * without ID, LEARNED_USEC, REPORTED: what it knows of its own crash. The
 * next boot turns each trace into a record.
 *
 * Library code: returns -errno, never logs. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The store under the state directory. */
#define CRASH_STORE_DIR "crashes"
#define CRASH_RECORD_SUFFIX ".crash"
#define CRASH_TRACE_SUFFIX ".trace"

typedef enum CrashDump {
        CRASH_DUMP_NONE,   /* no dump: the capture failed before one existed; LOCATION empty */
        CRASH_DUMP_DIR,    /* a dump directory here: LOCATION its absolute path */
        CRASH_DUMP_RAW,    /* restored from the raw device: LOCATION the directory it went to */
        CRASH_DUMP_FS,     /* on a filesystem not mounted here: "SPEC:/path/on/it" */
        CRASH_DUMP_NFS,    /* "server:/export/path/dir" */
        CRASH_DUMP_SSH,    /* "user@host:path/dir" */
        CRASH_DUMP_PSTORE, /* no vmcore, only what pstore kept: its directory */
        _CRASH_DUMP_MAX,
        _CRASH_DUMP_INVALID = -EINVAL,
} CrashDump;

const char *crash_dump_to_string(CrashDump d);
CrashDump crash_dump_from_string(const char *s);
/* The dump is a directory on this machine (dir, raw): keep_dumps's kind. */
bool crash_dump_is_local(CrashDump d);

typedef struct CrashRecord {
        unsigned id;           /* 0: not in the store (a trace) */
        uint64_t learned_usec; /* 0: not in the store */
        CrashDump dump;
        char *location;
        bool complete;
        char *why;
        char *kernel;
        char *panic;
        bool reported;
        bool deleted;
        char *trace;
        char *dir_identity;
        char **extra; /* "KEY=VALUE" lines of keys this version does not know */
} CrashRecord;

/* LEARNED_USEC's clock: the first kernel's CLOCK_REALTIME. */
static inline uint64_t crash_realtime_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

void crash_record_done(CrashRecord *r);
void crash_records_free(CrashRecord *l, size_t n);

/* Sets *field to a copy of value (NULL: unset), made one line: control
 * characters become spaces. */
int crash_record_set(char **field, const char *value);

/* The text of a record and back. Parsing refuses (-EBADMSG) a line
 * without '=', a number that is none, an unknown DUMP or yes/no value. */
int crash_record_format(const CrashRecord *r, char **ret);
int crash_record_parse(const char *text, CrashRecord *ret);
int crash_record_read(const char *path, CrashRecord *ret);

/* The records of the store (a directory that does not exist has none),
 * oldest first (by ID). A file that cannot be read or parsed is left out
 * and counted in *ret_unreadable (may be NULL). */
int crash_store_list(const char *store, CrashRecord **ret, size_t *ret_n, unsigned *ret_unreadable);

/* Record ID of the store. -ENOENT when there is none. */
int crash_store_get(const char *store, unsigned id, CrashRecord *ret);

/* Puts r into the store (made 0700 if missing) with the next ID (one more
 * than the highest there) and learned_usec = now_usec when r has none;
 * never replaces a record. Sets r->id (and r->learned_usec). */
int crash_store_add(const char *store, CrashRecord *r, uint64_t now_usec);

/* Writes r (r->id != 0) over its record, atomically. */
int crash_store_update(const char *store, const CrashRecord *r);

/* The traces in the store: their paths, sorted by name. */
int crash_store_traces(const char *store, char ***ret_paths);

/* Writes r as <store>/<r->trace>.trace, atomically (the store made 0700
 * if missing); replaces that trace if it exists. */
int crash_trace_write(const char *store, const CrashRecord *r);

/* The trace of boot_id in the store; -ENOENT when there is none. */
int crash_trace_read(const char *store, const char *boot_id, CrashRecord *ret);

/* "INO:BTIME_SEC.NSEC" (birth time where the filesystem keeps one, else
 * "INO:0") of the directory path, not following a symlink: names repeat
 * when the capture kernel has no clock, this does not. -ENOTDIR when path
 * is not a directory. */
int crash_dir_identity(const char *path, char **ret);

/* This boot's ID (/proc/sys/kernel/random/boot_id) without dashes: the
 * capture kernel's names its trace. */
int crash_boot_id(char **ret);
