/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "build-inputs.h"

#include <errno.h>
#include <stdlib.h>

#include "collector-probe.h"
#include "config-bake.h"
#include "config-check.h"
#include "env-path.h"
#include "hook-dir.h"
#include "image-compress.h"
#include "log.h"
#include "lvm-plan.h"
#include "macro.h"
#include "manifest.h"
#include "strv.h"

static const char *const hook_dirs[] = { KDUMP_HOOK_DIR_PRE, KDUMP_HOOK_DIR_POST, KDUMP_HOOK_DIR_EMERGENCY };

void build_inputs_done(BuildInputs *in) {
        strv_free(in->files);
        strv_free(in->hooks);
        strv_free(in->extra_bins);
        resolved_target_done(&in->target);
        trace_target_done(&in->trace);
        free(in->baked);
        free(in->capture_settings);
        free(in->lvm_plan);
        free(in->lvm_disks);
        free(in->manifest);
        free(in->collector_note);
        *in = (BuildInputs) {};
}

/* Logs every finding of the machine checks; errors refuse the build. */
static int check_machine(const KdumpConfig *config, const char *kver, const ResolvedTarget *t) {
        ConfigDiagnostics diag = {};
        int r = config_check_resolved(config, kver, t, &diag);
        for (size_t i = 0; i < ELEMENTSOF(hook_dirs) && r >= 0; i++) {
                _cleanup_strv_free_ char **l = NULL;
                r = hook_dir_list(hook_dirs[i], &diag, &l);
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
static int image_files(const KdumpConfig *config, char ***ret_files, char ***ret_hooks, char ***ret_bins) {
        _cleanup_strv_free_ char **files = NULL, **hooks = NULL, **bins = NULL;
        const char *single[] = { "kdump_pre", "kdump_post", "kdump_emergency" };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(hook_dirs); i++) {
                _cleanup_strv_free_ char **l = NULL;
                r = hook_dir_list(hook_dirs[i], NULL, &l);
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
        /* Split here once, as config-check.c did when it checked them: the
         * dracut module gets the words, one a line, never the text. */
        const char *text = kdump_config_string(config, "extra_bins");
        if (text && (shell_split(text, &bins) < 0 || strv_extend_strv(&files, bins) < 0))
                return -ENOMEM;
        *ret_files = TAKE_PTR(files);
        *ret_hooks = TAKE_PTR(hooks);
        *ret_bins = TAKE_PTR(bins);
        return 0;
}

/* What the capture program reads of kdumpd.conf, in the file's syntax. */
static int capture_settings_bake(const KdumpdSettings *settings, char **ret) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *defaults = NULL;
        char *buf = NULL;
        size_t size = 0;
        int r;

        if (!settings) {
                r = kdumpd_settings_parse_string(KDUMPD_SETTINGS_PATH, "", NULL, &defaults);
                if (r < 0)
                        return r;
                settings = defaults;
        }
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        r = kdumpd_settings_format_capture(settings, f);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        return 0;
}

/* nfs, ssh: the route to the server. Not reachable yet is no error of
 * the configuration: the caller may wait for the network. What the capture
 * does with a DHCP address is kdumpd.conf's (capture_dhcp_timeout,
 * capture_dhcp_fallback); no settings: the defaults. */
static int network_resolve(const KdumpConfig *config, const BuildPaths *p, ResolvedTarget *t) {
        _cleanup_free_ char *why = NULL;
        NetCaptureOptions opts = {};
        if (p->settings)
                opts = (NetCaptureOptions) { .dhcp_timeout = kdumpd_settings_capture_dhcp_timeout(p->settings),
                                             .dhcp_fallback = kdumpd_settings_capture_dhcp_fallback(p->settings) };
        int r = target_resolve_network(config, &opts, t, &why);
        if (r == -ENETDOWN && p->waiting)
                p->waiting(why, p->userdata);
        return r;
}

int build_inputs_collect(const KdumpConfig *config, const char *config_path, const BuildPaths *p, bool check,
                         BuildInputs *ret) {
        _cleanup_(build_inputs_done) BuildInputs in = {};
        int r;

        if (target_resolve(config, &in.target) < 0 || trace_target_resolve(p->state_dir, &in.target, &in.trace) < 0)
                return log_oom();
        if (check) {
                r = check_machine(config, p->kver, &in.target);
                if (r < 0)
                        return r;
        }
        r = image_files(config, &in.files, &in.hooks, &in.extra_bins);
        if (r < 0)
                return log_error_errno(r, "Failed to list the hook directories: %m");
        /* What makedumpfile was measured to exclude goes into the image as
         * a note the capture leaves beside the dump. Not an input: every
         * new kernel's first start measures again, and that alone must
         * not rebuild the image its hook built (a new measurement reaches
         * the image with its next build; check and status say it now). */
        const char *probe = env_path("KDUMPD_COLLECTOR_PROBE", COLLECTOR_PROBE_PATH);
        if (collector_probe_warning(probe, p->kver, kdump_config_core_collector_argv(config), &in.collector_note) < 0)
                return log_oom();
        r = capture_settings_bake(p->settings, &in.capture_settings);
        if (r < 0)
                return log_error_errno(r, "Failed to write the capture's settings: %m");
        r = network_resolve(config, p, &in.target);
        if (r >= 0)
                r = config_bake(config, config_path, &in.target, &in.baked);
        if (r < 0)
                return r;
        /* The ssh key's identity decides too (it is converted, not copied). */
        if (in.target.net.sshkey && strv_extend(&in.files, in.target.net.sshkey) < 0)
                return log_oom();
        r = lvm_plan_prepare(&in.target, &in.lvm_plan, &in.lvm_disks);
        if (r < 0)
                return r;
        in.zstd = image_zstd_wanted(kdump_config_string(config, "dracut_args"), p->kernel, p->kver);
        if (manifest_build(p, &in, kdump_config_core_collector_argv(config)[0], &in.manifest) < 0)
                return log_oom();
        *ret = in;
        in = (BuildInputs) {};
        return 0;
}
