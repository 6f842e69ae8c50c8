/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture state machine: one function per step, a table of transitions. */
#pragma once

#include "kdump-config.h"

typedef enum CaptureState {
        CAPTURE_WAIT_TARGET,
        CAPTURE_PRE_HOOKS,
        CAPTURE_DUMP_DMESG,
        CAPTURE_DUMP_VMCORE,
        CAPTURE_POST_HOOKS,
        CAPTURE_FINAL_ACTION,
        CAPTURE_FAILURE_ACTION,
        _CAPTURE_STATE_MAX,
} CaptureState;

typedef struct Capture Capture;

/* What touches the machine beyond files: real in the capture kernel, fakes
 * in the unit tests (which run the whole machine on a temp dir). */
typedef struct CaptureOps {
        /* Finds the target device, mounts it on c->mount_dir. */
        int (*mount_target)(Capture *c);
        void (*unmount_target)(Capture *c);
} CaptureOps;

extern const CaptureOps capture_ops_real;

struct Capture {
        const KdumpConfig *config;
        const char *vmcore;       /* "/proc/vmcore" */
        const char *mount_dir;    /* where the target is mounted, "/kdumproot" */
        const char *host;         /* first part of the dump directory's name */
        char *dump_dir;           /* set by DUMP_DMESG/DUMP_VMCORE */
        int dump_status;          /* 0 when the vmcore was saved; passed to kdump_post */
        bool mounted;
        const CaptureOps *ops;    /* NULL: capture_ops_real */
        const char *root;         /* prefix for the hook directories: "" */
};

const char *capture_state_to_string(CaptureState s);

/* Runs the machine from WAIT_TARGET until one of the two action states is
 * reached, and returns the action to take. */
KdumpAction capture_run(Capture *c);

void capture_done(Capture *c);
