/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "lvm-activate.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "block-device.h"
#include "child.h"
#include "deadline.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

/* Each lvm run gets at least this long, even when waiting for the disks
 * used up disk_timeout: an activation it could still do is not cut off. */
#define MIN_LVM_RUN_SEC 10

void lvm_plan_done(LvmPlan *p) {
        free(p->vg);
        free(p->lv);
        strv_free(p->pvs);
        *p = (LvmPlan) {};
}

int lvm_plan_parse(const char *text, LvmPlan *ret) {
        _cleanup_(lvm_plan_done) LvmPlan p = {};
        _cleanup_free_ char *copy = NULL;
        char *save = NULL;

        assert_return(text && ret, -EINVAL);
        copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *value = strchr(line, ' ');
                if (line[0] == '#')
                        continue;
                if (!value || !value[1] || strchr(value + 1, ' '))
                        return -EBADMSG;
                *value++ = '\0';
                if (strcmp(line, "vg") == 0 || strcmp(line, "lv") == 0) {
                        char **field = line[0] == 'v' ? &p.vg : &p.lv;
                        if (*field)
                                return -EBADMSG;
                        *field = strdup(value);
                        if (!*field)
                                return -ENOMEM;
                } else if (strcmp(line, "pv") == 0) {
                        if (strv_extend(&p.pvs, value) < 0)
                                return -ENOMEM;
                } else
                        return -EBADMSG;
        }
        if (!p.vg || !p.lv)
                return -EBADMSG;
        *ret = p;
        p = (LvmPlan) {};
        return 0;
}

/* The first physical volume that is not there yet, or NULL. */
static const char *pv_missing(const LvmPlan *p) {
        for (char **u = p->pvs; u && *u; u++) {
                _cleanup_free_ char *spec = NULL, *dev = NULL;
                if (asprintf(&spec, "UUID=%s", *u) < 0)
                        return *u;
                int r = block_device_find(spec, &dev);
                if (r < 0 && r != -ENOTUNIQ) /* a copy of the disk is lvm's to sort out */
                        return *u;
        }
        return NULL;
}

static int lvm_run(char **argv, uint64_t deadline_usec) {
        /* Our fds are all O_CLOEXEC; lvm need not list what it inherits. */
        char *env[] = { (char *) "LVM_SUPPRESS_FD_WARNINGS=1", NULL };
        uint64_t floor = deadline_after_sec(MIN_LVM_RUN_SEC);
        return child_run(argv, env, -1, -1, deadline_usec > floor ? deadline_usec : floor);
}

int lvm_activate(const char *path, uint64_t deadline_usec) {
        _cleanup_(lvm_plan_done) LvmPlan plan = {};
        _cleanup_free_ char *text = NULL, *name = NULL, *link = NULL;
        const char *missing;
        int r;

        r = read_text_file(path, &text);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", path);
        r = lvm_plan_parse(text, &plan);
        if (r < 0)
                return log_error_errno(r, "%s cannot be read: %m", path);
        if (asprintf(&name, "%s/%s", plan.vg, plan.lv) < 0 || asprintf(&link, "/dev/%s", name) < 0)
                return log_oom();

        /* The disks come up asynchronously after their drivers load. */
        while ((missing = pv_missing(&plan)) && now_usec() < deadline_usec)
                usleep(100 * 1000);
        if (missing)
                log_warning("Physical volume %s of LVM volume \"%s\" did not appear within disk_timeout; trying "
                            "to activate it anyway.",
                            missing, name);

        /* --sysinit: no lvmlockd, lvmpolld or dmeventd to talk to here;
         * the image's lvm.conf turns udev off too, so libdevmapper makes
         * the /dev/mapper nodes itself. */
        char *argv[] = { (char *) "lvm", (char *) "lvchange", (char *) "-ay", (char *) "--sysinit",
                         (char *) "--ignoremonitoring", name, NULL };
        for (unsigned attempt = 1;; attempt++) {
                r = lvm_run(argv, deadline_usec);
                if (r == 0)
                        break;
                if (r == -ENOENT)
                        return log_error_errno(r, "lvm is not in this capture image; cannot activate LVM volume \"%s\".",
                                               name);
                if (now_usec() >= deadline_usec)
                        return log_error_errno(r < 0 ? r : -EIO,
                                               "LVM volume \"%s\" could not be activated within disk_timeout "
                                               "(%u attempts, lvm exit status %d).",
                                               name, attempt, r);
                usleep(500 * 1000);
        }

        /* The /dev/VG/LV link, in case lvm left it to a udev that is not
         * there: a target named that way needs it. */
        if (access(link, F_OK) < 0) {
                char *mknodes[] = { (char *) "lvm", (char *) "vgmknodes", name, NULL };
                log_info("lvm made no %s; running lvm vgmknodes.", link);
                r = lvm_run(mknodes, deadline_usec);
                if (r != 0)
                        log_warning("lvm vgmknodes \"%s\" failed (%d); %s may be missing.", name, r, link);
        }
        log_info("Activated LVM volume \"%s\".", name);
        return 0;
}
