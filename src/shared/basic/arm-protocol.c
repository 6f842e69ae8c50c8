/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "arm-protocol.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

void arm_result_done(ArmResult *r) {
        free(r->kver);
        free(r->kernel);
        free(r->initrd);
        free(r->cmdline);
        free(r->stale);
        *r = (ArmResult) {};
}

/* The fields are separated by tabs and the text is one line. */
static char *field_clean(const char *s) {
        char *c = strdup(strempty(s));
        for (char *i = c; i && *i; i++)
                if (*i == '\t' || *i == '\n')
                        *i = ' ';
        return c;
}

int arm_result_format(const ArmResult *r, char **ret) {
        _cleanup_free_ char *kver = NULL, *kernel = NULL, *initrd = NULL, *cmdline = NULL, *stale = NULL;

        assert_return(r && ret, -EINVAL);
        kver = field_clean(r->kver);
        kernel = field_clean(r->kernel);
        initrd = field_clean(r->initrd);
        cmdline = field_clean(r->cmdline);
        stale = field_clean(r->stale);
        if (!kver || !kernel || !initrd || !cmdline || (r->stale && !stale))
                return -ENOMEM;
        return asprintf(ret, "%s\t%s\t%s\t%s\t%llu\t%d\t%s", kver, kernel, initrd, cmdline, r->crash_size, r->built,
                        strempty(stale)) < 0
                       ? -ENOMEM
                       : 0;
}

int arm_result_parse(const char *text, ArmResult *ret) {
        _cleanup_free_ char *copy = NULL;
        _cleanup_(arm_result_done) ArmResult res = {};
        char *f[7] = {}, *p, *end;

        assert_return(text && ret, -EINVAL);
        p = copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        /* strsep, not strtok: an empty field is a field. The seventh may
         * be missing (an older kdumpd-arm). */
        for (size_t i = 0; i < ELEMENTSOF(f) && p; i++)
                f[i] = strsep(&p, "\t");
        if (!f[5] || (strcmp(f[5], "0") != 0 && strcmp(f[5], "1") != 0))
                return -EBADMSG;
        errno = 0;
        res.crash_size = strtoull(f[4], &end, 10);
        if (errno != 0 || end == f[4] || *end)
                return -EBADMSG;
        res.built = f[5][0] == '1';
        res.kver = strdup(f[0]);
        res.kernel = strdup(f[1]);
        res.initrd = strdup(f[2]);
        res.cmdline = strdup(f[3]);
        if (f[6] && f[6][0] && !(res.stale = strdup(f[6])))
                return -ENOMEM;
        if (!res.kver || !res.kernel || !res.initrd || !res.cmdline)
                return -ENOMEM;
        *ret = res;
        res = (ArmResult) {};
        return 0;
}

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

static const char *const line_kinds[_ARM_LINE_KIND_MAX] = {
        [ARM_LINE_BUSY] = "busy",
        [ARM_LINE_ARMED] = "armed",
        [ARM_LINE_WAITING] = "waiting",
        [ARM_LINE_FAILED] = "failed",
};

const char *arm_line_kind_to_string(ArmLineKind k) {
        return k >= 0 && k < _ARM_LINE_KIND_MAX ? line_kinds[k] : NULL;
}

int arm_line_write(int fd, ArmLineKind kind, const char *fmt, ...) {
        _cleanup_free_ char *text = NULL, *line = NULL;
        va_list ap;
        int n;

        assert_return(arm_line_kind_to_string(kind) && fmt, -EINVAL);
        va_start(ap, fmt);
        n = vasprintf(&text, fmt, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        for (char *c = text; *c; c++)
                if (*c == '\n')
                        *c = ' ';
        n = asprintf(&line, "%s %s\n", arm_line_kind_to_string(kind), text);
        if (n < 0)
                return -ENOMEM;
        return loop_write(fd, line, (size_t) n);
}

int arm_line_write_armed(int fd, const ArmResult *r) {
        _cleanup_free_ char *text = NULL;
        int k;

        k = arm_result_format(r, &text);
        if (k < 0)
                return k;
        return arm_line_write(fd, ARM_LINE_ARMED, "%s", text);
}

int arm_line_parse(const char *line, ArmLineKind *ret_kind, const char **ret_text) {
        assert_return(line && ret_kind && ret_text, -EINVAL);
        for (ArmLineKind k = 0; k < _ARM_LINE_KIND_MAX; k++) {
                size_t n = strlen(line_kinds[k]);
                if (strncmp(line, line_kinds[k], n) == 0 && line[n] == ' ') {
                        *ret_kind = k;
                        *ret_text = line + n + 1;
                        return 0;
                }
        }
        return -EBADMSG;
}
