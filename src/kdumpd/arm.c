/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "arm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture-cmdline.h"
#include "crash-region.h"
#include "fileio.h"
#include "initramfs-build.h"
#include "kdump-config.h"
#include "kexec-load.h"
#include "log.h"
#include "macro.h"

void arm_result_done(ArmResult *r) {
        free(r->kver);
        free(r->initrd);
        free(r->cmdline);
        *r = (ArmResult) {};
}

int capture_arm(const ArmSettings *s, ArmResult *ret) {
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        _cleanup_free_ char *kver = NULL, *kernel = NULL, *img = NULL, *running = NULL, *cmdline = NULL,
                            *cmdline_path = NULL;
        _cleanup_(crash_region_done) CrashRegion region = {};
        ConfigDiagnostics diag = {};
        int r;

        r = kdump_config_parse_file(s->config_path, &diag, &config);
        for (char **m = diag.messages; m && *m; m++)
                log_full_errno(strstr(*m, ": error: ") ? LOG_ERR : LOG_WARNING, 0, "%s", *m);
        config_diagnostics_done(&diag);
        if (r == -EINVAL)
                return log_error_errno(r, "%s has errors; nothing was changed.", s->config_path);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", s->config_path);

        r = crash_region_read(s->root, &region);
        if (r < 0)
                return log_error_errno(r, "This kernel has no kexec crash support (reading /sys/kernel/kexec_crash_*: %m).");
        if (region.size == 0)
                return log_error_errno(-ENOMEM, "%s", kexec_load_error_explain(-ENOMEM, &region));

        r = build_paths_for_kernel(NULL, &kver, &kernel);
        if (r < 0)
                return log_oom();
        BuildPaths p = { .state_dir = s->state_dir, .kver = kver, .kernel = kernel };
        r = initramfs_ensure(config, s->config_path, &p, s->force_rebuild);
        if (r < 0)
                return r;
        if (initramfs_path(&p, &img) < 0)
                return log_oom();

        if (asprintf(&cmdline_path, "%s/proc/cmdline", s->root) < 0)
                return log_oom();
        r = read_one_line_file(cmdline_path, &running);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", cmdline_path);
        r = capture_cmdline_build(running, NULL, NULL, &cmdline);
        if (r < 0)
                return log_oom();

        log_info("Loading capture kernel %s with %s, command line: %s", kernel, img, cmdline);
        r = kexec_crash_load(kernel, img, cmdline);
        if (r < 0)
                return log_error_errno(r, "Failed to load the capture kernel: %s (kexec_file_load: %m).",
                                       kexec_load_error_explain(r, &region));

        *ret = (ArmResult) {
                .kver = TAKE_PTR(kver),
                .initrd = TAKE_PTR(img),
                .cmdline = TAKE_PTR(cmdline),
                .crash_size = region.size,
        };
        return 0;
}

int capture_disarm(void) {
        int r = kexec_crash_unload();
        if (r < 0)
                return log_error_errno(r, "Failed to unload the capture kernel: %m");
        return 0;
}
