/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <libkmod.h>
#include <libmount.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block-device.h"
#include "block-stack.h"
#include "dump-target.h"
#include "fileio.h"
#include "image-paths.h"
#include "macro.h"
#include "net-target.h"
#include "spawn.h"
#include "strv.h"

#define ADD(error, directive, ...)                                                                          \
        do {                                                                                                \
                if (config_diagnostics_add(diag, kdump_config_source(c), kdump_config_line(c, directive), error, \
                                           __VA_ARGS__) < 0)                                                \
                        return -ENOMEM;                                                                     \
        } while (0)

static int check_hooks(const KdumpConfig *c, ConfigDiagnostics *diag) {
        static const char *const hooks[] = { "kdump_pre", "kdump_post", "kdump_emergency" };
        for (size_t i = 0; i < ELEMENTSOF(hooks); i++) {
                const char *exe = kdump_config_string(c, hooks[i]);
                if (exe && !is_executable_file(exe))
                        ADD(true, hooks[i], "%s \"%s\" is not an executable file", hooks[i], exe);
        }
        return 0;
}

static int check_collector(const KdumpConfig *c, ConfigDiagnostics *diag) {
        _cleanup_strv_free_ char **check = NULL;
        char * const *argv = kdump_config_core_collector_argv(c);
        DumpTargetType t = kdump_config_target_type(c);
        int r;

        if (!image_program_exists(argv[0])) {
                ADD(true, "core_collector", "core_collector \"%s\" is not installed", argv[0]);
                return 0;
        }
        if (strcmp(argv[0], "makedumpfile") != 0)
                return 0;

        /* Flattened output (-F) goes to stdout: a stream (ssh, raw) takes it,
         * a file target cannot (the capture program names an output file,
         * which makedumpfile then refuses, at crash time). */
        if (strv_contains(argv, "-F") && t != DUMP_TARGET_SSH && t != DUMP_TARGET_RAW) {
                ADD(true, "core_collector",
                    "-F writes the dump to standard output, which only ssh and raw targets take; remove -F");
                return 0;
        }

        /* makedumpfile checks its own options without touching a vmcore.
         * With -F it writes to stdout and takes no output file. */
        if (strv_extend(&check, argv[0]) < 0 || strv_extend(&check, "--check-params") < 0 ||
            strv_extend_strv(&check, argv + 1) < 0 || strv_extend(&check, "/proc/vmcore") < 0 ||
            (!strv_contains(argv, "-F") && strv_extend(&check, "/var/crash/vmcore") < 0))
                return -ENOMEM;
        r = spawn_and_wait_quiet(check, NULL);
        if (r != 0)
                ADD(true, "core_collector", "makedumpfile rejects the options in \"%s\"", kdump_config_core_collector(c));
        return 0;
}

static int check_extra_bins(const KdumpConfig *c, ConfigDiagnostics *diag) {
        _cleanup_strv_free_ char **bins = NULL;
        const char *v = kdump_config_string(c, "extra_bins");

        if (!v)
                return 0;
        if (shell_split(v, &bins) == -ENOMEM)
                return -ENOMEM;
        for (char **b = bins; b && *b; b++)
                if (!image_program_exists(*b) && access(*b, R_OK) < 0)
                        ADD(true, "extra_bins", "extra_bins: \"%s\" does not exist", *b);
        return 0;
}

static void kmod_unrefp(struct kmod_ctx **k) {
        if (*k)
                kmod_unref(*k);
}

static int check_extra_modules(const KdumpConfig *c, const char *kver, ConfigDiagnostics *diag) {
        _cleanup_strv_free_ char **mods = NULL;
        _cleanup_free_ char *dir = NULL;
        _cleanup_(kmod_unrefp) struct kmod_ctx *ctx = NULL;
        const char *v = kdump_config_string(c, "extra_modules");

        if (!v)
                return 0;
        if (shell_split(v, &mods) == -ENOMEM || asprintf(&dir, "/lib/modules/%s", kver) < 0)
                return -ENOMEM;
        ctx = kmod_new(dir, NULL);
        if (!ctx)
                return -ENOMEM;
        for (char **m = mods; m && *m; m++) {
                struct kmod_list *l = NULL;
                if (kmod_module_new_from_lookup(ctx, *m, &l) < 0 || !l)
                        ADD(true, "extra_modules", "extra_modules: kernel module \"%s\" does not exist for %s", *m, kver);
                kmod_module_unref_list(l);
        }
        return 0;
}

