/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-crashkernel.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "crash-region.h"
#include "crashkernel-size.h"
#include "fileio.h"
#include "initramfs-build.h"
#include "initramfs-inspect.h"
#include "json-print.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"
#include "strv.h"

#define MIB (UINT64_C(1) << 20)

/* Everything the estimate for the running kernel is made of. */
typedef struct EstimateRun {
        char *kver, *kernel, *image;
        InitramfsInfo info;
        CrashkernelInputs in;
        CrashkernelEstimate est;
        char **lines;
        char *value;
} EstimateRun;

static void estimate_run_done(EstimateRun *e) {
        free(e->kver);
        free(e->kernel);
        free(e->image);
        initramfs_info_done(&e->info);
        strv_free(e->lines);
        free(e->value);
        *e = (EstimateRun) {};
}

/* Reads the kernel, the image and the RAM, and estimates. Logs what goes
 * wrong, except a missing image: -ENOENT, with e->image set, for the
 * caller to say what to do. */
static int estimate_run(EstimateRun *e) {
        int r;

        r = build_paths_for_kernel(NULL, &e->kver, &e->kernel);
        if (r < 0)
                return log_error_errno(r, "Failed to tell the running kernel's release: %m");
        BuildPaths p = { .state_dir = KDUMP_STATE_DIR, .kver = e->kver, .kernel = e->kernel };
        if (initramfs_path(&p, &e->image) < 0)
                return log_oom();
        r = initramfs_inspect(e->image, &e->info);
        if (r == -ENOENT)
                return r;
        if (r < 0)
                return log_error_errno(r, "Failed to read the capture initramfs \"%s\": %m", e->image);
        r = kernel_image_size(e->kernel, &e->in.kernel_size);
        if (r == -EMEDIUMTYPE)
                return log_error_errno(r, "Kernel image \"%s\" does not say how much memory it needs "
                                       "(not an x86 bzImage or an uncompressed arm64 Image).", e->kernel);
        if (r < 0)
                return log_error_errno(r, "Failed to read kernel image \"%s\": %m", e->kernel);
        r = memory_total_read("/proc/meminfo", &e->in.memory);
        if (r < 0)
                return log_error_errno(r, "Failed to read the size of this machine's memory from /proc/meminfo: %m");
        crashkernel_inputs_from_image(&e->info, &e->in);
        r = crashkernel_estimate(&e->in, &e->est);
        if (r >= 0)
                r = crashkernel_estimate_lines(&e->est, &e->lines);
        if (r >= 0)
                r = crashkernel_format(e->est.size, &e->value);
        if (r < 0)
                return log_error_errno(r, "Failed to estimate the crash kernel's memory: %m");
        return 0;
}

static int estimate_print_json(const EstimateRun *e, const CrashRegion *cr, bool have_region, bool enough) {
        JsonWriter w;

        json_writer_init(&w, stdout, isatty(STDOUT_FILENO));
        json_object_begin(&w);
        json_field_string(&w, "kernel_release", e->kver);
        json_key(&w, "kernel");
        json_object_begin(&w);
        json_field_string(&w, "path", e->kernel);
        json_field_uint(&w, "size", e->in.kernel_size);
        json_object_end(&w);
        json_key(&w, "initramfs");
        json_object_begin(&w);
        json_field_string(&w, "path", e->image);
        json_field_uint(&w, "packed", e->info.packed_size);
        json_field_uint(&w, "unpacked", e->info.unpacked_size);
        json_field_uint(&w, "entries", e->info.n_entries);
        json_field_bool(&w, "lvm", e->in.lvm);
        json_field_bool(&w, "nfs", e->in.nfs);
        json_field_bool(&w, "net_links", e->in.net_links);
        json_field_bool(&w, "dhcp", e->in.dhcp);
        json_object_end(&w);
        json_field_uint(&w, "memory", e->in.memory);
        json_key(&w, "terms");
        json_array_begin(&w);
        for (size_t i = 0; i < e->est.n_terms; i++) {
                json_object_begin(&w);
                json_field_string(&w, "name", e->est.terms[i].name);
                json_field_uint(&w, "bytes", e->est.terms[i].bytes);
                json_field_string(&w, "why", e->est.terms[i].why);
                json_object_end(&w);
        }
        json_array_end(&w);
        json_field_uint(&w, "sum", e->est.sum);
        json_key(&w, "reasoning");
        json_array_begin(&w);
        for (char **l = e->lines; l && *l; l++)
                json_string(&w, *l);
        json_array_end(&w);
        json_field_uint(&w, "recommended_bytes", e->est.size);
        json_field_string(&w, "recommended", e->value);
        json_key(&w, "reserved_bytes");
        if (have_region)
                json_uint(&w, cr->size);
        else
                json_null(&w);
        json_field_bool(&w, "enough", enough);
        json_object_end(&w);
        return json_writer_finish(&w);
}

