/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-load.h"

#include <dirent.h>
#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"

static void kmod_unrefp(struct kmod_ctx **c) {
        if (*c)
                kmod_unref(*c);
}

/* Loads every module an alias or name resolves to; returns how many were
 * newly inserted, or -errno. */
static int load_lookup(struct kmod_ctx *ctx, const char *alias, unsigned flags) {
        struct kmod_list *list = NULL, *i;
        int inserted = 0, r;

        r = kmod_module_new_from_lookup(ctx, alias, &list);
        if (r < 0)
                return r;
        if (!list)
                return -ENOENT;
        kmod_list_foreach(i, list) {
                struct kmod_module *m = kmod_module_get_module(i);
                int state = kmod_module_get_initstate(m);
                if (state != KMOD_MODULE_LIVE && state != KMOD_MODULE_BUILTIN && state != KMOD_MODULE_COMING) {
                        r = kmod_module_probe_insert_module(m, flags, NULL, NULL, NULL, NULL);
                        if (r > 0) /* KMOD_PROBE_APPLY_BLACKLIST: blacklisted, as asked */
                                log_info("Module %s is blacklisted; not loading it.", kmod_module_get_name(m));
                        else if (r < 0)
                                log_warning_errno(r, "Failed to load module %s: %m", kmod_module_get_name(m));
                        else {
                                log_info("Loaded module %s.", kmod_module_get_name(m));
                                inserted++;
                        }
                }
                kmod_module_unref(m);
        }
        kmod_module_unref_list(list);
        return inserted;
}

int modules_load_names(char * const *names) {
        _cleanup_(kmod_unrefp) struct kmod_ctx *ctx = kmod_new(NULL, NULL);
        int failed = 0;

        if (!ctx)
                return log_error_errno(-ENOMEM, "Failed to set up libkmod.");
        for (char * const *n = names; n && *n; n++) {
                int r = load_lookup(ctx, *n, 0);
                if (r < 0) {
                        log_warning_errno(r, "Module %s could not be loaded: %m", *n);
                        failed++;
                }
        }
        return failed;
}

static int coldplug_pass(struct kmod_ctx *ctx) {
        DIR *buses = opendir("/sys/bus");
        struct dirent *b;
        int inserted = 0;

        if (!buses)
                return negative_errno();
        while ((b = readdir(buses))) {
                char path[512];
                DIR *devs;
                struct dirent *d;

                if (b->d_name[0] == '.')
                        continue;
                snprintf(path, sizeof(path), "/sys/bus/%s/devices", b->d_name);
                devs = opendir(path);
                if (!devs)
                        continue;
                while ((d = readdir(devs))) {
                        char mpath[1024];
                        _cleanup_free_ char *alias = NULL;
                        if (d->d_name[0] == '.')
                                continue;
                        snprintf(mpath, sizeof(mpath), "%s/%s/modalias", path, d->d_name);
                        if (read_one_line_file(mpath, &alias) < 0 || !*alias)
                                continue;
                        /* Like modprobe: a blacklist keeps a module from
                         * being loaded for a device, not by its name. */
                        int r = load_lookup(ctx, alias, KMOD_PROBE_APPLY_BLACKLIST);
                        if (r > 0)
                                inserted += r;
                }
                closedir(devs);
        }
        closedir(buses);
        return inserted;
}

int modules_coldplug(void) {
        _cleanup_(kmod_unrefp) struct kmod_ctx *ctx = kmod_new(NULL, NULL);
        int total = 0;

        if (!ctx)
                return log_error_errno(-ENOMEM, "Failed to set up libkmod.");
        for (int pass = 0; pass < 8; pass++) {
                int r = coldplug_pass(ctx);
                if (r <= 0)
                        break;
                total += r;
        }
        return total;
}