static bool is_local_address(const char *node) {
        struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *res = NULL;
        struct ifaddrs *ifs = NULL;
        bool local = false;

        if (getaddrinfo(node, NULL, &hints, &res) != 0)
                return false;
        if (getifaddrs(&ifs) == 0) {
                for (struct ifaddrs *i = ifs; i && !local; i = i->ifa_next) {
                        if (!i->ifa_addr || i->ifa_addr->sa_family != res->ai_family)
                                continue;
                        if (res->ai_family == AF_INET)
                                local = memcmp(&((struct sockaddr_in *) i->ifa_addr)->sin_addr,
                                               &((struct sockaddr_in *) res->ai_addr)->sin_addr, sizeof(struct in_addr)) == 0;
                        else if (res->ai_family == AF_INET6)
                                local = memcmp(&((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr,
                                               &((struct sockaddr_in6 *) res->ai_addr)->sin6_addr,
                                               sizeof(struct in6_addr)) == 0;
                }
                freeifaddrs(ifs);
        }
        freeaddrinfo(res);
        return local;
}

static int check_fence_nodes(const KdumpConfig *c, ConfigDiagnostics *diag) {
        _cleanup_strv_free_ char **nodes = NULL;
        const char *v = kdump_config_string(c, "fence_kdump_nodes");
        char host[256] = "";

        if (!v)
                return 0;
        if (shell_split(v, &nodes) == -ENOMEM)
                return -ENOMEM;
        (void) gethostname(host, sizeof(host) - 1);
        size_t short_len = strcspn(host, ".");
        for (char **n = nodes; n && *n; n++) {
                bool same_name = *host && (strcasecmp(*n, host) == 0 ||
                                           (strlen(*n) == short_len && strncasecmp(*n, host, short_len) == 0));
                if (same_name || is_local_address(*n))
                        ADD(true, "fence_kdump_nodes",
                            "fence_kdump_nodes: \"%s\" is this machine; list the other cluster nodes only", *n);
        }
        return 0;
}

static void mnt_unref_tablep(struct libmnt_table **t) {
        mnt_unref_table(*t);
}

/* Where devnode's filesystem root is mounted; -ENOENT when it is not (or
 * only a subdirectory of it is, which tells nothing about path). */
static int mounted_root_of(const char *devnode, char **ret) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *tb = mnt_new_table_from_file("/proc/self/mountinfo");
        struct libmnt_iter *it;
        struct libmnt_fs *fs;
        int r = -ENOENT;

        if (!tb)
                return -ENOENT;
        it = mnt_new_iter(MNT_ITER_FORWARD);
        if (!it)
                return -ENOMEM;
        while (r == -ENOENT && mnt_table_next_fs(tb, it, &fs) == 0) {
                const char *src = mnt_fs_get_srcpath(fs), *root = mnt_fs_get_root(fs);
                if (!src || strcmp(src, devnode) != 0 || !root || strcmp(root, "/") != 0)
                        continue;
                char *m = strdup(mnt_fs_get_target(fs));
                if (!m)
                        r = -ENOMEM;
                else {
                        *ret = m;
                        r = 0;
                }
        }
        mnt_free_iter(it);
        return r;
}

/* A raw target is written from its first byte at crash time, so it must be
 * a block device that holds nothing libblkid recognises: a filesystem,
 * swap, a RAID or LVM member, a partition table are someone's data. */
static int check_raw_target(const KdumpConfig *c, ConfigDiagnostics *diag) {
        _cleanup_free_ char *dev = NULL, *type = NULL, *what = NULL;
        char * const *collector = kdump_config_core_collector_argv(c);
        const char *spec = kdump_config_target_location(c);
        struct stat st;
        int r;

        r = block_device_find(spec, &dev);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ADD(true, "target_kind", "raw dump target \"%s\" is not on this machine (%s)", spec, strerror(-r));
                return 0;
        }
        if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode)) {
                ADD(true, "target_kind", "raw dump target \"%s\" is not a block device", dev);
                return 0;
        }
        r = block_device_probe_signature(dev, &type);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                ADD(true, "target_kind", "cannot probe raw dump target \"%s\" for signatures (%s)", dev, strerror(-r));
        else if (r != BLOCK_SIGNATURE_NONE) {
                if (block_signature_describe(r, type, &what) < 0)
                        return -ENOMEM;
                ADD(true, "target_kind",
                    "raw dump target \"%s\" carries %s; a raw target must be empty, it is never written over. Name an "
                    "empty device, or erase the signature with \"wipefs -a %s\" if its data may go",
                    dev, what, dev);
        }

        /* kdumpd restores what makedumpfile -F wrote, nothing else. */
        if (strcmp(collector[0], "makedumpfile") != 0)
                ADD(false, "core_collector",
                    "kdumpd restores only makedumpfile's flattened stream from a raw target; what \"%s\" writes to "
                    "\"%s\" must be read off the device by hand",
                    collector[0], dev);
        return 0;
}