int verb_estimate(int argc, char *argv[]) {
        static const struct option options[] = {
                { "json", no_argument, NULL, 'j' },
                {},
        };
        _cleanup_(estimate_run_done) EstimateRun e = {};
        _cleanup_(crash_region_done) CrashRegion cr = {};
        bool json = false, have_region, enough;
        int c, r;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'j': json = true; break;
                default:
                        log_error("Unknown option \"%s\" for estimate; see \"kdumpctl --help\".", argv[optind - 1]);
                        return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }

        r = estimate_run(&e);
        if (r == -ENOENT) {
                log_error("There is no capture initramfs for %s (\"%s\") to measure yet; build it with "
                          "\"kdumpctl rebuild\", then ask again.", e.kver, e.image);
                return EX_NOINPUT;
        }
        if (r < 0)
                return r == -ENOMEM ? EX_SOFTWARE : EX_NOINPUT;
        r = crash_region_read("", &cr);
        if (r < 0)
                log_warning_errno(r, "Cannot read how much crash memory is reserved: %m");
        have_region = r >= 0;
        enough = have_region && cr.size >= e.est.size;

        if (json) {
                if (estimate_print_json(&e, &cr, have_region, enough) < 0) {
                        log_error("Failed to write the JSON output.");
                        return EX_IOERR;
                }
                return enough ? EX_OK : 1;
        }
        printf("Capture kernel:    %s (%.1f MiB in memory)\n", e.kernel, (double) e.in.kernel_size / MIB);
        printf("Capture initramfs: %s (%.1f MiB packed, %.1f MiB unpacked, %zu entries%s%s%s%s)\n", e.image,
               (double) e.info.packed_size / MIB, (double) e.info.unpacked_size / MIB, e.info.n_entries,
               e.in.lvm ? ", lvm" : "", e.in.nfs ? ", NFS client" : "", e.in.net_links ? ", bond/VLAN/bridge" : "",
               e.in.dhcp ? ", DHCP client" : "");
        printf("Memory to dump:    %.1f GiB\n\n", (double) e.in.memory / (1024.0 * MIB));
        for (char **l = e.lines; l && *l; l++)
                printf("  %s\n", *l);
        printf("\nRecommended: %s\n", e.value);
        if (!have_region)
                printf("Reserved now: unknown.\n");
        else if (cr.size == 0)
                printf("Reserved now: nothing (crashkernel= is not set): not enough. "
                       "Run \"kdumpctl reset-crashkernel\" and reboot.\n");
        else if (enough)
                printf("Reserved now: %" PRIu64 " MiB: enough.\n", cr.size / MIB);
        else
                printf("Reserved now: %" PRIu64 " MiB: not enough; the capture would run out of memory. "
                       "Run \"kdumpctl reset-crashkernel\" and reboot.\n", cr.size / MIB);
        return enough ? EX_OK : 1;
}

/* The kernel size the default is computed with: the running kernel's. */
static uint64_t running_kernel_size(void) {
        _cleanup_free_ char *kver = NULL, *kernel = NULL;
        uint64_t size;
        int r = build_paths_for_kernel(NULL, &kver, &kernel);
        if (r >= 0)
                r = kernel_image_size(kernel, &size);
        if (r < 0) {
                log_notice("Cannot read the running kernel's size from \"%s\"; the default assumes Debian 12's "
                           "(%.1f MiB).", strempty(kernel), (double) CRASHKERNEL_REFERENCE_KERNEL_SIZE / MIB);
                return 0;
        }
        return size;
}

