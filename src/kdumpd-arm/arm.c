/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "arm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture-cmdline.h"
#include "crash-region.h"
#include "crashkernel-size.h"
#include "initramfs-inspect.h"
#include "dump-space.h"
#include "fileio.h"
#include "initramfs-build.h"
#include "kexec-load.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

void arm_inputs_done(ArmInputs *in) {
        kdump_config_free(in->config);
        kdumpd_settings_free(in->settings);
        *in = (ArmInputs) {};
}

int arm_inputs_load(const ArmOptions *o, ArmInputs *ret) {
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = NULL;
        ConfigDiagnostics diag = {};
        int r, q;

        /* Both files are read before either is judged, so that one run
         * shows every mistake in both. */
        r = kdump_config_parse_file(o->config_path, &diag, &config);
        q = kdumpd_settings_load(o->settings_path, &diag, &settings);
        log_config_diagnostics(&diag);

        if (r == -EINVAL)
                log_error_errno(r, "%s has errors; nothing was changed.", o->config_path);
        else if (r < 0)
                log_error_errno(r, "Failed to read %s: %m", o->config_path);
        if (q == -EINVAL)
                log_error_errno(q, "%s has errors; nothing was changed.", o->settings_path);
        else if (q < 0)
                log_error_errno(q, "Failed to read %s: %m", o->settings_path);
        else if (q == KDUMPD_SETTINGS_DEFAULTS)
                log_debug("%s does not exist; using the default settings.", o->settings_path);
        if (r < 0 || q < 0)
                return r == -EINVAL || q == -EINVAL ? -EINVAL : r < 0 ? r : q;

        *ret = (ArmInputs) { .config = TAKE_PTR(config), .settings = TAKE_PTR(settings) };
        return 0;
}

/* min_free_mb: a warning only. A full disk loses the dump, but refusing to
 * arm would lose it for certain. */
static void dump_space_check(const ArmOptions *o, const ArmInputs *in) {
        uint64_t want = kdumpd_settings_min_free_mb(in->settings), avail;
        const char *path = kdump_config_path(in->config);
        int r;

        if (want == 0)
                return;
        if (kdump_config_target_type(in->config) != DUMP_TARGET_PATH) {
                log_debug("min_free_mb is only checked for dumps on a local path, not for a %s target.",
                          dump_target_type_to_string(kdump_config_target_type(in->config)));
                return;
        }
        r = dump_space_available(path, &avail);
        if (r < 0) {
                log_warning_errno(r, "Cannot tell how much space is free for dumps in \"%s\": %m", path);
                return;
        }
        if (avail < want << 20)
                log_warning("Only %" PRIu64 " MiB are free for dumps in \"%s\", less than min_free_mb = %" PRIu64
                            " of %s: a dump may not fit. Free some space or lower keep_dumps.",
                            avail >> 20, path, want, o->settings_path);
}

/* Whether the capture fits the crash region: kexec_file_load refuses only
 * what does not fit while loading; a capture that runs out of memory while
 * the image unpacks or makedumpfile runs fails after the crash. A warning
 * with the reckoning, not a refusal: the estimate is calibrated, not exact,
 * and an unarmed machine saves nothing. */
static void capture_size_check(const ArmOptions *o, const char *kernel, const char *img, uint64_t reserved) {
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        _cleanup_strv_free_ char **lines = NULL;
        _cleanup_free_ char *meminfo = NULL, *want = NULL, *terms = NULL;
        CrashkernelInputs in = {};
        CrashkernelEstimate e = {};

        if (asprintf(&meminfo, "%s/proc/meminfo", o->root) < 0 || initramfs_inspect(img, &info) < 0 ||
            kernel_image_size(kernel, &in.kernel_size) < 0 || memory_total_read(meminfo, &in.memory) < 0)
                return; /* an image or kernel this check cannot read: nothing to say */
        crashkernel_inputs_from_image(&info, &in);
        if (crashkernel_estimate(&in, &e) < 0 || e.size <= reserved)
                return;
        if (crashkernel_format(e.size, &want) < 0 || crashkernel_estimate_lines(&e, &lines) < 0 ||
            !(terms = strv_join(lines, "; ")))
                return (void) log_oom();
        log_warning("The crash region (%" PRIu64 " MiB) is smaller than this capture needs, about %" PRIu64
                    " MiB: a crash may run out of memory before the dump is saved. Reserve %s (\"kdumpctl "
                    "reset-crashkernel\", then reboot). Reckoning: %s.", reserved >> 20, e.size >> 20, want, terms);
}

bool arm_fallback_choose(bool still_loaded, const ArmResult *previous, const char *kernel, const char *img,
                         const char *cmdline, bool new_image, bool img_readable, ArmFallback *ret) {
        /* Refused before anything was freed (lockdown, an unreadable file). */
        if (still_loaded)
                return false;
        if (previous && previous->initrd) {
                *ret = (ArmFallback) { previous->kernel, previous->initrd, previous->cmdline };
                return true;
        }
        /* The first arming: the image on disk, if a new one was built beside
         * it (an up-to-date image that failed would fail again). */
        if (!new_image || !img_readable)
                return false;
        *ret = (ArmFallback) { kernel, img, cmdline };
        return true;
}

