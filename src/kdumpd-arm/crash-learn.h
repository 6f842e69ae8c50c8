/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The next boot learns of the crashes since the last one and makes one
 * record each (crash-record.h), before it tells the journal and before
 * keep_dumps deletes anything: from the traces the capture left in the
 * store (every target kind, and captures that failed before a dump
 * existed), from the dump restored off the raw device at this start, and
 * from the dump directories under a local path that no record names.
 *
 * The records made get IDs in the order they are learned: after every
 * record that was there, and, on the first start with records, the dumps
 * an older kdumpd reported (its reported-dumps file) before the rest.
 * Returns the number of records made, or the first error after trying
 * everything else; never logs. */
#pragma once

#include <stdint.h>

typedef struct CrashLearn {
        const char *store;     /* <state>/crashes */
        const char *dump_path; /* kdump.conf's path when dumps land in local directories (path, raw), or NULL */
        const char *raw_dir;   /* the directory the raw device's dump was restored into now, or NULL */
        const char *legacy_reported; /* <state>/reported-dumps of an older kdumpd, or NULL */
        uint64_t now_usec;           /* CLOCK_REALTIME */
        /* A trace of a dump on a filesystem by its spec ("UUID=…"): where
         * that filesystem's root is mounted here; -ENOENT when it is not.
         * NULL: such dumps stay DUMP=fs. */
        int (*fs_mountpoint)(const char *spec, char **ret, void *userdata);
        void *userdata;
} CrashLearn;

int crashes_learn(const CrashLearn *l);

/* "UUID=…:/var/crash/h-…" → "UUID=…" and "/var/crash/h-…": the location
 * of DUMP=fs. */
int crash_fs_location_split(const char *location, char **ret_spec, char **ret_path);
