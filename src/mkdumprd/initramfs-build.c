/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "initramfs-build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config-check.h"
#include "block-device.h"
#include "block-stack.h"
#include "dump-target.h"
#include "elf-needed.h"
#include "file-hash.h"
#include "hook-dir.h"
#include "image-compress.h"
#include "initramfs-inspect.h"
#include "net-target.h"
#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"
#include "strv.h"

#ifndef CAPTURE_PROGRAM_PATH
#define CAPTURE_PROGRAM_PATH "/usr/lib/kdumpd/kdump-capture"
#endif
#ifndef DRACUT_MODULE_DIR
#define DRACUT_MODULE_DIR "/usr/lib/dracut/modules.d/99kdump"
#endif

/* Bump when the image layout changes, so old images are rebuilt. */
#define MANIFEST_FORMAT "kdumpd-manifest 3"
/* In the state directory: see hash_memo_load(). */
#define HASH_MEMO_FILE ".hash-memo"

int build_paths_for_kernel(const char *kver, char **ret_kver, char **ret_kernel) {
        struct utsname u;
        char *k, *img;

        if (!kver) {
                if (uname(&u) < 0)
                        return negative_errno();
                kver = u.release;
        }
        k = strdup(kver);
        if (!k)
                return -ENOMEM;
        if (asprintf(&img, "/boot/vmlinuz-%s", kver) < 0) {
                free(k);
                return -ENOMEM;
        }
        *ret_kver = k;
        *ret_kernel = img;
        return 0;
}

int initramfs_path(const BuildPaths *p, char **ret) {
        if (asprintf(ret, "%s/initramfs-%s.img", p->state_dir, p->kver) < 0)
                return -ENOMEM;
        return 0;
}

static int manifest_path(const BuildPaths *p, char **ret) {
        if (asprintf(ret, "%s/initramfs-%s.manifest", p->state_dir, p->kver) < 0)
                return -ENOMEM;
        return 0;
}

/* A file's identity as far as a rebuild is concerned: its content. */
static void manifest_add_file(FILE *m, HashMemo *memo, const char *path) {
        char hash[FILE_HASH_HEX_LEN + 1];
        int r = hash_memo_sha256(memo, path, hash);
        if (r < 0)
                fprintf(m, "file %s %s\n", path, r == -ENOENT ? "missing" : "unreadable");
        else
                fprintf(m, "file %s sha256:%s\n", path, hash);
}

/* A program as the image's PATH finds it (Debian's makedumpfile is in
 * /usr/bin, Fedora's in /usr/sbin); remembered in *programs for its
 * libraries. */
