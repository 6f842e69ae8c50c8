/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "arm-command.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>

#include "log.h"
#include "macro.h"
#include "strv.h"

void arm_command_done(ArmCommand *c) {
        arm_result_done(&c->loaded);
}

static int argv_add_option(char ***argv, const char *name, const char *value) {
        if (!value)
                return 0;
        if (strv_extend(argv, name) < 0 || strv_extend(argv, value) < 0)
                return -ENOMEM;
        return 0;
}

int arm_command_to_argv(const ArmCommand *c, const char *program, char ***ret) {
        _cleanup_strv_free_ char **argv = NULL;
        _cleanup_free_ char *loaded = NULL;

        assert_return(c && program && ret, -EINVAL);
        if (strv_extend(&argv, program) < 0 ||
            (c->mode == ARM_MODE_CAPTURE_BOOT && strv_extend(&argv, "--capture-boot") < 0) ||
            argv_add_option(&argv, "--config", c->config_path) < 0 ||
            argv_add_option(&argv, "--settings", c->settings_path) < 0 ||
            argv_add_option(&argv, "--state-dir", c->state_dir) < 0 ||
            argv_add_option(&argv, "--root", c->root) < 0 ||
            (c->report_fd >= 0 && strv_extendf(&argv, "--report-fd=%d", c->report_fd) < 0) ||
            (c->first && strv_extend(&argv, "--first") < 0) ||
            (c->force && strv_extend(&argv, "--force") < 0))
                return -ENOMEM;
        if (c->loaded.initrd) {
                if (arm_result_format(&c->loaded, &loaded) < 0 || argv_add_option(&argv, "--loaded", loaded) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(argv);
        return 0;
}

static int fd_parse(const char *s, int *ret) {
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || end == s || *end || v < 0 || v > INT_MAX)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

int arm_command_parse(int argc, char *argv[], ArmCommand *ret) {
        enum { OPT_STATE_DIR = 0x100, OPT_ROOT, OPT_REPORT_FD, OPT_FIRST, OPT_FORCE, OPT_LOADED, OPT_CAPTURE_BOOT };
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "settings", required_argument, NULL, 's' },
                { "state-dir", required_argument, NULL, OPT_STATE_DIR },
                { "root", required_argument, NULL, OPT_ROOT },
                { "report-fd", required_argument, NULL, OPT_REPORT_FD },
                { "first", no_argument, NULL, OPT_FIRST },
                { "force", no_argument, NULL, OPT_FORCE },
                { "loaded", required_argument, NULL, OPT_LOADED },
                { "capture-boot", no_argument, NULL, OPT_CAPTURE_BOOT },
                {},
        };
        _cleanup_(arm_command_done) ArmCommand c = { .report_fd = -EBADF };
        int opt, r;

        assert_return(argc > 0 && argv && ret, -EINVAL);
        optind = 0; /* glibc: start over, also when parsed before */
        while ((opt = getopt_long(argc, argv, "c:s:", options, NULL)) >= 0)
                switch (opt) {
                case 'c': c.config_path = optarg; break;
                case 's': c.settings_path = optarg; break;
                case OPT_STATE_DIR: c.state_dir = optarg; break;
                case OPT_ROOT: c.root = optarg; break;
                case OPT_REPORT_FD:
                        if (fd_parse(optarg, &c.report_fd) < 0)
                                return log_error_errno(-EINVAL, "--report-fd wants a file descriptor, not \"%s\".",
                                                       optarg);
                        break;
                case OPT_FIRST: c.first = true; break;
                case OPT_FORCE: c.force = true; break;
                case OPT_LOADED:
                        arm_result_done(&c.loaded);
                        r = arm_result_parse(optarg, &c.loaded);
                        if (r == -ENOMEM)
                                return log_oom();
                        if (r < 0)
                                return log_error_errno(-EINVAL, "--loaded wants KVER, KERNEL, INITRD, CMDLINE, "
                                                       "CRASH_SIZE and BUILT separated by tabs, not \"%s\".", optarg);
                        break;
                case OPT_CAPTURE_BOOT: c.mode = ARM_MODE_CAPTURE_BOOT; break;
                default:
                        return -EINVAL; /* getopt said why */
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "Unexpected argument \"%s\".", argv[optind]);
        *ret = c;
        c = (ArmCommand) {};
        return 0;
}