static int check_target(const KdumpConfig *c, ConfigDiagnostics *diag) {
        _cleanup_free_ char *dev = NULL;
        int r;

        if (kdump_config_target_type(c) == DUMP_TARGET_RAW)
                return check_raw_target(c, diag);
        if (kdump_config_target_type(c) != DUMP_TARGET_FS)
                return 0;
        r = block_device_find(kdump_config_target_location(c), &dev);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ADD(true, "target_kind", "dump target \"%s %s\" is not on this machine (%s)", kdump_config_target_kind(c),
                    kdump_config_target_location(c), strerror(-r));
                return 0;
        }

        /* Where the target is mounted now, path must already exist on it:
         * a typo there would otherwise only show when the dump is written
         * somewhere nobody looks. An unmounted target cannot be checked
         * without mounting it; the capture program creates path then. */
        _cleanup_free_ char *mountpoint = NULL, *where = NULL;
        struct stat st;
        r = mounted_root_of(dev, &mountpoint);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0;
        if (asprintf(&where, "%s%s", strcmp(mountpoint, "/") == 0 ? "" : mountpoint, kdump_config_path(c)) < 0)
                return -ENOMEM;
        if (stat(where, &st) < 0 || !S_ISDIR(st.st_mode))
                ADD(true, "path", "path \"%s\" does not exist on the dump target (mounted on %s); create \"%s\"",
                    kdump_config_path(c), mountpoint, where);
        return 0;
}

/* The capture image finds disks and partitions, and activates LVM volumes
 * on them; other stacks need what it does not carry (cryptsetup and a
 * passphrase, multipathd, mdadm, thin tools). */
static int check_target_stack(const KdumpConfig *c, ConfigDiagnostics *diag) {
        _cleanup_(target_fs_done) TargetFs t = {};
        _cleanup_(block_stack_done) BlockStack s = {};
        _cleanup_free_ char *dev = NULL, *name = NULL;
        DumpTargetType type = kdump_config_target_type(c);
        int r;

        if (type == DUMP_TARGET_PATH) {
                r = target_fs_for_path("/proc/self/mountinfo", kdump_config_path(c), &t);
                if (r >= 0)
                        dev = TAKE_PTR(t.device);
        } else if (type == DUMP_TARGET_FS)
                r = block_device_find(kdump_config_target_location(c), &dev);
        else
                return 0;
        if (r == -ENOMEM)
                return r;
        if (r < 0) /* not found: reported by check_target() or when the image is built */
                return 0;
        r = block_device_kernel_name("/sys", dev, &name);
        if (r == -ENOMEM)
                return r;
        if (r >= 0)
                r = block_stack_inspect("/sys", name, &s);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                ADD(true, type == DUMP_TARGET_PATH ? "path" : "target_kind",
                    "cannot tell what dump target device \"%s\" is built on (%s)", dev, strerror(-r));
        else if (s.kind == BLOCK_STACK_UNSUPPORTED)
                ADD(true, type == DUMP_TARGET_PATH ? "path" : "target_kind",
                    "dump target device \"%s\" (%s) is %s; the capture image supports disks, partitions, and linear "
                    "or striped LVM volumes on them",
                    dev, name, s.problem);
        return 0;
}

/* A TCP connection within a few seconds: a server that is down now may be
 * up when the machine crashes, so this is only a warning. */
static bool server_answers(const char *host, const char *port) {
        struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
        bool ok = false;

        if (getaddrinfo(host, port, &hints, &res) != 0)
                return false;
        for (struct addrinfo *a = res; a && !ok; a = a->ai_next) {
                _cleanup_close_ int fd = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                if (fd < 0)
                        continue;
                if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
                        ok = true;
                else if (errno == EINPROGRESS) {
                        struct pollfd p = { .fd = fd, .events = POLLOUT };
                        int err = 0;
                        socklen_t l = sizeof(err);
                        ok = poll(&p, 1, 3000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) == 0 && err == 0;
                }
        }
        freeaddrinfo(res);
        return ok;
}