static void manifest_add_program(FILE *m, HashMemo *memo, const char *name, char ***programs) {
        static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
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

static int manifest_build(const BuildPaths *p, const char *baked_config, const char *collector, const TargetFs *t,
                          const NetTarget *net, const char *lvm_plan, char * const *files, bool zstd, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        _cleanup_free_ char *modules_dep = NULL;
        _cleanup_strv_free_ char **programs = NULL;
        _cleanup_free_ char *memo_path = NULL;
        _cleanup_(hash_memo_freep) HashMemo *memo = NULL;
        FILE *m;

        /* Without a memo every file is read: slower, as right. */
        if (asprintf(&memo_path, "%s/" HASH_MEMO_FILE, p->state_dir) < 0 || hash_memo_load(memo_path, &memo) < 0)
                memo = NULL;
        m = open_memstream(&buf, &size);
        if (!m)
                return -ENOMEM;
        fprintf(m, "%s\nkernel-release %s\n", MANIFEST_FORMAT, p->kver);
        /* The kernel's config decides it, and may change without the kernel. */
        fprintf(m, "image-compression %s\n", zstd ? "zstd" : "dracut");
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
        for (char * const *f = files; f && *f; f++)
                manifest_add_file(m, memo, *f);
        if (t && t->device)
                fprintf(m, "target-device %s %s\n", t->device, strempty(t->fstype));
        if (lvm_plan) {
                fprintf(m, "lvm-begin\n%slvm-end\n", lvm_plan);
                manifest_add_program(m, memo, "/sbin/lvm", &programs);
        }
        if (net && net->plan.mac) {
                (void) net_plan_format(&net->plan, m);
                if (net->known_hosts) { /* an ssh target: the image carries the client */
                        fprintf(m, "known-hosts-begin\n%sknown-hosts-end\n", net->known_hosts);
                        manifest_add_program(m, memo, "dbclient", &programs);
                }
        }
        manifest_add_libraries(m, memo, programs);
        fprintf(m, "config-begin\n%sconfig-end\n", baked_config);
        if (fclose(m) != 0) {
                free(buf);
                return -ENOMEM;
        }
        /* kdumpctl status run by a user cannot write it: no matter. */
        (void) hash_memo_save(memo);
        *ret = buf;
        return 0;
}

/* The config as the capture program will read it: the target made
 * explicit and path relative to the target filesystem's root. */
static int bake_config(const KdumpConfig *config, const char *config_path, const BuildPaths *p,
                       TargetFs *ret_target, NetTarget *ret_net, char **ret_text) {
        _cleanup_(net_target_done) NetTarget net = {};
        _cleanup_kdump_config_free_ KdumpConfig *baked = NULL;
        _cleanup_(target_fs_done) TargetFs t = {};
        _cleanup_free_ char *spec = NULL;
        DumpTargetType type = kdump_config_target_type(config);
        int r;

        switch (type) {
        case DUMP_TARGET_PATH:
                r = target_fs_for_path("/proc/self/mountinfo", kdump_config_path(config), &t);
                if (r == -ENODEV)
                        return log_error_errno(r, "%s: error: path \"%s\" is not on a block-device filesystem; "
                                               "name a dump target (e.g. \"ext4 UUID=…\")",
                                               config_path, kdump_config_path(config));
                if (r < 0)
                        return log_error_errno(r, "%s: error: cannot find the filesystem that holds path \"%s\": %m",
                                               config_path, kdump_config_path(config));
                if (t.uuid)
                        r = asprintf(&spec, "UUID=%s", t.uuid);
                else
                        r = asprintf(&spec, "%s", t.device);
                if (r < 0)
                        return log_oom();
                log_info("Dump target: %s (%s, %s) mounted on %s, dump directory \"%s\" on it.", spec, t.device,
                         t.fstype, t.mountpoint, t.relpath);
                r = kdump_config_with_target(config, t.fstype, spec, t.relpath, &baked);
                if (r < 0)
                        return log_oom();
                break;
        case DUMP_TARGET_FS: {
                _cleanup_free_ char *dev = NULL;
                r = block_device_find(kdump_config_target_location(config), &dev);
                if (r < 0) /* config_check_machine() reported it already */
                        return log_error_errno(r, "%s: error: dump target \"%s %s\" was not found on this machine: %m",
                                               config_path, kdump_config_target_kind(config),
                                               kdump_config_target_location(config));
                t.device = TAKE_PTR(dev);
                t.fstype = strdup(kdump_config_target_kind(config));
                if (!t.fstype)
                        return log_oom();
                break;
        }
        case DUMP_TARGET_RAW: {
                /* Nothing to mount: the capture program writes to the
                 * device itself, which needs its drivers and no fstype.
                 * The image has no udev: a link (/dev/disk/by-id/…) is
                 * baked in as the node it points to now. */
                _cleanup_free_ char *dev = NULL, *node = NULL;
                const char *loc = kdump_config_target_location(config);
                r = block_device_find(loc, &dev);
                if (r < 0) /* config_check_machine() reported it already */
                        return log_error_errno(r, "%s: error: raw dump target \"%s\" was not found on this machine: %m",
                                               config_path, loc);
                if (strncmp(loc, "/dev/", 5) == 0) {
                        node = realpath(dev, NULL);
                        if (!node)
                                return log_error_errno(-errno, "Failed to resolve raw dump target \"%s\": %m", loc);
                        if (strcmp(node, loc) != 0) {
                                log_info("Raw dump target %s is %s now; the capture image names it so.", loc, node);
                                r = kdump_config_with_target(config, "raw", node, kdump_config_path(config), &baked);
                                if (r < 0)
                                        return log_oom();
                        }
                }
                t.device = node ? TAKE_PTR(node) : TAKE_PTR(dev);
                break;
        }
        case DUMP_TARGET_NFS:
        case DUMP_TARGET_SSH: {
                /* The server by address (there is no resolver in the
                 * image), path as kdump.conf says: on the export, or on
                 * the ssh server. */
                _cleanup_free_ char *why = NULL;
                r = net_target_prepare(config, &net, &why);
                if (r == -ENETDOWN && p->waiting)
                        p->waiting(why, p->userdata);
                if (r < 0)
                        return r;
                r = kdump_config_with_target(config, kdump_config_target_kind(config), net.location,
                                             kdump_config_path(config), &baked);
                if (r < 0)
                        return log_oom();
                break;
        }
        default:
                return log_error_errno(-EOPNOTSUPP,
                                       "%s: error: dump target \"%s\" is not supported by this kdumpd build yet; "
                                       "use a local path, \"<fstype> <device>\", raw, nfs or ssh",
                                       config_path, kdump_config_target_kind(config));
        }

        r = kdump_config_format_string(baked ? baked : config, ret_text);
        if (r < 0)
                return log_error_errno(r, "Failed to write the capture configuration: %m");
        *ret_target = t;
        t = (TargetFs) {};
        *ret_net = net;
        net = (NetTarget) {};
        return 0;
}

static bool action_needs_root(KdumpAction a) {
        return a == KDUMP_ACTION_DUMP_TO_ROOTFS || a == KDUMP_ACTION_MOUNT_ROOT_RUN_INIT;
}

/* The real root as the capture image finds it again, "SPEC FSTYPE", when
 * an action needs it (dump_to_rootfs, mount_root_run_init; config-check.c
 * refused a root that is not on a block device, and a missing shell). */
static int actions_prepare(const KdumpConfig *config, const char *config_path, TargetFs *ret_root, char **ret_spec) {
        KdumpAction failure = kdump_config_failure_action(config), final = kdump_config_final_action(config);
        KdumpAction a = action_needs_root(failure) ? failure : final;
        _cleanup_(target_fs_done) TargetFs t = {};
        int r;

        if (!action_needs_root(a))
                return 0;
        r = target_fs_for_path("/proc/self/mountinfo", "/", &t);
        if (r < 0)
                return log_error_errno(r, "%s: error: %s needs the root filesystem in the capture kernel, and it is not "
                                       "on a block device this image can mount: %m",
                                       config_path, kdump_action_to_string(a));
        /* "SPEC FSTYPE PATH": dump_to_rootfs writes to kdump.conf's path as
         * the root sees it (the baked one is relative to the target). */
        _cleanup_free_ char *qpath = shell_quote(kdump_config_path(config));
        if (!qpath || (t.uuid ? asprintf(ret_spec, "UUID=%s %s %s", t.uuid, t.fstype, qpath)
                              : asprintf(ret_spec, "%s %s %s", t.device, t.fstype, qpath)) < 0)
                return log_oom();
        log_info("%s: the root filesystem %s (%s) goes into the capture image too.", kdump_action_to_string(a),
                 t.device, t.fstype);
        *ret_root = t;
        t = (TargetFs) {};
        return 0;
}

/* An LVM target: the logical volume the capture program activates, the
 * physical volumes it waits for (by UUID: device names may differ in the
 * capture kernel), and their disks, whose drivers go into the image as
 * the target's would. Other stacks were refused by check_machine(). */
static int lvm_target_prepare(const TargetFs *t, char **ret_plan, char **ret_disks) {
        _cleanup_(block_stack_done) BlockStack s = {};
        _cleanup_strv_free_ char **uuids = NULL, **nodes = NULL;
        _cleanup_free_ char *name = NULL;
        int r;

        if (!t->device) {
                *ret_plan = *ret_disks = NULL;
                return 0;
        }
        r = block_device_kernel_name("/sys", t->device, &name);
        if (r >= 0)
                r = block_stack_inspect("/sys", name, &s);
        if (r < 0)
                return log_error_errno(r, "Failed to tell what dump target device \"%s\" is built on: %m", t->device);
        if (s.kind == BLOCK_STACK_UNSUPPORTED)
                return log_error_errno(-EOPNOTSUPP, "Dump target device \"%s\" (%s) is %s; it cannot be used.", t->device,
                                       name, s.problem);
        if (s.kind != BLOCK_STACK_LVM) {
                *ret_plan = *ret_disks = NULL;
                return 0;
        }
        for (char **d = s.disks; *d; d++) {
                _cleanup_free_ char *node = NULL, *uuid = NULL;
                if (asprintf(&node, "/dev/%s", *d) < 0)
                        return log_oom();
                for (char *c = node; (c = strchr(c, '!'));) /* sysfs's name for "cciss/c0d0" */
                        *c = '/';
                r = block_device_probe_value(node, "UUID", &uuid);
                if (r < 0)
                        return log_error_errno(r, "Failed to read the UUID of LVM physical volume \"%s\": %m", node);
                if (strv_extend(&uuids, uuid) < 0 || strv_extend(&nodes, node) < 0)
                        return log_oom();
        }
        _cleanup_free_ char *plan = NULL, *disks = strv_join(nodes, " ");
        if (!disks || lvm_plan_format(s.vg, s.lv, uuids, &plan) < 0)
                return log_oom();
        log_info("Dump target %s is LVM volume \"%s/%s\" on %s; the capture image activates it with lvm.", t->device,
                 s.vg, s.lv, disks);
        *ret_plan = TAKE_PTR(plan);
        *ret_disks = TAKE_PTR(disks);
        return 0;
}

/* dracut_args that choose dracut's compression: the admin's word stands. */
static bool dracut_args_compress(char * const *args) {
        static const char *const options[] = { "--compress", "--no-compress", "--xz", "--zstd", "--gzip", "--lz4",
                                               "--lzo", "--lzma", "--bzip2" };
        for (char * const *a = args; a && *a; a++)
                for (size_t i = 0; i < ELEMENTSOF(options); i++)
                        if (strncmp(*a, options[i], strlen(options[i])) == 0 &&
                            ((*a)[strlen(options[i])] == '\0' || (*a)[strlen(options[i])] == '='))
                                return true;
        return false;
}

/* How the image is compressed: zstd by mkdumprd when the kernel reads it and
 * dracut_args do not say otherwise, else xz by dracut. */
static bool image_zstd_wanted(const KdumpConfig *config, const BuildPaths *p) {
        _cleanup_strv_free_ char **extra = NULL;
        _cleanup_free_ char *config_path = NULL;
        const char *user_args = kdump_config_string(config, "dracut_args");
        const char *slash = p->kernel ? strrchr(p->kernel, '/') : NULL;

        if (user_args && (shell_split(user_args, &extra) < 0 || dracut_args_compress(extra)))
                return false;
        if (!slash || asprintf(&config_path, "%.*s/config-%s", (int) (slash - p->kernel), p->kernel, p->kver) < 0)
                return false;
        return kernel_reads_zstd_initramfs(config_path);
}

static int dracut_argv(const KdumpConfig *config, const BuildPaths *p, const char *baked_path, const char *confdir,
                       bool zstd, const char *out, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL, **extra = NULL;
        const char *user_args = kdump_config_string(config, "dracut_args");
        int r;

        /* Only our module: no init system, no udev, no shell. dracut's own
         * configuration is left out so that what is in the image follows
         * from kdump.conf alone (dracut_args adds to it). */
        const char *fixed[] = {
                "dracut", "--force", "--quiet", "--conf", "/dev/null", "--confdir", confdir,
                "--hostonly", "--hostonly-mode", "strict", "--no-hostonly-cmdline", "--no-early-microcode",
                "--nofscks", "--modules", "kdump", "--kver", p->kver,
                "--include", baked_path, "/etc/kdump.conf", NULL,
        };
        for (const char **a = fixed; *a; a++)
                if (strv_extend(&argv, *a) < 0)
                        return -ENOMEM;
        if (zstd ? strv_extend(&argv, "--no-compress") < 0
                 : strv_extend(&argv, "--compress") < 0 || strv_extend(&argv, "xz") < 0)
                return -ENOMEM;
        if (user_args) {
                r = shell_split(user_args, &extra);
                if (r < 0)
                        return r;
                if (strv_extend_strv(&argv, extra) < 0)
                        return -ENOMEM;
        }
        if (strv_extend(&argv, out) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(argv);
        return 0;
}

/* Logs every finding of the machine checks; errors refuse the build. */
static int check_machine(const KdumpConfig *config, const char *kver) {
        ConfigDiagnostics diag = {};
        int r = config_check_machine(config, kver, &diag);
        if (r >= 0) {
                const char *dirs[] = { KDUMP_HOOK_DIR_PRE, KDUMP_HOOK_DIR_POST, KDUMP_HOOK_DIR_EMERGENCY };
                for (size_t i = 0; i < ELEMENTSOF(dirs) && r >= 0; i++) {
                        _cleanup_strv_free_ char **l = NULL;
                        r = hook_dir_list(dirs[i], &diag, &l);
                }
        }
        bool bad = diag.n_errors > 0;
        log_config_diagnostics(&diag);
        if (r < 0)
                return log_error_errno(r, "Failed to check the configuration against this machine: %m");
        if (bad)
                return log_error_errno(-EINVAL, "%s cannot be used on this machine; nothing was changed.",
                                       kdump_config_source(config));
        return 0;
}

/* What goes into the image besides the fixed parts: the hooks and extra
 * binaries (their fingerprints decide about rebuilds), and of those the
 * hook files the dracut module copies to the same paths. */
static int image_files(const KdumpConfig *config, char ***ret_files, char ***ret_hooks) {
        _cleanup_strv_free_ char **files = NULL, **hooks = NULL;
        const char *dirs[] = { KDUMP_HOOK_DIR_PRE, KDUMP_HOOK_DIR_POST, KDUMP_HOOK_DIR_EMERGENCY };
        const char *single[] = { "kdump_pre", "kdump_post", "kdump_emergency" };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_strv_free_ char **l = NULL;
                r = hook_dir_list(dirs[i], NULL, &l);
                if (r < 0)
                        return r;
                if (strv_extend_strv(&hooks, l) < 0)
                        return -ENOMEM;
        }
        if (strv_extend_strv(&files, hooks) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(single); i++) {
                const char *v = kdump_config_string(config, single[i]);
                if (v && strv_extend(&files, v) < 0)
                        return -ENOMEM;
        }
        const char *bins = kdump_config_string(config, "extra_bins");
        if (bins) {
                _cleanup_strv_free_ char **l = NULL;
                if (shell_split(bins, &l) < 0 || strv_extend_strv(&files, l) < 0)
                        return -ENOMEM;
        }
        *ret_files = TAKE_PTR(files);
        *ret_hooks = TAKE_PTR(hooks);
        return 0;
}

/* Every capture kernel is named "(none)": without an identity of its
 * own, machines dumping to one NFSv4 server at once would present the
 * same client and revoke each other's state. The machine ID tells them
 * apart. */
static int nfs_client_identity(const KdumpConfig *config, char ***lines) {
        _cleanup_free_ char *id = NULL;

        if (kdump_config_target_type(config) != DUMP_TARGET_NFS)
                return 0;
        if (read_one_line_file("/etc/machine-id", &id) < 0 || strlen(id) < 8 || strspn(id, "0123456789abcdef") != strlen(id))
                return 0; /* no usable ID: the kernel's default */
        return strv_extendf(lines, "options nfs nfs4_unique_id=kdump-%s", id);
}

/* dracut ignores the status of a module's install(): an image without
 * /init or without the collector is built "successfully" and would fail
 * only in the capture kernel, after a crash. Read it back here, while the
 * previous image is still in place. */
static int image_check(const char *image, const char *kver, const char *collector, const char *final) {
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        const char *name = basename(collector); /* GNU's: the part after the last '/' */
        int r;

        r = initramfs_inspect(image, &info);
        if (r == -EOPNOTSUPP) { /* dracut_args chose lz4, bzip2, …: the kernel may read it, this check cannot */
                log_warning("The capture initramfs for %s is compressed in a way kdumpd cannot read back: whether it "
                            "holds /init and the core collector is not checked.", kver);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r == -ENOMEM ? r : -ENOEXEC,
                                       "error: the capture initramfs dracut built (\"%s\") cannot be read back (%s); "
                                       "the previous one is kept.", image, strerror(-r));
        if (!initramfs_entry_is_executable(initramfs_info_resolve(&info, "init")))
                return log_error_errno(-ENOEXEC, "error: the capture initramfs dracut built for %s has no executable "
                                       "/init (the capture program, %s): dracut's kdump module did not install "
                                       "it (see dracut's messages above); the previous one is kept.",
                                       kver, CAPTURE_PROGRAM_PATH);
        /* A collector named by its path is installed at that path. */
        bool has_collector = strchr(collector, '/') ?
                initramfs_entry_is_executable(initramfs_info_resolve(&info, collector + strspn(collector, "/"))) :
                initramfs_info_find_program(&info, name) != NULL;
        if (!has_collector)
                return log_error_errno(-ENOEXEC, "error: the capture initramfs dracut built for %s has no core "
                                       "collector \"%s\" in /usr/bin, /usr/sbin, /bin or /sbin; the previous one "
                                       "is kept. Is it installed on this machine?", kver, name);
        log_info("Capture initramfs for %s built: %.1f MiB packed, %.1f MiB unpacked, %zu entries; it replaces "
                 "\"%s\" once it is loaded.", kver, info.packed_size / 1048576.0, info.unpacked_size / 1048576.0,
                 info.n_entries, final);
        return 0;
}

static int fsync_path(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) < 0)
                return negative_errno();
        return 0;
}

