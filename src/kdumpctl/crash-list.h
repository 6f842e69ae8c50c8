/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Every crash this machine knows of, for kdumpctl list, info and dmesg:
 * the records the next boot made (crash-record.h, <state>/crashes), and
 * what systemd-pstore kept of crashes that left no record (each entry of
 * /var/lib/systemd/pstore: a directory with dmesg.txt, as it assembles
 * EFI records, or a dmesg-* file as it moves ramoops records). Oldest
 * first: records in the order they were learned, pstore entries by their
 * time among them.
 *
 * Each crash's signature (crash-signature.h) comes from its kernel log
 * where that log is on this machine; two crashes with the same signature
 * ID are the same crash seen again.
 *
 * Returns -errno, never logs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crash-record.h"
#include "crash-signature.h"

#define PSTORE_ARCHIVE_DIR "/var/lib/systemd/pstore"

typedef struct CrashEntry {
        char *id;            /* the record's number, or "pstore:NAME" */
        uint64_t time_usec;  /* a record: when the next boot learned of it; pstore: the entry's mtime */
        CrashRecord record;  /* a pstore entry: DUMP=pstore, the rest read from its log */
        bool pstore;
        uint64_t size;       /* bytes of the dump's files; UINT64_MAX: not on this machine */
        char *dmesg;         /* the dead kernel's log here, or NULL */
        char *vmcore;        /* the vmcore (or vmcore-incomplete) here, or NULL */
        bool have_signature;
        CrashSignature signature;
} CrashEntry;

typedef struct CrashList {
        CrashEntry *entries;
        size_t n;
        unsigned unreadable; /* records that could not be read */
} CrashList;

void crash_list_done(CrashList *l);

/* Reads store (<state>/crashes) and pstore_dir (NULL: none); either may be
 * missing. */
int crash_list_load(const char *store, const char *pstore_dir, CrashList *ret);

/* The entry named id ("3", "pstore:NAME"), or the last one for NULL. */
const CrashEntry *crash_list_find(const CrashList *l, const char *id);

/* How many entries share e's signature, and the time of the first. 0 when
 * e has none. */
unsigned crash_list_seen(const CrashList *l, const CrashEntry *e, uint64_t *ret_first_usec);