static int check_network_target(const KdumpConfig *c, ConfigDiagnostics *diag) {
        DumpTargetType t = kdump_config_target_type(c);
        _cleanup_free_ char *host = NULL;
        const char *kind = kdump_config_target_kind(c);

        if (t != DUMP_TARGET_NFS && t != DUMP_TARGET_SSH)
                return 0;
        if (net_target_host(t, kdump_config_target_location(c), &host) < 0)
                return -ENOMEM;
        if (t == DUMP_TARGET_SSH) {
                const char *key = kdump_config_sshkey(c);
                if (access(key, R_OK) < 0)
                        ADD(true, "sshkey", "sshkey \"%s\" cannot be read (%s); run \"kdumpctl propagate\"", key,
                            strerror(errno));
                _cleanup_free_ char *known = NULL;
                int k = known_hosts_for(KDUMP_SSH_KNOWN_HOSTS, host, NULL, &known);
                if (k == -ENOMEM)
                        return k;
                if (k < 0)
                        ADD(true, "target_kind", "no host key of ssh server \"%s\" is recorded in %s; run \"kdumpctl propagate\"",
                            host, KDUMP_SSH_KNOWN_HOSTS);
                if (!image_program_exists("dbclient") || !image_program_exists("dropbearconvert"))
                        ADD(true, "target_kind",
                            "the ssh target needs dbclient and dropbearconvert in the capture image; install "
                            "Debian's dropbear-bin");
        }
        if (!server_answers(host, t == DUMP_TARGET_SSH ? "22" : "2049"))
                ADD(false, "target_kind", "%s server \"%s\" does not answer now (port %s); the dump will only land "
                    "if it is up when the machine crashes", kind, host, t == DUMP_TARGET_SSH ? "22" : "2049");
        return 0;
}

/* What failure_action and final_action need from this machine: a shell
 * to put in the image (shell), the root filesystem on a block device
 * (dump_to_rootfs, mount_root_run_init). */
static int check_actions(const KdumpConfig *c, ConfigDiagnostics *diag) {
        static const char *const directives[] = { "failure_action", "final_action" };

        for (size_t i = 0; i < ELEMENTSOF(directives); i++) {
                KdumpAction a = i == 0 ? kdump_config_failure_action(c) : kdump_config_final_action(c);
                /* "default" is failure_action's older name. */
                const char *d = i == 0 && kdump_config_line(c, "failure_action") == 0 ? "default" : directives[i];

                if (a == KDUMP_ACTION_SHELL && !image_program_exists("busybox") && !image_program_exists("dash"))
                        ADD(true, d, "%s shell needs a shell in the capture image, and this machine has neither "
                                     "busybox nor dash; install busybox",
                            d);
                if (a == KDUMP_ACTION_DUMP_TO_ROOTFS || a == KDUMP_ACTION_MOUNT_ROOT_RUN_INIT) {
                        _cleanup_(target_fs_done) TargetFs root = {};
                        _cleanup_(block_stack_done) BlockStack st = {};
                        _cleanup_free_ char *name = NULL;
                        int r = target_fs_for_path("/proc/self/mountinfo", "/", &root);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0) {
                                ADD(true, d, "%s %s needs the root filesystem in the capture kernel, and it is not "
                                             "on a block device",
                                    d, kdump_action_to_string(a));
                                continue;
                        }
                        /* The capture mounts the filesystem's top: a root
                         * that is a subvolume or a bind mount is not it. */
                        if (root.relpath && strcmp(root.relpath, "/") != 0)
                                ADD(true, d, "%s %s: the root filesystem is \"%s\" inside %s (a subvolume or bind "
                                             "mount), which the capture image cannot mount as the root",
                                    d, kdump_action_to_string(a), root.relpath, root.device);
                        /* Only the dump target's LVM volume is activated. */
                        if (block_device_kernel_name("/sys", root.device, &name) >= 0 &&
                            block_stack_inspect("/sys", name, &st) >= 0 && st.kind != BLOCK_STACK_PLAIN)
                                ADD(true, d, "%s %s: the root filesystem's device %s is %s; the capture image mounts "
                                             "a root on a plain disk or partition only",
                                    d, kdump_action_to_string(a), root.device,
                                    st.kind == BLOCK_STACK_LVM ? "an LVM volume" : st.problem);
                }
        }
        return 0;
}

int config_check_machine(const KdumpConfig *c, const char *kver, ConfigDiagnostics *diag) {
        int r;

        if ((r = check_target(c, diag)) < 0 || (r = check_target_stack(c, diag)) < 0 || (r = check_hooks(c, diag)) < 0 ||
            (r = check_collector(c, diag)) < 0 || (r = check_extra_bins(c, diag)) < 0 ||
            (r = check_extra_modules(c, kver, diag)) < 0 || (r = check_fence_nodes(c, diag)) < 0 ||
            (r = check_network_target(c, diag)) < 0 || (r = check_actions(c, diag)) < 0)
                return r;
        return 0;
}