void staged_image_done(StagedImage *s) {
        if (s->image)
                (void) unlink(s->image);
        if (s->tmpdir)
                (void) rmdir(s->tmpdir);
        free(s->tmpdir);
        free(s->image);
        free(s->final);
        free(s->manifest_path);
        free(s->manifest);
        if (s->lock_fd >= 0)
                close(s->lock_fd); /* releases the flock */
        *s = (StagedImage) { .lock_fd = -EBADF };
}

/* One build at a time, whoever starts it (kdumpd, mkdumprd, kdumpctl
 * rebuild): they share the state directory and its temp names. */
static int lock_state_dir(const char *state_dir, int *ret_fd) {
        _cleanup_free_ char *path = NULL;
        int r = mkdir_p(state_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create \"%s\": %m", state_dir);
        if (asprintf(&path, "%s/.lock", state_dir) < 0)
                return log_oom();
        _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return log_error_errno(-errno, "Failed to open \"%s\": %m", path);
        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                if (errno != EWOULDBLOCK)
                        return log_error_errno(-errno, "Failed to lock \"%s\": %m", path);
                log_info("Another build of the capture initramfs is running; waiting for it.");
                if (flock(fd, LOCK_EX) < 0)
                        return log_error_errno(-errno, "Failed to lock \"%s\": %m", path);
        }
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* A build that was killed (a stop timeout, Ctrl-C, OOM) leaves its private
 * directory, which may hold the converted ssh key: with the lock held none
 * is in use, so every one left is removed. */
