/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The raw target's second half, on the next normal boot: the capture
 * kernel wrote makedumpfile's flattened stream (-F) to the device from its
 * first byte; kdumpd restores it into <path>/<host>-<date>/ (vmcore, and
 * vmcore-dmesg.txt extracted from it), and only then marks the stream as
 * restored by overwriting its signature, so each dump is restored once. */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kdump-config.h"

/* makedumpfile's flattened format (makedumpfile(8) -F/-R; makedumpfile-R.pl
 * reads the same): a header of 4096 bytes that starts with a 16-byte
 * signature, "makedumpfile" padded with NULs, then the format's type and
 * version as 64-bit big-endian integers (type 1 is the flattened format;
 * -R refuses any other). Blocks of data follow, and an end marker. */
#define RAW_STREAM_HEADER_SIZE 4096
#define RAW_STREAM_SIGNATURE_SIZE 16
#define RAW_STREAM_SIGNATURE "makedumpfile"
#define RAW_STREAM_TYPE_FLAT 1
/* What a restored stream's signature is overwritten with (16 bytes): no
 * longer a stream makedumpfile -R takes, and still telling what it was. */
#define RAW_STREAM_HARVESTED_SIGNATURE "kdumpd-harvested"

typedef enum RawStream {
        RAW_STREAM_NONE,      /* no dump: never written, or not by makedumpfile -F */
        RAW_STREAM_FLATTENED, /* a dump waiting to be restored */
        RAW_STREAM_HARVESTED, /* a dump that was restored already */
        _RAW_STREAM_MAX,
        _RAW_STREAM_INVALID = -EINVAL,
} RawStream;

const char *raw_stream_to_string(RawStream s);

/* What the first size bytes of a device say. A header shorter than
 * RAW_STREAM_HEADER_SIZE is no stream: makedumpfile -R could not read it. */
RawStream raw_stream_detect(const void *buf, size_t size);

/* Reads the header at offset 0 of fd and detects it; -errno on a read error. */
int raw_stream_read(int fd);

/* Restores the stream on device (a block device, or a file standing in for
 * one) into a new <base>/<host>-<date> directory with makedumpfile -R and
 * --dump-dmesg, and marks it restored on the device. Returns what it found
 * (RAW_STREAM_FLATTENED: restored, *ret_dir set when ret_dir is not NULL),
 * or -errno when it could not restore it; the device is then left as it
 * was. Logs what it does. deadline_usec (CLOCK_MONOTONIC, 0: none) ends
 * makedumpfile (-ETIME).
 *
 * A stream that makedumpfile itself refuses is tried once: a capture cut
 * short leaves a stream without its end, which makedumpfile -R reads to the
 * end of the device before it fails, and every start would pay that again
 * before arming. So a restore that makedumpfile failed (its exit status)
 * writes the device and the stream's identity (the SHA-256 of its first
 * RAW_STREAM_IDENTITY_SIZE bytes: the header and the dump's own header with
 * its time) into failed_path (NULL: nothing remembered), and a later call
 * with the same stream there returns -EALREADY at once. A new dump on the
 * device, or failed_path removed, is tried again. A restore that ran out of
 * time, was interrupted or could not start says nothing about the stream:
 * it is not remembered, and the next call tries again. */
#define RAW_STREAM_IDENTITY_SIZE (64 * 1024)
int raw_harvest_device(const char *device, const char *base, const char *host, time_t now, uint64_t deadline_usec,
                       const char *failed_path, char **ret_dir);

/* kdumpd's start, before arming: when kdump.conf's target is raw, restores
 * the dump on it, if there is one, into kdump.conf's path. The device is
 * the one the image loaded before found (KDUMP_LOADED_CONFIG_FILE in
 * state_dir: its identity or node, and its size), else kdump.conf's. A
 * device of another size is not read. Synchronous
 * (a 1 GiB guest's dump takes seconds), bounded by RAW_HARVEST_TIMEOUT_SEC
 * so that the machine is armed again in that time whatever the disk does;
 * a restore cut short there is tried again at the next start (only
 * makedumpfile's own failure is remembered, see raw_harvest_device()).
 * Logs; a failure never stops the start. */
#define RAW_HARVEST_TIMEOUT_SEC (15 * 60)
/* state_dir keeps the memory of a failed restore (raw-restore-failed).
 * *ret_dir (may be NULL) gets the dump directory restored into, if any. */
#define RAW_RESTORE_FAILED_FILE "raw-restore-failed"
void raw_harvest(const KdumpConfig *config, const char *state_dir, char **ret_dir);