int verb_get_default_crashkernel(int argc, char *argv[]) {
        _cleanup_free_ char *value = NULL;

        if (argc > 1) {
                log_error("Unexpected argument \"%s\".", argv[1]);
                return EX_USAGE;
        }
        if (crashkernel_default(running_kernel_size(), &value) < 0) {
                log_oom();
                return EX_SOFTWARE;
        }
        printf("%s\n", value);
        return EX_OK;
}

int crashkernel_value_normalize(const char *s, char **ret) {
        const char *v;

        assert_return(s && ret, -EINVAL);
        v = strncmp(s, "crashkernel=", 12) == 0 ? s + 12 : s;
        /* Sizes, ranges, an offset, ",high"/",low": digits, letters and
         * ",:-@". Nothing a shell would expand or split: the value goes
         * into a file that update-grub sources. */
        if (!(v[0] >= '0' && v[0] <= '9') || v[strspn(v, "0123456789abcdefghijklmnopqrstuvwxyz"
                                                        "ABCDEFGHIJKLMNOPQRSTUVWXYZ,:-@")] != 0)
                return -EINVAL;
        if (asprintf(ret, "crashkernel=%s", v) < 0)
                return -ENOMEM;
        return 0;
}

static char *root_path(const char *root, const char *path) {
        char *p;
        if (asprintf(&p, "%s%s", strempty(root), path) < 0)
                return NULL;
        return p;
}

/* update-grub under root, where Debian's grub2-common puts it, or NULL. */
static char *update_grub_find(const char *root) {
        static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                char *p;
                if (asprintf(&p, "%s%s/update-grub", strempty(root), dirs[i]) < 0)
                        return NULL;
                if (is_executable_file(p))
                        return p;
                free(p);
        }
        return NULL;
}

bool grub_config_present(const char *root) {
        _cleanup_free_ char *conf = root_path(root, "/etc/default/grub"), *update = NULL;
        if (conf && access(conf, F_OK) == 0)
                return true;
        update = update_grub_find(root);
        return update != NULL;
}

int grub_dropin_format(const char *value, const char *reason, char **ret) {
        _cleanup_free_ char *v = NULL, *why = NULL;
        int r;

        assert_return(value && ret, -EINVAL);
        r = crashkernel_value_normalize(value, &v);
        if (r < 0)
                return r;
        if (reason) {
                why = strdup(reason);
                if (!why)
                        return -ENOMEM;
                for (char *c = why; *c; c++) /* a comment stays one line */
                        if (*c == '\n' || *c == '\r')
                                *c = ' ';
        }
        /* The kernel takes the last crashkernel= on its command line, and
         * GRUB puts GRUB_CMDLINE_LINUX_DEFAULT after GRUB_CMDLINE_LINUX:
         * this value wins over one set in /etc/default/grub. */
        if (asprintf(ret,
                     "# Written by \"kdumpctl reset-crashkernel\": memory reserved for the kdump capture kernel.\n"
                     "%s%s%s"
                     "# The kernel takes the last crashkernel= on its command line: this one.\n"
                     "# Remove this file and run update-grub to undo; either way it takes a reboot.\n"
                     "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT %s\"\n",
                     why ? "# " : "", strempty(why), why ? "\n" : "", v) < 0)
                return -ENOMEM;
        return 0;
}

int grub_dropin_write(const char *root, const char *value, const char *reason) {
        _cleanup_free_ char *text = NULL, *path = NULL, *dir = NULL;
        int r;

        r = grub_dropin_format(value, reason, &text);
        if (r < 0)
                return r;
        path = root_path(root, GRUB_DROPIN_PATH);
        dir = root_path(root, "/etc/default/grub.d");
        if (!path || !dir)
                return -ENOMEM;
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        return write_file_atomic(path, text, strlen(text), 0644);
}

