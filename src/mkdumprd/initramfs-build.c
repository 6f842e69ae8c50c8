/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A build of the capture initramfs as one transaction, in steps: collect
 * the inputs (build-inputs.c), take the state directory's lock, keep the
 * image when it is current, else have dracut build a new one beside it
 * (dracut-run.c) and read it back (image-check.c); the caller commits it
 * once the kernel took it. */
#include "initramfs-build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "build-dir.h"
#include "build-inputs.h"
#include "config-bake.h"
#include "dracut-run.h"
#include "fileio.h"
#include "image-check.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

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
        free(s->baked);
        if (s->lock_fd >= 0)
                close(s->lock_fd); /* releases the flock */
        *s = (StagedImage) { .lock_fd = -EBADF };
}

/* Takes the state directory for this build: its lock, the build
 * directories killed builds left, where the image and manifest go. */
static int staged_image_begin(const BuildPaths *p, StagedImage *s) {
        int r = state_dir_lock(p->state_dir, &s->lock_fd);
        if (r < 0)
                return r;
        build_dirs_remove_stale(p->state_dir);
        if (initramfs_path(p, &s->final) < 0 || manifest_path(p, &s->manifest_path) < 0)
                return log_oom();
        return 0;
}

/* Whether the image on disk stays: built from the same inputs, or kept
 * by force_no_rebuild. */
static bool image_current(const KdumpConfig *config, bool force, const StagedImage *s, const char *manifest) {
        _cleanup_free_ char *old = NULL;

        if (!force && !kdump_config_force_rebuild(config) && access(s->final, R_OK) == 0 &&
            read_full_file(s->manifest_path, &old, NULL) >= 0 && strcmp(old, manifest) == 0) {
                log_info("Capture initramfs \"%s\" is up to date.", s->final);
                return true;
        }
        if (kdump_config_force_no_rebuild(config) && access(s->final, R_OK) == 0 && !force) {
                log_notice("Capture initramfs \"%s\" is out of date, but force_no_rebuild is set: using it.", s->final);
                return true;
        }
        return false;
}

/* Everything dracut reads from us goes through the private directory. */
static int dracut_inputs_write(const KdumpConfig *config, const BuildInputs *in, BuildDir *dir) {
        int r = build_dir_write(dir, "kdump.conf", in->baked, NULL);
        if (r >= 0)
                r = build_dir_write(dir, "kdumpd.conf", in->capture_settings, NULL);
        if (r >= 0 && in->target.net.plan.mac)
                r = net_target_write(&in->target.net, config, dir->path);
        if (r >= 0 && in->lvm_plan)
                r = build_dir_write(dir, "lvm", in->lvm_plan, &dir->lvm_plan);
        return r;
}

/* dracut builds the image in a private directory; it waits there, read
 * back, until the caller commits it. */
static int image_build(const KdumpConfig *config, const char *config_path, const BuildPaths *p, BuildInputs *in,
                       const char *root_spec, StagedImage *s) {
        _cleanup_(build_dir_done) BuildDir dir = {};
        _cleanup_strv_free_ char **argv = NULL, **env = NULL;
        char * const *collector = kdump_config_core_collector_argv(config);
        int r;

        if (p->building)
                p->building(p->kver, p->userdata);
        if (!in->trace.spec)
                log_info("The capture will leave no trace for the next boot, because %s: a dump on an nfs or ssh "
                         "target, or a capture that fails before it has a dump directory, will not be reported.",
                         in->trace.why_not);
        r = build_dir_create(p->state_dir, &dir);
        if (r >= 0)
                r = dracut_inputs_write(config, in, &dir);
        if (r < 0)
                return r;
        r = dracut_argv(config, p->kver, &dir, in->zstd, &argv);
        if (r < 0)
                return log_error_errno(r, "%s: error: dracut_args cannot be split into words: %m", config_path);
        if (dracut_env_for_build(config, in, &dir, collector[0], root_spec, &env) < 0)
                return log_oom();
        ImagePlan plan = {
                .kver = p->kver,
                .collector = collector[0],
                .pre = kdump_config_string(config, "kdump_pre"),
                .post = kdump_config_string(config, "kdump_post"),
                .emergency = kdump_config_string(config, "kdump_emergency"),
                .hooks = in->hooks,
                .extra_bins = in->extra_bins,
                .network = in->target.net.plan.mac != NULL,
                .ssh = in->target.type == DUMP_TARGET_SSH,
                .shell = kdump_config_failure_action(config) == KDUMP_ACTION_SHELL,
                .root = root_spec != NULL,
                .lvm = in->lvm_plan != NULL,
        };
        r = dracut_run(argv, env, p->kver, &dir, in->zstd, p->build_timeout_usec);
        if (r >= 0)
                r = image_check(dir.image, &plan, s->final);
        if (r < 0)
                return r;
        build_dir_hand_on(&dir, &s->tmpdir, &s->image);
        s->manifest = TAKE_PTR(in->manifest);
        return 0;
}

int initramfs_stage(const KdumpConfig *config, const char *config_path, const BuildPaths *p, bool force,
                    StagedImage *ret) {
        _cleanup_(staged_image_done) StagedImage staged = { .lock_fd = -EBADF };
        _cleanup_(build_inputs_done) BuildInputs in = {};
        _cleanup_free_ char *root_spec = NULL;
        int r;

        assert_return(config && p && p->kver && p->kernel && p->state_dir, -EINVAL);

        if (access(p->kernel, R_OK) < 0)
                return log_error_errno(-errno, "Kernel image \"%s\" for %s is not readable: %m", p->kernel, p->kver);
        r = build_inputs_collect(config, config_path, p, /* check= */ true, &in);
        if (r >= 0)
                r = staged_image_begin(p, &staged);
        if (r >= 0)
                r = root_spec_bake(config, config_path, &in.target, &root_spec);
        if (r < 0)
                return r;
        if (image_current(config, force, &staged, in.manifest))
                r = BUILD_UP_TO_DATE;
        else {
                r = image_build(config, config_path, p, &in, root_spec, &staged);
                if (r < 0)
                        return r;
                r = BUILD_BUILT;
        }
        staged.baked = TAKE_PTR(in.baked);
        *ret = staged;
        staged = (StagedImage) { .lock_fd = -EBADF };
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

        r = build_inputs_collect(config, config_path, p, /* check= */ false, &in);
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
