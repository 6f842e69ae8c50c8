/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The capture state machine: one function per step, a table of transitions.
 * What a step does to the target goes through the target's row of
 * operations (target-ops.h). */
#pragma once

#include <stdint.h>

#include "kdump-config.h"
#include "net-plan.h"
#include "ssh-target.h"

typedef enum CaptureState {
        CAPTURE_LOAD_MODULES,
        CAPTURE_NET_UP,
        CAPTURE_WAIT_TARGET,
        CAPTURE_PRE_HOOKS,
        CAPTURE_DUMP_DMESG,
        CAPTURE_DUMP_VMCORE,
        CAPTURE_POST_HOOKS,
        CAPTURE_EMERGENCY,  /* a step failed: kdump_emergency, target still mounted */
        CAPTURE_SAVE_LOG,   /* the capture's own kernel log, kexec-dmesg.log */
        CAPTURE_UNMOUNT,
        CAPTURE_END,        /* then final_action, or failure_action after a failure */
        _CAPTURE_STATE_MAX,
} CaptureState;

typedef struct Capture Capture;

/* What touches the machine beyond files: real in the capture kernel, fakes
 * in the unit tests (which run the whole machine on a temp dir). */
typedef struct CaptureOps {
        /* Loads the target's drivers (NULL: nothing to load). */
        int (*load_modules)(Capture *c);
        /* Network targets: configures the interface of c->net. */
        int (*net_up)(Capture *c);
        /* WAIT_TARGET (the real one: the wait() of the target's
         * TargetOps), and its undoing when c->mounted. */
        int (*mount_target)(Capture *c);
        void (*unmount_target)(Capture *c);
        /* dump_to_rootfs: mounts the real root read-write on c->mount_dir
         * (NULL: the block device by spec, as a filesystem target). */
        int (*mount_root)(Capture *c, const char *spec, const char *fstype);
} CaptureOps;

extern const CaptureOps capture_ops_real;

struct Capture {
        const KdumpConfig *config;
        const char *vmcore;       /* "/proc/vmcore" */
        const char *mount_dir;    /* where the target is mounted, "/kdumproot" */
        const char *host;         /* first part of the dump directory's name */
        char *dump_dir;           /* set by DUMP_DMESG/DUMP_VMCORE */
        char *raw_device;         /* raw target: the device node WAIT_TARGET found */
        int dump_status;          /* 0 when the vmcore was saved; passed to kdump_post */
        bool mounted;
        const CaptureOps *ops;    /* NULL: capture_ops_real */
        const char *root;         /* prefix for the hook directories: "" */
        const NetPlan *net;       /* network targets: how to reach the server */
        char *net_address;        /* the address net-up set (a DHCP lease's); host then points here */
        SshTarget ssh;            /* the ssh target: client, key, known_hosts */
        const char *scratch_dir;  /* local tmpfs for what is sent over ssh: "/run/kdump" */
        uint64_t target_deadline; /* reaching the target (network, device, server) ends here */
        int report_fd;            /* > 0: each step and the dump dir are reported here (to PID 1) */
        CaptureState failed_step; /* the first step that failed, or _CAPTURE_STATE_MAX */
        bool to_rootfs;           /* dump_to_rootfs: the target is the real root's path */
        const char *rootfs_path;  /* dump_to_rootfs: path on the real root (kdump.conf's, unbaked) */
        const char *root_spec, *root_fstype;
        long hook_timeout_sec;    /* 0: CAPTURE_HOOK_TIMEOUT_SEC */
};

/* How long a step may take when kdump.conf has no directive for it. */
#define CAPTURE_HOOK_TIMEOUT_SEC 300
#define CAPTURE_DMESG_TIMEOUT_SEC 120
/* The collector: a base plus a floor rate over the vmcore's size, so that
 * a stuck disk ends the dump while a big machine still gets its time. */
#define CAPTURE_COLLECTOR_BASE_SEC 600
#define CAPTURE_COLLECTOR_MIN_RATE (4ULL << 20)

/* The capture's own kernel log, in the dump directory. */
#define KEXEC_DMESG_LOG "kexec-dmesg.log"

const char *capture_state_to_string(CaptureState s);

/* Runs the machine from LOAD_MODULES to END and returns the action to
 * take: final_action, or failure_action when a step failed (then
 * c->failed_step says which). */
KdumpAction capture_run(Capture *c);

/* After the worker running capture_run() died or was killed (PID 1):
 * what it could not do any more: kdump_emergency, kexec-dmesg.log in the
 * dump dir it reported, unmount. c->dump_dir and c->mounted come from its
 * reports. */
void capture_recover(Capture *c, CaptureState died_in);

/* The step named name ("dump-vmcore"), or _CAPTURE_STATE_MAX. */
CaptureState capture_state_from_string(const char *name);

/* The deadline (CLOCK_MONOTONIC µs) of step s if it started now. */
uint64_t capture_step_deadline(const Capture *c, CaptureState s);

/* Mounts the real root read-write on c->mount_dir, waiting for its device
 * as long as for the target. */
int capture_mount_root(Capture *c, const char *spec, const char *fstype);

/* failure_action dump_to_rootfs: mounts the real root (spec and fstype
 * recorded at build time) on c->mount_dir and saves the dump to its path.
 * Returns 0 when the vmcore was saved. */
int capture_dump_to_rootfs(Capture *c, const char *spec, const char *fstype, const char *path);

void capture_done(Capture *c);

/* For the target rows. Tells PID 1 what the worker is doing: "step NAME
 * DEADLINE", "dir PATH", "mounted 0|1", one line each. */
void capture_report(const Capture *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void capture_set_mounted(Capture *c, bool mounted);
/* Makes c->dump_dir on the target, once. */
int capture_dump_dir_ensure(Capture *c);
