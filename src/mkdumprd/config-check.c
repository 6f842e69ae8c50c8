/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-check.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sys/stat.h>
#include <ifaddrs.h>
#include <libkmod.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "collector-probe.h"
#include "env-path.h"
#include "fileio.h"
#include "image-paths.h"
#include "macro.h"
#include "spawn.h"
#include "strv.h"
#include "target-check.h"

static int check_hooks(const KdumpConfig *c, ConfigDiagnostics *diag) {
        static const char *const hooks[] = { "kdump_pre", "kdump_post", "kdump_emergency" };
        for (size_t i = 0; i < ELEMENTSOF(hooks); i++) {
                const char *exe = kdump_config_string(c, hooks[i]);
                if (exe && !is_executable_file(exe))
                        CHECK_ADD(true, hooks[i], "%s \"%s\" is not an executable file", hooks[i], exe);
        }
        return 0;
}

static int check_collector(const KdumpConfig *c, ConfigDiagnostics *diag) {
        _cleanup_strv_free_ char **check = NULL;
        char * const *argv = kdump_config_core_collector_argv(c);
        int r;

        if (!image_program_exists(argv[0])) {
                CHECK_ADD(true, "core_collector", "core_collector \"%s\" is not installed", argv[0]);
                return 0;
        }
        if (strcmp(argv[0], "makedumpfile") != 0)
                return 0;

        /* Flattened output (-F) goes to stdout: a stream (ssh, raw) takes it,
         * a file target cannot (the capture program names an output file,
         * which makedumpfile then refuses, at crash time). */
        if (strv_contains(argv, "-F") && !target_takes_flattened(kdump_config_target_type(c))) {
                CHECK_ADD(true, "core_collector",
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
                CHECK_ADD(true, "core_collector", "makedumpfile rejects the options in \"%s\"", kdump_config_core_collector(c));
        return 0;
}

static int check_extra_bins(const KdumpConfig *c, ConfigDiagnostics *diag) {
        _cleanup_strv_free_ char **bins = NULL;
        const char *v = kdump_config_string(c, "extra_bins");

        if (!v)
                return 0;
        if (shell_split(v, &bins) == -ENOMEM)
                return -ENOMEM;
        for (char **b = bins; b && *b; b++) {
                struct stat st;
                if (image_program_exists(*b))
                        continue;
                if (stat(*b, &st) < 0 || access(*b, R_OK) < 0)
                        CHECK_ADD(true, "extra_bins", "extra_bins: \"%s\" does not exist", *b);
                /* dracut copies what it is given: a device (/dev/kmsg) or a
                 * FIFO would never end, a directory is not a program. */
                else if (!S_ISREG(st.st_mode))
                        CHECK_ADD(true, "extra_bins", "extra_bins: \"%s\" is not a regular file", *b);
        }
        return 0;
}

/* makedumpfile that does not know this kernel may exclude less than its
 * dump level says: what `kdumpctl probe-collector` measured. A warning:
 * the dump is still taken, and bigger. */
static int check_collector_probe(const KdumpConfig *c, const char *kver, ConfigDiagnostics *diag) {
        _cleanup_free_ char *warning = NULL;
        const char *path = env_path("KDUMPD_COLLECTOR_PROBE", COLLECTOR_PROBE_PATH);

        if (collector_probe_warning(path, kver, kdump_config_core_collector_argv(c), &warning) == -ENOMEM)
                return -ENOMEM;
        if (warning)
                CHECK_ADD(false, "core_collector", "core_collector: %s", warning);
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
                        CHECK_ADD(true, "extra_modules", "extra_modules: kernel module \"%s\" does not exist for %s", *m, kver);
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
                        CHECK_ADD(true, "fence_kdump_nodes",
                            "fence_kdump_nodes: \"%s\" is this machine; list the other cluster nodes only", *n);
        }
        return 0;
}

/* What failure_action and final_action need from this machine: a shell
 * to put in the image (shell), the root filesystem on a block device
 * (dump_to_rootfs, mount_root_run_init). */
static int check_actions(const KdumpConfig *c, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        static const char *const directives[] = { "failure_action", "final_action" };

        for (size_t i = 0; i < ELEMENTSOF(directives); i++) {
                KdumpAction a = i == 0 ? kdump_config_failure_action(c) : kdump_config_final_action(c);
                /* "default" is failure_action's older name. */
                const char *d = i == 0 && kdump_config_line(c, "failure_action") == 0 ? "default" : directives[i];

                if (a == KDUMP_ACTION_SHELL && !image_program_exists("busybox") && !image_program_exists("dash"))
                        CHECK_ADD(true, d, "%s shell needs a shell in the capture image, and this machine has neither "
                                           "busybox nor dash; install busybox",
                                  d);
                if (!kdump_action_mounts_root(a))
                        continue;
                if (t->root_error < 0) {
                        CHECK_ADD(true, d, "%s %s needs the root filesystem in the capture kernel, and it is not on a "
                                           "block device",
                                  d, kdump_action_to_string(a));
                        continue;
                }
                /* The capture mounts the filesystem's top: a root that is a
                 * subvolume or a bind mount is not it. */
                if (t->root.relpath && strcmp(t->root.relpath, "/") != 0)
                        CHECK_ADD(true, d, "%s %s: the root filesystem is \"%s\" inside %s (a subvolume or bind "
                                           "mount), which the capture image cannot mount as the root",
                                  d, kdump_action_to_string(a), t->root.relpath, t->root.device);
                /* Only the dump target's LVM volume is activated. */
                if (t->root_stack_error == 0 && t->root_stack.kind != BLOCK_STACK_PLAIN)
                        CHECK_ADD(true, d, "%s %s: the root filesystem's device %s is %s; the capture image mounts a "
                                           "root on a plain disk or partition only",
                                  d, kdump_action_to_string(a), t->root.device,
                                  t->root_stack.kind == BLOCK_STACK_LVM ? "an LVM volume" : t->root_stack.problem);
        }
        return 0;
}

int config_check_resolved(const KdumpConfig *c, const char *kver, const ResolvedTarget *t, ConfigDiagnostics *diag) {
        int r;

        if ((r = target_check_device(c, t, diag)) < 0 || (r = check_hooks(c, diag)) < 0 ||
            (r = check_collector(c, diag)) < 0 || (r = check_collector_probe(c, kver, diag)) < 0 ||
            (r = check_extra_bins(c, diag)) < 0 ||
            (r = check_extra_modules(c, kver, diag)) < 0 || (r = check_fence_nodes(c, diag)) < 0 ||
            (r = target_check_server(c, t, diag)) < 0 || (r = check_actions(c, t, diag)) < 0)
                return r;
        return 0;
}

int config_check_machine(const KdumpConfig *c, const char *kver, ConfigDiagnostics *diag) {
        _cleanup_(resolved_target_done) ResolvedTarget t = {};
        int r = target_resolve(c, &t);
        if (r < 0)
                return r;
        return config_check_resolved(c, kver, &t, diag);
}
