/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What kdumpd last did about arming, for kdumpctl: a small key=value file
 * in /run/kdump, replaced atomically after every attempt. kdumpctl waits
 * for its generation to move to know that a reload or rebuild ended. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#define ARM_STATE_PATH "/run/kdump/state"

/* ARM_STATE_PATH, or $KDUMPD_STATE_FILE in a test (env-path.h). */
const char *arm_state_path(void);

typedef enum ArmPhase {
        ARM_PHASE_STARTING,  /* reading the files, checking the image */
        ARM_PHASE_BUILDING,  /* dracut runs; what was loaded stays loaded */
        ARM_PHASE_ARMED,     /* the last attempt loaded a capture kernel */
        ARM_PHASE_FAILED,    /* the last attempt failed; see armed */
        ARM_PHASE_WAITING,   /* a network dump server cannot be reached yet (reason
                              * says which); tried again when the network changes */
        _ARM_PHASE_MAX,
        _ARM_PHASE_INVALID = -EINVAL,
} ArmPhase;

typedef struct ArmState {
        uint64_t generation;   /* attempts finished since kdumpd started */
        ArmPhase phase;
        bool armed;            /* a capture kernel is loaded (this or an earlier attempt's) */
        uint64_t pid;          /* kdumpd's */
        char *reason;          /* why the last attempt failed, or NULL */
        char *kver;            /* the loaded capture kernel's release */
        char *initrd;          /* the loaded image */
        char *stale;           /* the loaded image was built from older inputs: why; else NULL */
        uint64_t image_size;   /* its size in bytes */
        uint64_t build_usec;   /* how long its last build took; 0: it was up to date */
        uint64_t armed_at;     /* CLOCK_REALTIME µs of the last successful load */
} ArmState;

const char *arm_phase_to_string(ArmPhase p);
ArmPhase arm_phase_from_string(const char *s);

void arm_state_done(ArmState *s);

/* Atomically replaces path (mode 0644: nothing secret in it). */
int arm_state_write(const char *path, const ArmState *s);
/* -ENOENT when kdumpd never wrote it (not running since boot);
 * -EBADMSG when a line cannot be parsed. Unknown keys are skipped. */
int arm_state_read(const char *path, ArmState *ret);