static void remove_stale_build_dirs(const char *state_dir) {
        _cleanup_close_ int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = dfd >= 0 ? fdopendir(dup(dfd)) : NULL;
        struct dirent *de;

        if (!d)
                return;
        while ((de = readdir(d))) {
                if (strncmp(de->d_name, ".build.", 7) != 0)
                        continue;
                int bfd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                DIR *b = bfd >= 0 ? fdopendir(bfd) : NULL;
                if (!b) {
                        if (bfd >= 0)
                                close(bfd);
                        continue;
                }
                /* Only files and dracut.conf.d (empty) are ever put there. */
                for (struct dirent *e; (e = readdir(b));)
                        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
                            unlinkat(dirfd(b), e->d_name, 0) < 0 && errno == EISDIR)
                                (void) unlinkat(dirfd(b), e->d_name, AT_REMOVEDIR);
                closedir(b);
                if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) == 0)
                        log_notice("Removed \"%s/%s\", left by an interrupted build.", state_dir, de->d_name);
        }
        closedir(d);
}

/* Everything a build is made from, and the manifest of it: what decides
 * whether the image on disk is current. One sequence for a build and for
 * "kdumpctl status" (which input changed), so that they never disagree. */
typedef struct BuildInputs {
        char **files, **hooks;   /* hashed; hooks also go into the image */
        TargetFs target;
        NetTarget net;
        char *baked;             /* the normalised kdump.conf, target made explicit */
        char *lvm_plan, *lvm_disks;
        char *manifest;
        bool zstd;               /* the image compressed by mkdumprd (else by dracut) */
} BuildInputs;

