/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The image dracut built, read back before it may replace the previous
 * one: dracut ignores the status of a module's install(), so an image
 * that lacks what came after a failed step is built "successfully" and
 * would fail only in the capture kernel, after a crash. */
#pragma once

#include <stdbool.h>

/* What a build asked the dracut module to put into the image. */
typedef struct ImagePlan {
        const char *kver;
        const char *collector;   /* a name (found on the image's PATH) or a path */
        const char *pre, *post, *emergency;  /* hooks, NULL when unset */
        char * const *hooks;     /* the programs of the hook directories (pre.d, …) */
        char * const *extra_bins;
        bool network;            /* nfs, ssh: /etc/kdump/net */
        bool ssh;                /* dbclient, the key and the host keys */
        bool shell;              /* failure_action shell: /bin/sh */
        bool root;               /* dump_to_rootfs, mount_root_run_init: /etc/kdump/root */
        bool lvm;                /* /etc/kdump/lvm and lvm */
} ImagePlan;

/* Checks that image holds everything plan names, and the marks the dracut
 * module leaves at the end of installkernel() and install(); final is
 * where it goes once loaded, for the message. Logs; -ENOEXEC when the
 * image cannot be used. */
int image_check(const char *image, const ImagePlan *plan, const char *final);
