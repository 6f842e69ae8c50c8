/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture state machine: one function per step, a table of transitions. */
#pragma once

#include <stdint.h>

#include "kdump-config.h"
#include "net-plan.h"
#include "ssh-target.h"

typedef enum CaptureState {
        CAPTURE_NET_UP,
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
        /* Network targets: configures the interface of c->net. */
        int (*net_up)(Capture *c);
        /* Finds the target device (or the NFS export), mounts it on
         * c->mount_dir; for ssh, nothing to mount. */
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
        const NetPlan *net;       /* network targets: how to reach the server */
        SshTarget ssh;            /* the ssh target: client, key, known_hosts */
        const char *scratch_dir;  /* local tmpfs for what is sent over ssh: "/run/kdump" */
        uint64_t target_deadline; /* reaching the target (network, device, server) ends here */
};

const char *capture_state_to_string(CaptureState s);

/* Runs the machine from WAIT_TARGET until one of the two action states is
 * reached, and returns the action to take. */
KdumpAction capture_run(Capture *c);

void capture_done(Capture *c);