int verb_reset_crashkernel(int argc, char *argv[]) {
        static const struct option options[] = {
                { "root", required_argument, NULL, 'r' },
                { "value", required_argument, NULL, 'v' },
                {},
        };
        _cleanup_(estimate_run_done) EstimateRun e = {};
        _cleanup_free_ char *value = NULL, *reason = NULL, *path = NULL, *old = NULL, *text = NULL;
        const char *root = NULL, *given = NULL;
        int c, r;

        opterr = 0;
        while ((c = getopt_long(argc, argv, ":", options, NULL)) >= 0)
                switch (c) {
                case 'r': root = optarg; break;
                case 'v': given = optarg; break;
                case ':':
                        log_error("Option \"%s\" needs a value.", argv[optind - 1]);
                        return EX_USAGE;
                default:
                        log_error("Unknown option \"%s\" for reset-crashkernel; see \"kdumpctl --help\".",
                                  argv[optind - 1]);
                        return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }
        bool rooted = root; /* --root: write, run nothing (also for "/") */
        if (root && strcmp(root, "/") == 0)
                root = "";
        if (root && root[0] != '/' && root[0] != 0) {
                log_error("--root needs an absolute directory, not \"%s\".", root);
                return EX_USAGE;
        }

        if (given) {
                r = crashkernel_value_normalize(given, &value);
                if (r < 0) {
                        log_error("\"%s\" is not a crashkernel= value (e.g. \"crashkernel=112M\" or "
                                  "\"crashkernel=1G-4G:96M,4G-:128M\").", given);
                        return EX_USAGE;
                }
                reason = strdup("Given with --value.");
        } else {
                r = estimate_run(&e);
                if (r == -ENOENT) {
                        if (crashkernel_default(running_kernel_size(), &value) < 0) {
                                log_oom();
                                return EX_SOFTWARE;
                        }
                        log_notice("There is no capture initramfs for %s yet (\"%s\") to measure: using the default, "
                                   "%s. After \"kdumpctl rebuild\", \"kdumpctl estimate\" says whether it is enough.",
                                   e.kver, e.image, value);
                        reason = strdup("The default (kdumpctl get-default-crashkernel): no capture initramfs was built yet.");
                } else if (r < 0)
                        return r == -ENOMEM ? EX_SOFTWARE : EX_NOINPUT;
                else {
                        value = TAKE_PTR(e.value);
                        if (asprintf(&reason, "Estimated for %s (%.1f MiB packed, %.1f MiB unpacked) and %.1f GiB of "
                                     "RAM; \"kdumpctl estimate\" shows how.", e.image, (double) e.info.packed_size / MIB,
                                     (double) e.info.unpacked_size / MIB, (double) e.in.memory / (1024.0 * MIB)) < 0)
                                reason = NULL;
                }
        }
        if (!value || !reason) {
                log_oom();
                return EX_SOFTWARE;
        }

        if (!grub_config_present(root)) {
                log_error("%s%s has no GRUB configuration (/etc/default/grub) and no update-grub: kdumpctl cannot "
                          "set crashkernel= for its boot loader. Add \"%s\" to the kernel command line in the boot "
                          "loader's configuration by hand, and reboot.",
                          root && root[0] ? "The system under " : "This machine", strempty(root), value);
                return EX_UNAVAILABLE;
        }

        path = root_path(root, GRUB_DROPIN_PATH);
        if (!path || grub_dropin_format(value, reason, &text) < 0) {
                log_oom();
                return EX_SOFTWARE;
        }
        if (read_full_file(path, &old, NULL) >= 0 && strcmp(old, text) == 0) {
                printf("%s already sets %s; nothing to change.\n", path, value);
                return EX_OK;
        }
        r = grub_dropin_write(root, value, reason);
        if (r < 0) {
                log_error_errno(r, "Failed to write \"%s\": %m", path);
                return r == -EACCES || r == -EPERM ? EX_NOPERM : EX_CANTCREAT;
        }
        printf("Wrote %s to %s.\n", value, path);
        _cleanup_free_ char *update_grub = rooted ? NULL : update_grub_find(NULL);
        if (update_grub) {
                char *update[] = { update_grub, NULL };
                r = spawn_and_wait(update, NULL);
                if (r != 0) {
                        if (r < 0)
                                log_error_errno(r, "Failed to run \"%s\": %m", update_grub);
                        else
                                log_error("update-grub failed (exit status %d): the boot menu does not have %s yet; "
                                          "fix what it says and run it again.", r, value);
                        return EX_UNAVAILABLE;
                }
        } else if (!rooted)
                printf("There is no update-grub: regenerate the boot loader's configuration to include it.\n");
        printf("Reboot for the new crash memory reservation to take effect.\n");
        return EX_OK;
}
