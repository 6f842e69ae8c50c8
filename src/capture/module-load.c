/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-load.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "module-file.h"
#include "module-index.h"
#include "strv.h"

/* What the running kernel decompresses itself (finit_module(2) with
 * MODULE_INIT_COMPRESSED_FILE); every other compressed module is
 * decompressed here. */
#define KERNEL_MODULE_COMPRESSION "/sys/module/compression"

static int index_open(ModuleIndex **ret) {
        _cleanup_free_ char *moddir = NULL;
        struct utsname u;
        int r;

        if (uname(&u) < 0)
                return negative_errno();
        if (asprintf(&moddir, "/lib/modules/%s", u.release) < 0)
                return log_oom();
        r = module_index_load(moddir, "/etc/modprobe.d", ret);
        if (r < 0)
                return log_error_errno(r, "Failed to read the module index in %s: %m", moddir);
        return 0;
}

/* A module is loaded when /sys/module/<name> exists (builtins have one too
 * when they have parameters; they are never loaded from a file anyway). */
static bool module_is_loaded(const char *path) {
        const char *b = strrchr(path, '/');
        char name[256], sys[300];

        snprintf(name, sizeof(name), "%.*s", (int) strcspn(b ? b + 1 : path, "."), b ? b + 1 : path);
        module_name_normalize(name);
        snprintf(sys, sizeof(sys), "/sys/module/%s/initstate", name);
        return access(sys, F_OK) == 0;
}

static int insert_image(const ModuleFile *f, const char *options) {
        long r = f->fd >= 0 ? syscall(SYS_finit_module, f->fd, options, f->flags)
                            : syscall(SYS_init_module, f->image, f->size, options);
        return r < 0 ? negative_errno() : 0;
}

/* module_file_open(), with what went wrong logged. */
static int module_file_open_logged(const char *path, unsigned kernel_decompresses, ModuleFile *ret) {
        int r = module_file_open(path, kernel_decompresses, ret);
        if (r == -EBADMSG)
                return log_warning_errno(r, "Module file %s is damaged or cut short; it cannot be loaded.", path);
        if (r == -ELIBACC || r == -ELIBBAD)
                return log_warning_errno(r, "Module file %s is zstd-compressed, the kernel does not decompress zstd, "
                                         "and libzstd.so.1 is missing from the capture image (%m). Rebuild the "
                                         "image on a host with zstd(1), which repacks the module as .ko.xz.", path);
        if (r < 0)
                return log_warning_errno(r, "Failed to read module file %s: %m", path);
        return 0;
}

/* Inserts one module file; 1 when it was inserted now, 0 when it was there.
 * Logs its own failures. */
static int insert_file(const ModuleIndex *idx, unsigned kernel_decompresses, const char *path) {
        _cleanup_(module_file_done) ModuleFile f = MODULE_FILE_NULL;
        const char *b = strrchr(path, '/');
        char name[256];
        int r;

        if (module_is_loaded(path))
                return 0;
        snprintf(name, sizeof(name), "%.*s", (int) strcspn(b ? b + 1 : path, "."), b ? b + 1 : path);
        module_name_normalize(name);
        const char *options = strempty(module_index_options(idx, name));

        r = module_file_open_logged(path, kernel_decompresses, &f);
        if (r < 0)
                return r;
        r = insert_image(&f, options);
        if (r == -EINVAL && f.flags != 0) {
                /* The kernel said it decompresses this algorithm and then
                 * refused the file: its decoder takes fewer variants than
                 * xz(1) or zstd(1) write (and fails with EINVAL). Once more,
                 * decompressed here; if the options were the trouble, this
                 * fails the same way. */
                log_notice("The kernel refused compressed module file %s; decompressing it here.", path);
                module_file_done(&f);
                r = module_file_open_logged(path, 0, &f);
                if (r < 0)
                        return r;
                r = insert_image(&f, options);
        }
        if (r == -EEXIST)
                return 0;
        if (r < 0)
                return log_warning_errno(r, "Failed to insert module %s (%s): %m", name, path);
        log_info("Loaded module %s%s%s.", name, *options ? " " : "", options);
        /* The capture image's files live in the capture kernel's scarce
         * RAM, and a loaded module's file is never read again: the NFS
         * stack's next modules need that memory more. */
        (void) unlink(path);
        return 1;
}

/* Loads what name_or_alias stands for, with its dependencies. Returns how
 * many modules were newly inserted, or -ENOENT when nothing matches. */
static int load_one(const ModuleIndex *idx, unsigned kernel_decompresses, const char *name_or_alias,
                    bool apply_blacklist) {
        _cleanup_strv_free_ char **names = NULL;
        int inserted = 0, r;

        r = module_index_resolve(idx, name_or_alias, apply_blacklist, &names);
        if (r < 0)
                return r;
        if (!names || !names[0])
                return -ENOENT;
        for (char **n = names; *n; n++) {
                _cleanup_strv_free_ char **paths = NULL;
                r = module_index_load_order(idx, *n, &paths);
                if (r < 0) {
                        log_warning_errno(r, "Cannot resolve module %s: %m", *n);
                        continue;
                }
                for (char **p = paths; p && *p; p++) {
                        r = insert_file(idx, kernel_decompresses, *p);
                        if (r > 0)
                                inserted += r;
                }
        }
        return inserted;
}

int modules_load_names(char * const *names) {
        _cleanup_(module_index_freep) ModuleIndex *idx = NULL;
        int failed = 0;

        if (index_open(&idx) < 0)
                return (int) strv_length(names);
        unsigned kernel_decompresses = kernel_module_decompressors(KERNEL_MODULE_COMPRESSION);
        for (char * const *n = names; n && *n; n++) {
                int r = load_one(idx, kernel_decompresses, *n, false);
                if (r < 0) {
                        log_warning_errno(r, "Module %s could not be loaded: %m", *n);
                        failed++;
                }
        }
        return failed;
}

static int coldplug_pass(const ModuleIndex *idx, unsigned kernel_decompresses) {
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
                        int r = load_one(idx, kernel_decompresses, alias, true);
                        if (r > 0)
                                inserted += r;
                }
                closedir(devs);
        }
        closedir(buses);
        return inserted;
}

int modules_coldplug(void) {
        _cleanup_(module_index_freep) ModuleIndex *idx = NULL;
        int total = 0;

        if (index_open(&idx) < 0)
                return 0;
        unsigned kernel_decompresses = kernel_module_decompressors(KERNEL_MODULE_COMPRESSION);
        /* A bus driver creates the devices the next driver binds to. */
        for (int pass = 0; pass < 8; pass++) {
                int r = coldplug_pass(idx, kernel_decompresses);
                if (r <= 0)
                        break;
                total += r;
        }
        return total;
}