/* After a failed load: kexec_file_load(2) frees the loaded crash kernel
 * before it loads the new one, so whatever was loaded must be loaded
 * again, with the kernel and command line it had (a new command line or
 * kernel may be what failed). */
static void previous_load_again(const ArmOptions *o, const ArmResult *previous, const char *kernel,
                                const char *img, const char *cmdline, bool new_image) {
        _cleanup_(crash_region_done) CrashRegion cr = {};
        bool loaded = crash_region_read(o->root, &cr) >= 0 && cr.loaded;
        ArmFallback f;
        int r;

        if (!arm_fallback_choose(loaded, previous, kernel, img, cmdline, new_image, access(img, R_OK) == 0, &f)) {
                if (loaded)
                        log_notice("The previous capture kernel is still loaded.");
                return;
        }
        r = kexec_crash_load(f.kernel, f.initrd, f.cmdline);
        if (r < 0)
                log_error_errno(r, "Loading the previous image \"%s\" again failed too: %m; nothing is loaded.",
                                f.initrd);
        else
                log_notice("The previous image \"%s\" is loaded again%s.", f.initrd,
                           new_image ? "; the new one was discarded" : "");
}

/* The capture command line: the running one, changed as kdumpd.conf says. */
static int capture_cmdline_for(const ArmOptions *o, const ArmInputs *in, char **ret) {
        _cleanup_free_ char *running = NULL, *cmdline_path = NULL, *cpuinfo = NULL, *cpus_param = NULL;
        _cleanup_strv_free_ char **append = NULL;
        int r;

        if (asprintf(&cmdline_path, "%s/proc/cmdline", o->root) < 0)
                return log_oom();
        r = read_one_line_file(cmdline_path, &running);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", cmdline_path);
        /* capture_cpus first: it replaces the generic nr_cpus=1 in place;
         * the settings parser refuses nr_cpus in the admin's lists. More
         * than one CPU needs the architecture's word on the boot CPU. */
        unsigned cpus = kdumpd_settings_capture_cpus(in->settings);
        if (asprintf(&cpuinfo, "%s/proc/cpuinfo", o->root) < 0)
                return log_oom();
        r = capture_cmdline_arch_cpus(cpuinfo, cpus, &cpus_param);
        if (r < 0)
                log_warning_errno(r, "capture_cpus = %u, but the boot CPU's APIC ID cannot be read from %s (%m): "
                                  "the capture kernel may reset the machine when it starts its CPUs.", cpus, cpuinfo);
        if (strv_extendf(&append, "nr_cpus=%u", cpus) < 0 ||
            (cpus_param && strv_extend(&append, cpus_param) < 0) ||
            strv_extend_strv(&append, kdumpd_settings_capture_cmdline_append(in->settings)) < 0)
                return log_oom();
        r = capture_cmdline_build(running, append, kdumpd_settings_capture_cmdline_remove(in->settings), ret);
        return r < 0 ? log_oom() : 0;
}

/* What the loaded image was baked with, for the boot after a crash (see
 * KDUMP_LOADED_CONFIG_FILE). */
static void loaded_config_record(const ArmOptions *o, const char *baked) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (!baked)
                return;
        if (asprintf(&path, "%s/" KDUMP_LOADED_CONFIG_FILE, o->state_dir) < 0) {
                log_oom();
                return;
        }
        r = write_file_atomic(path, baked, strlen(baked), 0600);
        if (r < 0)
                log_warning_errno(r, "Cannot write \"%s\": %m; after a crash, a raw target's dump is looked for where "
                                  "kdump.conf names the device now.", path);
}

/* Why a build failed, for a stale image's record; NULL when the failure
 * is not the build's (the configuration, the network, a stop). */
static const char *build_failure(int r) {
        switch (r) {
        case -EIO:
                return "dracut failed";
        case -ETIME:
                return "dracut did not finish within build_timeout";
        case -ENOEXEC:
                return "the image dracut built lacks what the build planned";
        case -ENOENT:
                return "dracut could not be run";
        case -ENOSPC:
                return "no space was left to build it";
        default:
                return NULL;
        }
}

/* The first arming after boot, and the build failed: nothing is loaded,
 * and the image built before for this kernel is on disk. It was built
 * from older inputs (a library, kdump.conf, …), but a crash would most
 * likely still be saved with it, and certainly not without it. */