static void build_inputs_done(BuildInputs *in) {
        strv_free(in->files);
        strv_free(in->hooks);
        target_fs_done(&in->target);
        net_target_done(&in->net);
        free(in->baked);
        free(in->lvm_plan);
        free(in->lvm_disks);
        free(in->manifest);
        *in = (BuildInputs) {};
}

static int build_inputs_collect(const KdumpConfig *config, const char *config_path, const BuildPaths *p,
                                BuildInputs *ret) {
        _cleanup_(build_inputs_done) BuildInputs in = {};
        int r;

        r = image_files(config, &in.files, &in.hooks);
        if (r < 0)
                return log_error_errno(r, "Failed to list the hook directories: %m");
        r = bake_config(config, config_path, p, &in.target, &in.net, &in.baked);
        if (r < 0)
                return r;
        /* The ssh key's identity decides too (it is converted, not copied). */
        if (kdump_config_target_type(config) == DUMP_TARGET_SSH &&
            strv_extend(&in.files, kdump_config_sshkey(config)) < 0)
                return log_oom();
        r = lvm_target_prepare(&in.target, &in.lvm_plan, &in.lvm_disks);
        if (r < 0)
                return r;
        in.zstd = image_zstd_wanted(config, p);
        if (manifest_build(p, in.baked, kdump_config_core_collector_argv(config)[0], &in.target, &in.net,
                           in.lvm_plan, in.files, in.zstd, &in.manifest) < 0)
                return log_oom();
        *ret = in;
        in = (BuildInputs) {};
        return 0;
}

