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
        CAPTURE_TRACE,      /* the trace for the next boot (capture-trace.h), after all else */
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
        /* TRACE: loads c->trace_modules and mounts c->trace_spec on
         * c->trace_mount_dir, waiting for the device until deadline_usec;
         * and the undoing. */
        int (*mount_trace)(Capture *c, uint64_t deadline_usec);
        void (*unmount_trace)(Capture *c);
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
        /* kdumpd.conf's dump_stall_timeout: the collector is stopped when
         * it made no progress for this long. 0: no watchdog. */
        long dump_stall_timeout_sec;
        long root_mount_timeout_sec; /* 0: disk_timeout + CAPTURE_ROOT_MOUNT_GRACE_SEC */
        bool vmcore_saved;        /* DUMP_VMCORE saved the whole vmcore */
        char *crash_kernel;       /* the crashed kernel's release, from its log */
        char *crash_panic;        /* its panic line */
        /* The trace: the filesystem that holds the state directory's crash
         * store, as mkdumprd recorded it (NULL trace_spec: none), the
         * store's path on it, the modules it needs, where it is mounted. */
        const char *trace_spec, *trace_fstype, *trace_store;
        char * const *trace_modules;
        const char *trace_mount_dir; /* "/kdumptrace" */
};

/* How long a step may take when kdump.conf has no directive for it. */
#define CAPTURE_HOOK_TIMEOUT_SEC 300
#define CAPTURE_DMESG_TIMEOUT_SEC 120
/* The trace comes after the dump and must not hold up the boot's end. */
#define CAPTURE_TRACE_TIMEOUT_SEC 60
/* The collector: a base plus a floor rate over the vmcore's size, so that
 * a stuck disk ends the dump while a big machine still gets its time. */
#define CAPTURE_COLLECTOR_BASE_SEC 600
#define CAPTURE_COLLECTOR_MIN_RATE (4ULL << 20)

/* mount_root_run_init mounts the real root from PID 1, where no supervisor
 * watches: in a child that gets disk_timeout, as the target, plus what
 * PID 1's supervisor grants any step beyond its deadline (a root whose
 * device shows up at the end of disk_timeout still has a journal to
 * replay after the crash). */
#define CAPTURE_ROOT_MOUNT_GRACE_SEC 15

/* The capture's own kernel log, in the dump directory. */
#define KEXEC_DMESG_LOG "kexec-dmesg.log"
/* In the image: what the core collector was measured to miss on this
 * kernel (collector-probe.h); beside the dump as COLLECTOR_NOTE_FILE. */
#define CAPTURE_COLLECTOR_NOTE "/etc/kdump/collector-note"

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

/* For the target rows' collectors: the stall watchdog's time in µs (0: off). */
uint64_t capture_dump_stall_usec(const Capture *c);

/* Mounts the real root read-write on c->mount_dir, waiting for its device
 * as long as for the target. */
int capture_mount_root(Capture *c, const char *spec, const char *fstype);

/* capture_mount_root() for PID 1 (mount_root_run_init): in a child, which
 * is killed when it has not ended in capture_root_mount_timeout_sec(), so
 * that a mount(2) that hangs in the kernel ends in the failure path instead
 * of hanging the boot. Logs; 0 or -errno (-ETIME: killed). */
int capture_mount_root_bounded(Capture *c, const char *spec, const char *fstype);
/* disk_timeout plus CAPTURE_ROOT_MOUNT_GRACE_SEC, or c->root_mount_timeout_sec. */
long capture_root_mount_timeout_sec(const Capture *c);

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
/* c->ops, or the real ones. */
const CaptureOps *capture_ops(const Capture *c);
