/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "manifest.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "elf-needed.h"
#include "file-hash.h"
#include "image-paths.h"
#include "macro.h"
#include "strv.h"

/* Bump when the image layout changes, so old images are rebuilt. */
#define MANIFEST_FORMAT "kdumpd-manifest 3"
/* In the state directory: see hash_memo_load(). */
#define HASH_MEMO_FILE ".hash-memo"

/* A file's identity as far as a rebuild is concerned: its content. */
static void manifest_add_file(FILE *m, HashMemo *memo, const char *path) {
        char hash[FILE_HASH_HEX_LEN + 1];
        int r = hash_memo_sha256(memo, path, hash);
        if (r < 0)
                fprintf(m, "file %s %s\n", path, r == -ENOENT ? "missing" : "unreadable");
        else
                fprintf(m, "file %s sha256:%s\n", path, hash);
}

/* A program as the image's PATH finds it; remembered in *programs for its
 * libraries. */
static void manifest_add_program(FILE *m, HashMemo *memo, const char *name, char ***programs) {
        static const char *const dirs[] = { IMAGE_PATH_DIRS };
        if (strchr(name, '/')) {
                manifest_add_file(m, memo, name);
                (void) strv_extend(programs, name);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_free_ char *p = NULL;
                if (asprintf(&p, "%s/%s", dirs[i], name) >= 0 && access(p, X_OK) == 0) {
                        manifest_add_file(m, memo, p);
                        (void) strv_extend(programs, p);
                        return;
                }
        }
        fprintf(m, "program %s missing\n", name);
}

static int strcmp_ptr(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

/* dracut copies the programs' shared libraries into the image: a library
 * updated by apt makes the image stale as much as the program would. */
static void manifest_add_libraries(FILE *m, HashMemo *memo, char * const *programs) {
        _cleanup_strv_free_ char **all = NULL;

        for (char * const *p = programs; p && *p; p++) {
                _cleanup_strv_free_ char **libs = NULL;
                if (elf_needed_closure(*p, &libs) < 0)
                        continue; /* a script, or unreadable: its own line says so */
                for (char **l = libs; *l; l++)
                        if (!strv_contains(all, *l))
                                (void) strv_extend(&all, *l);
        }
        qsort(all, strv_length(all), sizeof(char *), strcmp_ptr);
        for (char **l = all; l && *l; l++)
                manifest_add_file(m, memo, *l);
}

/* The admin's modprobe.d goes into the image whole. */
static void manifest_add_dir(FILE *m, HashMemo *memo, const char *dir, const char *suffix) {
        struct dirent **e = NULL;
        int n = scandir(dir, &e, NULL, alphasort);
        for (int i = 0; i < n; i++) {
                size_t len = strlen(e[i]->d_name), sl = strlen(suffix);
                if (len > sl && strcmp(e[i]->d_name + len - sl, suffix) == 0) {
                        _cleanup_free_ char *p = NULL;
                        if (asprintf(&p, "%s/%s", dir, e[i]->d_name) >= 0)
                                manifest_add_file(m, memo, p);
                }
                free(e[i]);
        }
        free(e);
}

int manifest_build(const BuildPaths *p, const BuildInputs *in, const char *collector, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        _cleanup_free_ char *modules_dep = NULL;
        _cleanup_strv_free_ char **programs = NULL;
        _cleanup_free_ char *memo_path = NULL;
        _cleanup_(hash_memo_freep) HashMemo *memo = NULL;
        const TargetFs *t = &in->target.fs;
        const NetTarget *net = &in->target.net;
        FILE *m;

        /* Without a memo every file is read: slower, as right. */
        if (asprintf(&memo_path, "%s/" HASH_MEMO_FILE, p->state_dir) < 0 || hash_memo_load(memo_path, &memo) < 0)
                memo = NULL;
        m = open_memstream(&buf, &size);
        if (!m)
                return -ENOMEM;
        fprintf(m, "%s\nkernel-release %s\n", MANIFEST_FORMAT, p->kver);
        /* The kernel's config decides it, and may change without the kernel. */
        fprintf(m, "image-compression %s\n", in->zstd ? "zstd" : "dracut");
        manifest_add_file(m, memo, p->kernel);
        if (asprintf(&modules_dep, "/lib/modules/%s/modules.dep", p->kver) >= 0)
                manifest_add_file(m, memo, modules_dep);
        manifest_add_program(m, memo, CAPTURE_PROGRAM_PATH, &programs);
        manifest_add_file(m, memo, DRACUT_MODULE_DIR "/module-setup.sh");
        manifest_add_file(m, memo, "/usr/lib/dracut/dracut-version.sh");
        manifest_add_program(m, memo, "makedumpfile", &programs);
        if (collector)
                manifest_add_program(m, memo, collector, &programs);
        manifest_add_dir(m, memo, "/etc/modprobe.d", ".conf");
        for (char * const *f = in->files; f && *f; f++)
                manifest_add_file(m, memo, *f);
        if (t->device)
                fprintf(m, "target-device %s %s\n", t->device, strempty(t->fstype));
        /* Where the capture leaves its trace: /etc/kdump/trace in the image. */
        if (in->trace.spec)
                fprintf(m, "trace-fs %s %s\n", in->trace.fs.device, in->trace.spec);
        if (in->lvm_plan) {
                fprintf(m, "lvm-begin\n%slvm-end\n", in->lvm_plan);
                manifest_add_program(m, memo, "/sbin/lvm", &programs);
        }
        if (net->plan.mac) {
                (void) net_plan_format(&net->plan, m);
                if (net->known_hosts) { /* an ssh target: the image carries the client */
                        fprintf(m, "known-hosts-begin\n%sknown-hosts-end\n", net->known_hosts);
                        manifest_add_program(m, memo, "dbclient", &programs);
                }
                if (net->plan.dhcp) { /* the capture's DHCP client and its script */
                        manifest_add_program(m, memo, "busybox", &programs);
                        manifest_add_program(m, memo, DHCP_LEASE_PROGRAM_PATH, &programs);
                }
        }
        manifest_add_libraries(m, memo, programs);
        fprintf(m, "config-begin\n%sconfig-end\n", in->baked);
        fprintf(m, "capture-settings-begin\n%scapture-settings-end\n", in->capture_settings);
        if (fclose(m) != 0) {
                free(buf);
                return -ENOMEM;
        }
        /* kdumpctl status run by a user cannot write it: no matter. */
        (void) hash_memo_save(memo);
        *ret = buf;
        return 0;
}