int initramfs_stage(const KdumpConfig *config, const char *config_path, const BuildPaths *p, bool force,
                    StagedImage *ret) {
        _cleanup_(staged_image_done) StagedImage staged = { .lock_fd = -EBADF };
        _cleanup_(build_inputs_done) BuildInputs in = {};
        _cleanup_free_ char *img = NULL, *mpath = NULL, *old = NULL, *tmpimg = NULL,
                            *tmpdir = NULL, *baked_path = NULL, *confdir = NULL, *cmd = NULL;
        _cleanup_strv_free_ char **env = NULL;
        char * const *collector = kdump_config_core_collector_argv(config);
        _cleanup_free_ char *hook_list = NULL, *modprobe = NULL;
        _cleanup_strv_free_ char **modprobe_lines = NULL;
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *lvm_plan_path = NULL, *cpio = NULL;
        _cleanup_free_ char *net_modules = NULL, *root_spec = NULL;
        bool zstd = false;
        _cleanup_(target_fs_done) TargetFs root = {};
        int r;

        assert_return(config && p && p->kver && p->kernel && p->state_dir, -EINVAL);

        if (access(p->kernel, R_OK) < 0)
                return log_error_errno(-errno, "Kernel image \"%s\" for %s is not readable: %m", p->kernel, p->kver);

        r = check_machine(config, p->kver);
        if (r < 0)
                return r;
        r = build_inputs_collect(config, config_path, p, &in);
        if (r < 0)
                return r;

        r = lock_state_dir(p->state_dir, &staged.lock_fd);
        if (r < 0)
                return r;
        remove_stale_build_dirs(p->state_dir);
        r = actions_prepare(config, config_path, &root, &root_spec);
        if (r < 0)
                return r;
        if (initramfs_path(p, &img) < 0 || manifest_path(p, &mpath) < 0)
                return log_oom();

        staged.final = TAKE_PTR(img);
        staged.manifest_path = TAKE_PTR(mpath);
        if (!force && !kdump_config_force_rebuild(config) && access(staged.final, R_OK) == 0 &&
            read_full_file(staged.manifest_path, &old, NULL) >= 0 && strcmp(old, in.manifest) == 0) {
                log_info("Capture initramfs \"%s\" is up to date.", staged.final);
                *ret = staged;
                staged = (StagedImage) { .lock_fd = -EBADF };
                return BUILD_UP_TO_DATE;
        }
        if (kdump_config_force_no_rebuild(config) && access(staged.final, R_OK) == 0 && !force) {
                log_notice("Capture initramfs \"%s\" is out of date, but force_no_rebuild is set: using it.",
                           staged.final);
                *ret = staged;
                staged = (StagedImage) { .lock_fd = -EBADF };
                return BUILD_UP_TO_DATE;
        }

        if (p->building)
                p->building(p->kver, p->userdata);
        /* Everything dracut reads from us goes through a private directory. */
        if (asprintf(&tmpdir, "%s/.build.XXXXXX", p->state_dir) < 0)
                return log_oom();
        if (!mkdtemp(tmpdir))
                return log_error_errno(-errno, "Failed to create a build directory in \"%s\": %m", p->state_dir);
        if (asprintf(&baked_path, "%s/kdump.conf", tmpdir) < 0 || asprintf(&tmpimg, "%s/initramfs.img", tmpdir) < 0 ||
            asprintf(&confdir, "%s/dracut.conf.d", tmpdir) < 0) {
                r = log_oom();
                goto cleanup;
        }
        if (mkdir(confdir, 0700) < 0) {
                r = log_error_errno(-errno, "Failed to create \"%s\": %m", confdir);
                goto cleanup;
        }
        r = write_file_atomic(baked_path, in.baked, strlen(in.baked), 0600);
        if (r < 0) {
                log_error_errno(r, "Failed to write \"%s\": %m", baked_path);
                goto cleanup;
        }

        if (in.net.plan.mac) {
                r = net_target_write(&in.net, config, tmpdir);
                if (r < 0)
                        goto cleanup;
                net_modules = strv_join(in.net.modules, " ");
                if (!net_modules) {
                        r = log_oom();
                        goto cleanup;
                }
        }

        if (in.lvm_plan) {
                if (asprintf(&lvm_plan_path, "%s/lvm", tmpdir) < 0) {
                        r = log_oom();
                        goto cleanup;
                }
                r = write_file_atomic(lvm_plan_path, in.lvm_plan, strlen(in.lvm_plan), 0600);
                if (r < 0) {
                        log_error_errno(r, "Failed to write \"%s\": %m", lvm_plan_path);
                        goto cleanup;
                }
        }

        zstd = in.zstd;
        if (zstd && asprintf(&cpio, "%s/initramfs.cpio", tmpdir) < 0) {
                r = log_oom();
                goto cleanup;
        }
        r = dracut_argv(config, p, baked_path, confdir, zstd, zstd ? cpio : tmpimg, &argv);
        if (r < 0) {
                log_error_errno(r, "%s: error: dracut_args cannot be split into words: %m", config_path);
                goto cleanup;
        }
        /* The dracut module reads what to install from the environment,
         * never from text pasted into its shell code. */
        if (strv_extendf(&env, "KDUMP_TARGET_DEVICE=%s", strempty(in.target.device)) < 0 ||
            strv_extendf(&env, "KDUMP_TARGET_FSTYPE=%s", strempty(in.target.fstype)) < 0 ||
            strv_extendf(&env, "KDUMP_TARGET_DISKS=%s", strempty(in.lvm_disks)) < 0 ||
            strv_extendf(&env, "KDUMP_LVM_PLAN=%s", strempty(lvm_plan_path)) < 0 ||
            strv_extendf(&env, "KDUMP_COLLECTOR=%s", collector[0]) < 0 ||
            strv_extendf(&env, "KDUMP_TARGET_TYPE=%s", dump_target_type_to_string(kdump_config_target_type(config))) < 0 ||
            strv_extendf(&env, "KDUMP_NET_DIR=%s", in.net.plan.mac ? tmpdir : "") < 0 ||
            strv_extendf(&env, "KDUMP_NET_MODULES=%s", strempty(net_modules)) < 0 ||
            strv_extendf(&env, "KDUMP_PRE=%s", strempty(kdump_config_string(config, "kdump_pre"))) < 0 ||
            strv_extendf(&env, "KDUMP_POST=%s", strempty(kdump_config_string(config, "kdump_post"))) < 0 ||
            strv_extendf(&env, "KDUMP_EMERGENCY=%s", strempty(kdump_config_string(config, "kdump_emergency"))) < 0 ||
            strv_extendf(&env, "KDUMP_EXTRA_BINS=%s", strempty(kdump_config_string(config, "extra_bins"))) < 0 ||
            strv_extendf(&env, "KDUMP_EXTRA_MODULES=%s", strempty(kdump_config_string(config, "extra_modules"))) < 0 ||
            !(hook_list = strv_join(in.hooks, "\n")) ||
            strv_extendf(&env, "KDUMP_HOOK_FILES=%s", hook_list) < 0 ||
            strv_extend_strv(&modprobe_lines, (char **) kdump_config_modprobe_lines(config)) < 0 ||
            nfs_client_identity(config, &modprobe_lines) < 0 ||
            !(modprobe = strv_join(modprobe_lines, "\n")) ||
            strv_extendf(&env, "KDUMP_MODPROBE_CONF=%s", modprobe) < 0 ||
            strv_extendf(&env, "KDUMP_ROOT_DEVICE=%s", strempty(root.device)) < 0 ||
            strv_extendf(&env, "KDUMP_ROOT_FSTYPE=%s", strempty(root.fstype)) < 0 ||
            strv_extendf(&env, "KDUMP_ROOT_SPEC=%s", strempty(root_spec)) < 0 ||
            strv_extendf(&env, "KDUMP_SHELL=%s", kdump_config_failure_action(config) == KDUMP_ACTION_SHELL ? "1" : "") < 0) {
                r = log_oom();
                goto cleanup;
        }

        cmd = strv_join(argv, " ");
        log_info("Building capture initramfs for %s: %s", p->kver, strempty(cmd));
        r = spawn_and_wait(argv, env);
        if (r != 0) {
                if (r < 0)
                        log_error_errno(r, "Failed to run dracut: %m");
                else
                        log_error("dracut failed (exit status %d); the previous capture initramfs is kept.", r);
                r = r < 0 ? r : -EIO;
                goto cleanup;
        }

        if (zstd) {
                r = image_compress_zstd(cpio, tmpimg);
                (void) unlink(cpio);
                if (r < 0) {
                        log_error_errno(r, "Failed to compress the capture initramfs into \"%s\": %m", tmpimg);
                        goto cleanup;
                }
        }
        if (chmod(tmpimg, 0600) < 0 || fsync_path(tmpimg) < 0) {
                r = log_error_errno(-errno, "Failed to sync \"%s\": %m", tmpimg);
                goto cleanup;
        }
        r = image_check(tmpimg, p->kver, collector[0], staged.final);
        if (r < 0)
                goto cleanup;
        /* The image waits in the build directory: it is renamed into place
         * only when the caller commits it (after loading it). */
        staged.tmpdir = TAKE_PTR(tmpdir);
        staged.image = TAKE_PTR(tmpimg);
        staged.manifest = TAKE_PTR(in.manifest);
        r = BUILD_BUILT;

cleanup:
        /* dracut's inputs go, the ssh key's converted copy first of all;
         * only a staged image stays in the build directory. */
        if (baked_path)
                (void) unlink(baked_path);
        const char *dir = tmpdir ? tmpdir : staged.tmpdir;
        for (const char *const *n = (const char *const[]) { "net", "known_hosts", "id_dropbear", "lvm", NULL }; *n && dir;
             n++) {
                _cleanup_free_ char *f = NULL;
                if (asprintf(&f, "%s/%s", dir, *n) >= 0)
                        (void) unlink(f);
        }
        if (tmpimg) /* not handed on: a failed build */
                (void) unlink(tmpimg);
        if (cpio)
                (void) unlink(cpio);
        if (confdir)
                (void) rmdir(confdir);
        if (tmpdir)
                (void) rmdir(tmpdir);
        if (r >= 0) {
                *ret = staged;
                staged = (StagedImage) { .lock_fd = -EBADF };
        }
        return r;
}

