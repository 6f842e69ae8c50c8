/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where the capture leaves its trace for the next boot (src/capture/
 * capture-trace.h): the filesystem that holds the state directory's crash
 * store, found on this machine once per build. The image records it as
 * /etc/kdump/trace ("SPEC FSTYPE STORE") and carries its drivers; the
 * capture mounts it after the dump. A state directory the capture could
 * not mount (not on a block device, on dm-crypt, RAID, or an LVM volume
 * other than the dump target's) gets no trace: the build says so, and
 * the next boot learns only of what it can find by itself. */
#pragma once

#include "dump-target.h"
#include "target-resolve.h"

typedef struct TraceTarget {
        TargetFs fs;   /* the filesystem that holds the store */
        char *spec;    /* "SPEC FSTYPE STORE", STORE quoted; NULL: no trace */
        char *why_not; /* no trace: why, to finish "… because " */
} TraceTarget;

void trace_target_done(TraceTarget *t);

/* Looks up the store under state_dir (absolute) and whether the capture
 * can reach it; dump is the dump target as found, whose LVM volume the
 * capture activates anyway. -ENOMEM is the only error. */
int trace_target_resolve(const char *state_dir, const ResolvedTarget *dump, TraceTarget *ret);
