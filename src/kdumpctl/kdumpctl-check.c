/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-check.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "config-check.h"
#include "initramfs-build.h"
#include "kdump-config.h"
#include "kdumpd-settings.h"
#include "log.h"
#include "macro.h"

/* The effective settings after the configuration, as comments: the output
 * stays a kdump.conf that parses to the same configuration. */
static int settings_print_as_comments(const KdumpdSettings *s, const char *path, int source, FILE *out) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&text, &size);
        int r;

        if (!f)
                return -ENOMEM;
        r = kdumpd_settings_format(s, f);
        if (fclose(f) != 0 && r >= 0)
                r = -ENOMEM;
        if (r < 0)
                return r;
        fprintf(out, "\n# kdumpd settings, %s%s:\n", path,
                source == KDUMPD_SETTINGS_DEFAULTS ? " (the file does not exist: defaults)" : "");
        for (char *l = text, *next; l && *l; l = next) {
                next = strchr(l, '\n');
                if (next)
                        *next++ = 0;
                fprintf(out, "%s%s\n", strncmp(l, "# ", 2) == 0 ? "" : "# ", l);
        }
        return 0;
}

/* Would kdumpd take these files? The same parsers and the same checks
 * against this machine as kdumpd and mkdumprd run; nothing is built.
 * --offline: the language only, for files written for another machine
 * (no block devices, no network, no kernel of this one looked at). */
int verb_check(int argc, char *argv[]) {
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "settings", required_argument, NULL, 's' },
                { "offline", no_argument, NULL, 'o' },
                {},
        };
        _cleanup_kdump_config_free_ KdumpConfig *config = NULL;
        _cleanup_kdumpd_settings_free_ KdumpdSettings *settings = NULL;
        _cleanup_free_ char *kver = NULL, *kernel = NULL;
        const char *config_path = KDUMP_CONFIG_PATH, *settings_path = KDUMPD_SETTINGS_PATH;
        ConfigDiagnostics diag = {};
        bool ok = true, offline = false;
        int c, r, q;

        opterr = 0; /* getopt would name the verb as the program */
        while ((c = getopt_long(argc, argv, ":c:s:", options, NULL)) >= 0)
                switch (c) {
                case 'c': config_path = optarg; break;
                case 's': settings_path = optarg; break;
                case 'o': offline = true; break;
                case ':':
                        log_error("Option \"%s\" needs a file name.", argv[optind - 1]);
                        return EX_USAGE;
                default:
                        log_error("Unknown option \"%s\" for check; see \"kdumpctl --help\".", argv[optind - 1]);
                        return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }

        r = kdump_config_parse_file(config_path, &diag, &config);
        q = kdumpd_settings_load(settings_path, &diag, &settings);
        if (r < 0 && r != -EINVAL) {
                log_error_errno(r, "Failed to read %s: %m", config_path);
                ok = false;
        }
        if (q < 0 && q != -EINVAL) {
                log_error_errno(q, "Failed to read %s: %m", settings_path);
                ok = false;
        }
        if (r >= 0 && q >= 0 && !offline) {
                int k = build_paths_for_kernel(kdumpd_settings_kernel(settings), &kver, &kernel);
                if (k >= 0)
                        k = config_check_machine(config, kver, &diag);
                if (k < 0) {
                        log_error_errno(k, "Failed to check the configuration against this machine: %m");
                        ok = false;
                }
                /* kdumpd refuses to arm with it, as it does with a
                 * missing hook: an error of this file on this machine. */
                if (k >= 0 && kdumpd_settings_kernel(settings) && access(kernel, R_OK) < 0) {
                        int e = errno;
                        if (config_diagnostics_add(&diag, settings_path, 0, true,
                                                   "kernel image \"%s\" is not readable (%s): kdumpd cannot arm "
                                                   "with \"kernel = %s\" on this machine", kernel, strerror(e),
                                                   kver) < 0)
                                ok = false;
                }
        }
        config_diagnostics_print(&diag, stderr);
        ok = ok && r >= 0 && q >= 0 && diag.n_errors == 0;
        config_diagnostics_done(&diag);
        if (!ok)
                return 1;

        r = kdump_config_format(config, stdout);
        if (r >= 0)
                r = settings_print_as_comments(settings, settings_path, q, stdout);
        if (r < 0 || fflush(stdout) != 0) {
                log_error_errno(r < 0 ? r : -EIO, "Failed to write the configuration: %m");
                return 1;
        }
        return EX_OK;
}