int initramfs_commit(StagedImage *s) {
        int r;

        assert_return(s && s->final, -EINVAL);
        if (!s->image)
                return 0; /* it was up to date */
        if (rename(s->image, s->final) < 0)
                return log_error_errno(-errno, "Failed to move the new image to \"%s\": %m", s->final);
        free(s->image);
        s->image = NULL;
        (void) fsync_parent_dir(s->final);
        r = write_file_atomic(s->manifest_path, s->manifest, strlen(s->manifest), 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to write \"%s\": %m", s->manifest_path);
        log_info("Capture initramfs \"%s\" is in place.", s->final);
        return 0;
}

int initramfs_ensure(const KdumpConfig *config, const char *config_path, const BuildPaths *p, bool force) {
        _cleanup_(staged_image_done) StagedImage s = { .lock_fd = -EBADF };
        int r = initramfs_stage(config, config_path, p, force, &s);
        if (r < 0)
                return r;
        int q = initramfs_commit(&s);
        return q < 0 ? q : r;
}

int initramfs_manifest_current(const KdumpConfig *config, const char *config_path, const BuildPaths *p,
                               char **ret_current, char **ret_built) {
        _cleanup_(build_inputs_done) BuildInputs in = {};
        _cleanup_free_ char *built = NULL, *mpath = NULL;
        int r;

        assert_return(config && p && p->kver && p->kernel && p->state_dir && ret_current && ret_built, -EINVAL);

        r = build_inputs_collect(config, config_path, p, &in);
        if (r < 0)
                return r;
        if (manifest_path(p, &mpath) < 0)
                return log_oom();
        r = read_full_file(mpath, &built, NULL);
        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "Failed to read \"%s\": %m", mpath);
        *ret_current = TAKE_PTR(in.manifest);
        *ret_built = TAKE_PTR(built);
        return 0;
}
