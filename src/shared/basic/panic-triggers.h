/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Panic triggers: the events that make the kernel panic, and so boot the
 * capture kernel, instead of going on (kdumpd.conf's panic_triggers). Each
 * is a few sysctls set to 1 (proc(5), the kernel's
 * Documentation/admin-guide/sysctl/kernel.rst). kdumpd sets them only while
 * a capture kernel is loaded: without one a panic saves nothing, and with
 * Debian's kernel.panic = 0 the machine then hangs until someone resets it.
 *
 * What kdumpd changed is written down (the saved state, under /run): each
 * sysctl with the value it found and the value it wrote. Unloading puts
 * back what it found. It never fights another writer:
 *   - a sysctl the machine's own configuration sets (sysctl-config.h: a
 *     sysctl.d file, /etc/sysctl.conf, "sysctl." on the kernel command
 *     line) is never written: that value is the admin's;
 *   - a sysctl whose value is no longer the one kdumpd wrote (someone ran
 *     sysctl -w, or sysctl --system) is left as it is, and not put back
 *     either: kdumpd forgets it.
 * A sysctl this kernel lacks (the NMI ones exist on x86 only) is skipped.
 *
 * Library code: returns -errno, never logs; root prefixes every path of
 * /proc/sys ("" for the running system). */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum PanicTrigger {
        PANIC_TRIGGER_OOPS,
        PANIC_TRIGGER_NMI,
        PANIC_TRIGGER_HARD_LOCKUP,
        PANIC_TRIGGER_SOFT_LOCKUP,
        PANIC_TRIGGER_HUNG_TASK,
        PANIC_TRIGGER_WARN,
        PANIC_TRIGGER_RCU_STALL,
        _PANIC_TRIGGER_MAX,
        _PANIC_TRIGGER_INVALID = -EINVAL,
} PanicTrigger;

/* A set of triggers: bit 1 << PanicTrigger. */
typedef unsigned PanicTriggerSet;
#define PANIC_TRIGGER_BIT(t) (1u << (t))

/* What kdumpd.conf says when it says nothing: oops, nmi, hard-lockup, the
 * ones that cannot misfire on a slow or loaded machine. */
#define PANIC_TRIGGERS_DEFAULT                                                                        \
        (PANIC_TRIGGER_BIT(PANIC_TRIGGER_OOPS) | PANIC_TRIGGER_BIT(PANIC_TRIGGER_NMI) |               \
         PANIC_TRIGGER_BIT(PANIC_TRIGGER_HARD_LOCKUP))

/* The sysctls of a trigger, at most this many. */
#define PANIC_TRIGGER_SYSCTLS_MAX 3

typedef struct PanicTriggerInfo {
        const char *name;                                /* kdumpd.conf's word: "hung-task" */
        const char *sysctls[PANIC_TRIGGER_SYSCTLS_MAX + 1]; /* each set to 1; NULL-terminated */
        const char *what;                                /* the event, for messages */
} PanicTriggerInfo;

const PanicTriggerInfo *panic_trigger_info(PanicTrigger t);
const char *panic_trigger_to_string(PanicTrigger t);
PanicTrigger panic_trigger_from_string(const char *s);
/* "oops, nmi, hard-lockup", or "none"; NULL on ENOMEM. */
char *panic_trigger_set_to_string(PanicTriggerSet set);

/* The hung-task trigger's own timeout: kernel.hung_task_timeout_secs. */
#define PANIC_SYSCTL_HUNG_TASK_TIMEOUT "kernel.hung_task_timeout_secs"

/* The saved state's usual place. */
#define PANIC_TRIGGERS_STATE_PATH "/run/kdump/panic-triggers"

/* What became of one sysctl. */
typedef enum SysctlOutcome {
        SYSCTL_SET,       /* kdumpd wrote it now */
        SYSCTL_ALREADY,   /* it had the wanted value already (kdumpd's own, or the machine's) */
        SYSCTL_ADMIN,     /* the machine's configuration sets it: left alone */
        SYSCTL_CHANGED,   /* not what kdumpd wrote any more: left alone, forgotten */
        SYSCTL_MISSING,   /* this kernel has no such sysctl */
        SYSCTL_RESTORED,  /* put back to the value kdumpd found */
        SYSCTL_FAILED,    /* writing it failed (error) */
        _SYSCTL_OUTCOME_MAX,
} SysctlOutcome;

typedef struct SysctlChange {
        char *name;       /* "kernel.panic_on_oops" */
        PanicTrigger trigger;
        SysctlOutcome outcome;
        char *before;     /* the value found (NULL: missing) */
        char *after;      /* the value now */
        char *source;     /* SYSCTL_ADMIN: where the machine sets it */
        int error;        /* SYSCTL_FAILED: -errno */
} SysctlChange;

typedef struct SysctlChanges {
        SysctlChange *changes;
        size_t n;
} SysctlChanges;

void sysctl_changes_done(SysctlChanges *c);

/* One sentence on what became of a sysctl ("oops: kernel.panic_on_oops
 * set to 1 (was 0)"), and how much it matters as a syslog priority:
 * LOG_DEBUG for nothing done, LOG_INFO for a change, LOG_NOTICE for a
 * sysctl left to someone else, LOG_WARNING for a failure. */
int sysctl_change_describe(const SysctlChange *c, int *ret_priority, char **ret);

typedef struct PanicTriggersApply {
        const char *root;
        const char *state_path;        /* PANIC_TRIGGERS_STATE_PATH under root, or a test's */
        PanicTriggerSet wanted;
        unsigned hung_task_timeout;    /* 0: the kernel's own */
} PanicTriggersApply;

/* Makes the sysctls of the wanted triggers 1 (and the hung task timeout
 * what is asked), and puts back those kdumpd set before for triggers no
 * longer wanted, minding the two rules above. ret_changes gets one entry
 * per sysctl of any trigger (may be NULL). Returns 0, or the first error
 * after trying every sysctl; the saved state is written either way. */
int panic_triggers_apply(const PanicTriggersApply *a, SysctlChanges *ret_changes);

/* Puts back every sysctl of the saved state still at the value kdumpd
 * wrote and not set by the machine's configuration since, and removes the
 * state. Returns how many were restored, or the first error after trying
 * the rest (the state then keeps those that failed). Nothing saved: 0. */
int panic_triggers_restore(const char *root, const char *state_path, SysctlChanges *ret_changes);

/* A trigger as it is now, for kdumpctl status. */
typedef struct PanicTriggerState {
        bool present;      /* this kernel has its sysctls */
        bool active;       /* each of its sysctls is 1 (hung-task: and a timeout that is not 0) */
        bool by_kdumpd;    /* the saved state holds one of them */
        char *timeout;     /* hung-task: kernel.hung_task_timeout_secs */
        char *admin;       /* "NAME = VALUE in FILE" when the machine's configuration sets one */
        char *off_sysctl;  /* not active: a sysctl that is not 1, "NAME = VALUE" */
} PanicTriggerState;

void panic_trigger_state_done(PanicTriggerState *s);
int panic_trigger_state_read(const char *root, const char *state_path, PanicTrigger t, PanicTriggerState *ret);

/* The value of a sysctl under root, without its newline: -ENOENT when the
 * kernel has none. */
int sysctl_read(const char *root, const char *name, char **ret);
int sysctl_write(const char *root, const char *name, const char *value);