static int stale_image_load(const ArmOptions *o, const BuildPaths *p, const CrashRegion *region, const char *cmdline,
                            const char *why, int build_r, ArmResult *ret) {
        _cleanup_free_ char *img = NULL, *stale = NULL, *kver = strdup(p->kver), *kernel = strdup(p->kernel);
        int r;

        if (!kver || !kernel || initramfs_path(p, &img) < 0 ||
            asprintf(&stale, "the rebuild failed (%s); this image was built from older inputs", why) < 0)
                return log_oom();
        if (access(img, R_OK) < 0) {
                log_error("No capture initramfs was built before for %s (\"%s\"): nothing is loaded.", p->kver, img);
                return build_r;
        }
        log_warning("The rebuild failed (%s); loading the image built before, \"%s\", so that a crash is still saved. "
                    "It was built from older inputs: fix the build and run \"kdumpctl rebuild\".", why, img);
        r = kexec_crash_load(kernel, img, cmdline);
        if (r < 0) {
                log_error_errno(r, "Loading the image built before failed too: %s (kexec_file_load: %m).",
                                kexec_load_error_explain(r, region));
                return build_r;
        }
        *ret = (ArmResult) {
                .kver = TAKE_PTR(kver),
                .kernel = TAKE_PTR(kernel),
                .initrd = TAKE_PTR(img),
                .cmdline = strdup(cmdline),
                .crash_size = region->size,
                .stale = TAKE_PTR(stale),
        };
        return ret->cmdline ? 0 : log_oom();
}

/* The capture kernel, /boot/vmlinuz-<release>, is one of the kernel's
 * files that --root moves (a test's fake kernel). */
static int path_prefix_root(const char *root, char **path) {
        char *p;

        if (asprintf(&p, "%s%s", root, *path) < 0)
                return -ENOMEM;
        free(*path);
        *path = p;
        return 0;
}

int capture_arm(const ArmOptions *o, const ArmInputs *in, const ArmResult *previous, ArmResult *ret) {
        _cleanup_free_ char *kver = NULL, *kernel = NULL, *img = NULL, *cmdline = NULL;
        _cleanup_(crash_region_done) CrashRegion region = {};
        const char *wanted_kver = kdumpd_settings_kernel(in->settings);
        int r;

        r = crash_region_read(o->root, &region);
        if (r < 0)
                return log_error_errno(r, "This kernel has no kexec crash support (reading /sys/kernel/kexec_crash_*: %m).");
        if (region.size == 0)
                return log_error_errno(-ENOMEM, "%s", kexec_load_error_explain(-ENOMEM, &region));

        r = build_paths_for_kernel(wanted_kver, &kver, &kernel);
        if (r >= 0 && o->root[0])
                r = path_prefix_root(o->root, &kernel);
        if (r < 0)
                return log_error_errno(r, "Cannot tell which kernel is running: %m");
        if (wanted_kver && access(kernel, R_OK) < 0)
                return log_error_errno(-errno, "Kernel image \"%s\" is not readable (%m); install kernel \"%s\" "
                                       "or change \"kernel\" in %s.", kernel, kver, o->settings_path);

        dump_space_check(o, in);
        r = capture_cmdline_for(o, in, &cmdline);
        if (r < 0)
                return r;

        BuildPaths p = { .state_dir = o->state_dir, .kver = kver, .kernel = kernel, .settings = in->settings,
                         .building = o->building,
                         .build_timeout_usec = kdumpd_settings_build_timeout(in->settings) * 1000000ULL,
                         .waiting = o->waiting, .userdata = o->userdata };
        _cleanup_(staged_image_done) StagedImage staged = { .lock_fd = -EBADF };
        r = initramfs_stage(in->config, o->config_path, &p, o->force_rebuild, &staged);
        if (r < 0) {
                /* On a reload what is loaded stays loaded; on the first
                 * arming nothing is, unless the image built before. */
                const char *why = build_failure(r);
                if (!why || previous || region.loaded)
                        return r;
                return stale_image_load(o, &p, &region, cmdline, why, r, ret);
        }
        img = strdup(staged.final);
        if (!img)
                return log_oom();

        /* A new image is loaded from where it was built and takes the old
         * one's place only once the kernel took it. The kernel frees the
         * loaded capture kernel before it loads another: when the new one
         * fails, the previous one is loaded again. */
        bool built = staged.image != NULL;
        const char *load = staged.image ? staged.image : img;
        capture_size_check(o, kernel, load, region.size);
        log_info("Loading capture kernel %s with %s, command line: %s", kernel, load, cmdline);
        r = kexec_crash_load(kernel, load, cmdline);
        if (r < 0) {
                log_error_errno(r, "Failed to load the capture kernel: %s (kexec_file_load: %m).",
                                kexec_load_error_explain(r, &region));
                previous_load_again(o, previous, kernel, img, cmdline, staged.image != NULL);
                return r;
        }
        loaded_config_record(o, staged.baked);
        /* Loaded is armed. An image that cannot be put in place is built
         * again next time (its manifest is not written). */
        if (initramfs_commit(&staged) < 0) {
                log_warning("The loaded capture initramfs could not replace \"%s\"; it is rebuilt on the next start.",
                            img);
                free(img);
                img = strdup(staged.image ? staged.image : staged.final);
                if (!img)
                        return log_oom();
        }

        *ret = (ArmResult) {
                .kver = TAKE_PTR(kver),
                .kernel = TAKE_PTR(kernel),
                .initrd = TAKE_PTR(img),
                .cmdline = TAKE_PTR(cmdline),
                .crash_size = region.size,
                .built = built,
        };
        return 0;
}
