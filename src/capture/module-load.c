/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "module-index.h"
#include "module-xz.h"
#include "strv.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

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

/* Inserts one module file; 1 when it was inserted now, 0 when it was there. */
static int insert_file(const ModuleIndex *idx, const char *path) {
        _cleanup_close_ int fd = -EBADF;
        const char *b = strrchr(path, '/');
        char name[256];
        int flags = 0;

        if (module_is_loaded(path))
                return 0;
        snprintf(name, sizeof(name), "%.*s", (int) strcspn(b ? b + 1 : path, "."), b ? b + 1 : path);
        module_name_normalize(name);
        if (strstr(path, ".ko.xz") || strstr(path, ".ko.zst") || strstr(path, ".ko.gz"))
                flags |= MODULE_INIT_COMPRESSED_FILE; /* the kernel decompresses it */

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        const char *options = module_index_options(idx, name);
        if (syscall(SYS_finit_module, fd, strempty(options), flags) < 0) {
                if (errno == EEXIST)
                        return 0;
                /* EOPNOTSUPP: built without CONFIG_MODULE_DECOMPRESS;
                 * EINVAL: older than 5.17, the flag is unknown. */
                if (!(flags & MODULE_INIT_COMPRESSED_FILE) || (errno != EOPNOTSUPP && errno != EINVAL) ||
                    !strstr(path, ".ko.xz"))
                        return negative_errno();
                _cleanup_free_ void *image = NULL;
                size_t size = 0;
                int r = xz_read_file(path, &image, &size);
                if (r < 0)
                        return log_error_errno(r, "Failed to decompress %s: %m", path);
                if (syscall(SYS_init_module, image, size, strempty(options)) < 0)
                        return errno == EEXIST ? 0 : negative_errno();
        }
        log_info("Loaded module %s%s%s.", name, options ? " " : "", strempty(options));
        /* The capture image's files live in the capture kernel's scarce
         * RAM, and a loaded module's file is never read again: the NFS
         * stack's next modules need that memory more. */
        (void) unlink(path);
        return 1;
}

/* Loads what name_or_alias stands for, with its dependencies. Returns how
 * many modules were newly inserted, or -ENOENT when nothing matches. */
static int load_one(const ModuleIndex *idx, const char *name_or_alias, bool apply_blacklist) {
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
                        r = insert_file(idx, *p);
                        if (r < 0)
                                log_warning_errno(r, "Failed to load module %s: %m", *p);
                        else
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
        for (char * const *n = names; n && *n; n++) {
                int r = load_one(idx, *n, false);
                if (r < 0) {
                        log_warning_errno(r, "Module %s could not be loaded: %m", *n);
                        failed++;
                }
        }
        return failed;
}

static int coldplug_pass(const ModuleIndex *idx) {
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
                        int r = load_one(idx, alias, true);
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
        /* A bus driver creates the devices the next driver binds to. */
        for (int pass = 0; pass < 8; pass++) {
                int r = coldplug_pass(idx);
                if (r <= 0)
                        break;
                total += r;
        }
        return total;
}
