/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dracut-run.h"

#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dracut-env.h"
#include "image-compress.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"
#include "strv.h"

int dracut_argv(const KdumpConfig *config, const char *kver, const BuildDir *dir, bool zstd, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL, **extra = NULL;
        const char *user_args = kdump_config_string(config, "dracut_args");
        int r;

        /* Only our module: no init system, no udev, no shell. dracut's own
         * configuration is left out so that what is in the image follows
         * from kdump.conf alone (dracut_args adds to it). */
        const char *fixed[] = {
                "dracut", "--force", "--quiet", "--conf", "/dev/null", "--confdir", dir->confdir, "--tmpdir", dir->tmpdir,
                "--hostonly", "--hostonly-mode", "strict", "--no-hostonly-cmdline", "--no-early-microcode",
                "--nofscks", "--modules", "kdump", "--kver", kver,
                "--include", dir->config, "/etc/kdump.conf", "--include", dir->settings, KDUMPD_SETTINGS_PATH, NULL,
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
        if (strv_extend(&argv, zstd ? dir->cpio : dir->image) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(argv);
        return 0;
}

int dracut_env_for_build(const KdumpConfig *config, const BuildInputs *in, const BuildDir *dir, const char *collector,
                         const char *root_spec, char ***ret) {
        const ResolvedTarget *t = &in->target;
        _cleanup_strv_free_ char **modprobe_lines = NULL;
        _cleanup_free_ char *hook_files = NULL, *modprobe = NULL, *net_modules = NULL, *extra_bins = NULL;

        if ((t->net.plan.mac && !(net_modules = strv_join(t->net.modules, " "))) ||
            !(hook_files = strv_join(in->hooks, "\n")) || !(extra_bins = strv_join(in->extra_bins, "\n")) ||
            strv_extend_strv(&modprobe_lines, (char **) kdump_config_modprobe_lines(config)) < 0 ||
            strv_extend_strv(&modprobe_lines, t->net.modprobe) < 0 || !(modprobe = strv_join(modprobe_lines, "\n")))
                return -ENOMEM;
        DracutEnv e = {
                .target_device = t->fs.device,
                .target_fstype = t->fs.fstype,
                .target_disks = in->lvm_disks,
                .lvm_plan = dir->lvm_plan,
                .collector = collector,
                .target_type = dump_target_type_to_string(t->type),
                .net_dir = t->net.plan.mac ? dir->path : NULL,
                .net_modules = net_modules,
                .pre = kdump_config_string(config, "kdump_pre"),
                .post = kdump_config_string(config, "kdump_post"),
                .emergency = kdump_config_string(config, "kdump_emergency"),
                .extra_bins = extra_bins,
                .extra_modules = kdump_config_string(config, "extra_modules"),
                .hook_files = hook_files,
                .modprobe_conf = modprobe,
                .root_device = t->root.device,
                .root_fstype = t->root.fstype,
                .root_spec = root_spec,
                .trace_device = in->trace.spec ? in->trace.fs.device : NULL,
                .trace_fstype = in->trace.spec ? in->trace.fs.fstype : NULL,
                .trace_spec = in->trace.spec,
                .shell = kdump_config_failure_action(config) == KDUMP_ACTION_SHELL ? "1" : NULL,
                .collector_note = in->collector_note,
                .net_dhcp = t->net.plan.dhcp ? "1" : NULL,
        };
        return dracut_env_strv(&e, ret);
}

static int fsync_path(const char *path) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) < 0)
                return negative_errno();
        return 0;
}

int dracut_run(char * const *argv, char * const *env, const char *kver, const BuildDir *dir, bool zstd,
               uint64_t timeout_usec) {
        _cleanup_free_ char *cmd = strv_join(argv, " ");
        int r;

        log_info("Building capture initramfs for %s: %s", kver, strempty(cmd));
        r = spawn_and_wait_deadline(argv, env, timeout_usec);
        if (r == -ETIME)
                return log_error_errno(r, "dracut did not finish within %" PRIu64 " s (build_timeout of "
                                       "/etc/kdump/kdumpd.conf) and was stopped; the previous capture initramfs is "
                                       "kept.", timeout_usec / 1000000);
        if (r == -EINTR)
                return log_error_errno(r, "dracut was interrupted; the previous capture initramfs is kept.");
        if (r < 0)
                return log_error_errno(r, "Failed to run dracut: %m");
        if (r > 0)
                return log_error_errno(-EIO, "dracut failed (exit status %d); the previous capture initramfs is kept.", r);
        if (zstd) {
                r = image_compress_zstd(dir->cpio, dir->image);
                (void) unlink(dir->cpio);
                if (r < 0)
                        return log_error_errno(r, "Failed to compress the capture initramfs into \"%s\": %m", dir->image);
        }
        if (chmod(dir->image, 0600) < 0 || fsync_path(dir->image) < 0)
                return log_error_errno(-errno, "Failed to sync \"%s\": %m", dir->image);
        return 0;
}
