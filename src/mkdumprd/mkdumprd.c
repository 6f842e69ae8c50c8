/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mkdumprd: builds the capture initramfs for a kernel from /etc/kdump.conf
 * (and the part of /etc/kdump/kdumpd.conf that the capture reads). */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "initramfs-build.h"
#include "kdump-config.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"

static void help(void) {
        printf("mkdumprd [OPTIONS]\n\n"
               "Build the kdump capture initramfs for a kernel.\n\n"
               "  -c --config FILE     kdump.conf to use (default " KDUMP_CONFIG_PATH ")\n"
               "  -k --kver RELEASE    kernel release (default: the running kernel)\n"
               "  -f --force           rebuild even when the image is up to date\n"
               "     --state-dir DIR   where images live (default " KDUMP_STATE_DIR ")\n"
               "  -h --help            show this help\n");
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' }, { "kver", required_argument, NULL, 'k' },
                { "force", no_argument, NULL, 'f' },         { "state-dir", required_argument, NULL, 's' },
                { "help", no_argument, NULL, 'h' },          {},
        };
        const char *config_path = KDUMP_CONFIG_PATH, *kver_arg = NULL, *state_dir = KDUMP_STATE_DIR;
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = NULL;
        _cleanup_free_ char *kver = NULL, *kernel = NULL, *img = NULL;
        ConfigDiagnostics diag = {};
        bool force = false;
        int c, r, q;

        log_open("mkdumprd");
        while ((c = getopt_long(argc, argv, "c:k:fh", options, NULL)) >= 0)
                switch (c) {
                case 'c': config_path = optarg; break;
                case 'k': kver_arg = optarg; break;
                case 'f': force = true; break;
                case 's': state_dir = optarg; break;
                case 'h': help(); return EX_OK;
                default: return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }

        /* Both files are read before either is judged: one run shows
         * every mistake. The image must carry what kdumpd would bake, or
         * kdumpd rebuilds it. */
        r = kdump_config_parse_file(config_path, &diag, &config);
        q = kdumpd_settings_load(KDUMPD_SETTINGS_PATH, &diag, &settings);
        config_diagnostics_print(&diag, stderr);
        config_diagnostics_done(&diag);
        if (r == -EINVAL || q == -EINVAL)
                return EX_CONFIG;
        if (r < 0 || q < 0) {
                log_error_errno(r < 0 ? r : q, "Failed to read \"%s\": %m", r < 0 ? config_path : KDUMPD_SETTINGS_PATH);
                return EX_NOINPUT;
        }

        r = build_paths_for_kernel(kver_arg, &kver, &kernel);
        if (r < 0) {
                log_oom();
                return EX_OSERR;
        }
        /* Run from Debian's kernel hooks too: a hung dracut must not hang
         * dpkg. kdumpd.conf's build_timeout bounds it as it bounds kdumpd's. */
        BuildPaths p = { .state_dir = state_dir, .kver = kver, .kernel = kernel, .settings = settings,
                         .build_timeout_usec = kdumpd_settings_build_timeout(settings) * 1000000ULL };
        r = initramfs_ensure(config, config_path, &p, force);
        if (r == -EINVAL || r == -EOPNOTSUPP || r == -ENODEV)
                return EX_CONFIG;
        if (r == -ENETDOWN) {
                log_error("The dump server cannot be reached from this machine now (see above); try again once the "
                          "network is up.");
                return EX_TEMPFAIL;
        }
        if (r < 0)
                return EX_SOFTWARE;
        if (initramfs_path(&p, &img) >= 0)
                printf("%s\n", img);
        return EX_OK;
}
