/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The contract between mkdumprd and its dracut module
 * (modules.d/99kdump/module-setup.sh.in): what the module reads from its
 * environment, never from text pasted into its shell code. Declared here
 * once; the module's header lists the same names with the same meanings,
 * and tests/unit/test-dracut-env.c holds the two to each other. */
#pragma once

#include <stddef.h>

/* One value per variable; NULL is passed as empty. */
typedef struct DracutEnv {
        const char *target_device;
        const char *target_fstype;
        const char *target_disks;
        const char *lvm_plan;
        const char *collector;
        const char *target_type;
        const char *net_dir;
        const char *net_modules;
        const char *pre;
        const char *post;
        const char *emergency;
        const char *extra_bins;
        const char *extra_modules;
        const char *hook_files;
        const char *modprobe_conf;
        const char *root_device;
        const char *root_fstype;
        const char *root_spec;
        const char *trace_device;
        const char *trace_fstype;
        const char *trace_spec;
        const char *shell;
        const char *collector_note;
        const char *net_dhcp;
} DracutEnv;

typedef struct DracutEnvVar {
        const char *name;    /* "KDUMP_TARGET_DEVICE" */
        size_t offset;       /* of its value in DracutEnv */
        const char *meaning; /* one line, as module-setup.sh.in's header says it */
} DracutEnvVar;

/* Every variable, in the order they are passed; *ret_n is their number. */
const DracutEnvVar *dracut_env_vars(size_t *ret_n);

/* "NAME=value" for every variable of e. */
int dracut_env_strv(const DracutEnv *e, char ***ret);
