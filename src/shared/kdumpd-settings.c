/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* /etc/kdump/kdumpd.conf: libconfuse does the syntax, a value callback per
 * key checks each value where libconfuse still knows its line, and the
 * result is copied into a plain immutable KdumpdSettings. */
#include "kdumpd-settings.h"

#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "panic-triggers.h"
#include "strv.h"

struct KdumpdSettings {
        char **capture_cmdline_append;
        char **capture_cmdline_remove;
        char *kernel;
        unsigned capture_cpus;
        unsigned makedumpfile_threads;
        unsigned dump_stall_timeout;
        unsigned keep_dumps;
        uint64_t min_free_mb;
        unsigned build_timeout;
        unsigned capture_dhcp_timeout;
        bool capture_dhcp_fallback;
        PanicTriggerSet panic_triggers;
        unsigned hung_task_timeout;
};

typedef enum Key {
        KEY_CAPTURE_CMDLINE_APPEND,
        KEY_CAPTURE_CMDLINE_REMOVE,
        KEY_KERNEL,
        KEY_CAPTURE_CPUS,
        KEY_MAKEDUMPFILE_THREADS,
        KEY_DUMP_STALL_TIMEOUT,
        KEY_KEEP_DUMPS,
        KEY_MIN_FREE_MB,
        KEY_BUILD_TIMEOUT,
        KEY_CAPTURE_DHCP_TIMEOUT,
        KEY_CAPTURE_DHCP_FALLBACK,
        KEY_PANIC_TRIGGERS,
        KEY_HUNG_TASK_TIMEOUT,
        _KEY_MAX,
} Key;

/* Bounds of the numeric keys. INT_MAX keeps every value inside libconfuse's
 * long on 32-bit machines too. */
static const struct {
        long min, max;
} key_range[_KEY_MAX] = {
        [KEY_CAPTURE_CPUS] = { 1, KDUMPD_SETTINGS_CAPTURE_CPUS_MAX },
        [KEY_MAKEDUMPFILE_THREADS] = { 0, INT_MAX },
        [KEY_DUMP_STALL_TIMEOUT] = { 0, INT_MAX },
        [KEY_KEEP_DUMPS] = { 0, INT_MAX },
        [KEY_MIN_FREE_MB] = { 0, INT_MAX },
        [KEY_BUILD_TIMEOUT] = { 0, INT_MAX },
        [KEY_CAPTURE_DHCP_TIMEOUT] = { 1, KDUMPD_SETTINGS_CAPTURE_DHCP_TIMEOUT_MAX },
        [KEY_HUNG_TASK_TIMEOUT] = { 0, INT_MAX },
};

typedef struct ParseState {
        const char *name;
        ConfigDiagnostics *diag;
        unsigned n_lines;
        unsigned seen[_KEY_MAX]; /* line of the first assignment, 0 = not set */
        unsigned n_errors;
        bool oom;
} ParseState;

/* libconfuse hands its callbacks a cfg_t and nothing of ours, and its lexer
 * keeps global state, so a parse is never reentrant anyway: the state of
 * the parse that is running lives here for its duration. */
static _Thread_local ParseState *parsing;

static int value_append(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
static int value_remove(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
static int value_kernel(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
static int value_number(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
static int value_dhcp_fallback(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);
static int value_trigger(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result);

/* In the order of the formatted output and of the shipped file. The names
 * are indexed by Key. */
static cfg_opt_t schema[] = {
        CFG_STR_LIST_CB("capture_cmdline_append", NULL, CFGF_NONE, value_append),
        CFG_STR_LIST_CB("capture_cmdline_remove", NULL, CFGF_NONE, value_remove),
        CFG_STR_CB("kernel", NULL, CFGF_NONE, value_kernel),
        CFG_INT_CB("capture_cpus", 1, CFGF_NONE, value_number),
        CFG_INT_CB("makedumpfile_threads", 0, CFGF_NONE, value_number),
        CFG_INT_CB("dump_stall_timeout", KDUMPD_SETTINGS_DUMP_STALL_TIMEOUT_DEFAULT, CFGF_NONE, value_number),
        CFG_INT_CB("keep_dumps", 0, CFGF_NONE, value_number),
        CFG_INT_CB("min_free_mb", 0, CFGF_NONE, value_number),
        CFG_INT_CB("build_timeout", KDUMPD_SETTINGS_BUILD_TIMEOUT_DEFAULT, CFGF_NONE, value_number),
        CFG_INT_CB("capture_dhcp_timeout", KDUMPD_SETTINGS_CAPTURE_DHCP_TIMEOUT_DEFAULT, CFGF_NONE, value_number),
        CFG_STR_CB("capture_dhcp_fallback", "none", CFGF_NONE, value_dhcp_fallback),
        /* PANIC_TRIGGERS_DEFAULT; "+=" adds to it. */
        CFG_STR_LIST_CB("panic_triggers", "{\"oops\", \"nmi\", \"hard-lockup\"}", CFGF_NONE, value_trigger),
        CFG_INT_CB("hung_task_timeout", 0, CFGF_NONE, value_number),
        CFG_END(),
};

static Key key_of(const cfg_opt_t *opt) {
        for (Key k = 0; k < _KEY_MAX; k++)
                if (strcmp(schema[k].name, opt->name) == 0)
                        return k;
        abort(); /* libconfuse only calls back for options of the schema */
}

static unsigned clamp_line(const ParseState *s, int line) {
        if (line < 1)
                return 1;
        /* At the end of the text libconfuse counts the final newline too. */
        return s->n_lines > 0 && (unsigned) line > s->n_lines ? s->n_lines : (unsigned) line;
}

_printf_(3, 4) static void diag_error(ParseState *s, unsigned line, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        s->n_errors++;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (!msg || (s->diag && config_diagnostics_add(s->diag, s->name, line, true, "%s", msg) < 0))
                s->oom = true;
}

static void on_cfg_error(cfg_t *cfg, const char *fmt, va_list ap) {
        ParseState *s = parsing;
        _cleanup_free_ char *msg = NULL;

        if (!s)
                return;
        /* The one libconfuse message that deserves more: say what is known. */
        if (strcmp(fmt, "no such option '%s'") == 0) {
                const char *name = va_arg(ap, const char *);
                _cleanup_free_ char *known = NULL;
                char *names[_KEY_MAX + 1] = {};
                for (Key k = 0; k < _KEY_MAX; k++)
                        names[k] = (char *) schema[k].name;
                known = strv_join(names, ", ");
                diag_error(s, clamp_line(s, cfg->line), "unknown setting \"%s\"; the settings are: %s", name,
                           strempty(known));
                return;
        }
        if (vasprintf(&msg, fmt, ap) < 0) {
                s->oom = true;
                return;
        }
        diag_error(s, clamp_line(s, cfg->line), "%s", msg);
}

/* A second "key = …" would silently win over the first; say so instead.
 * For lists, "key += { … }" adds to the list and is fine: libconfuse has
 * emptied the list for a plain "=" before it hands over the first value. */
static void check_once(ParseState *s, cfg_t *cfg, cfg_opt_t *opt) {
        Key k = key_of(opt);
        unsigned line = clamp_line(s, cfg->line);

        if ((opt->flags & CFGF_LIST) && opt->nvalues > 1)
                return;
        if (s->seen[k]) {
                diag_error(s, line, "\"%s\" is already set on line %u", opt->name, s->seen[k]);
                return;
        }
        s->seen[k] = line;
}

static bool has_control_chars(const char *v) {
        for (; *v; v++)
                if ((unsigned char) *v < 0x20 || *v == 0x7f)
                        return true;
        return false;
}

/* Does this command line word set nr_cpus (nr_cpus or nr_cpus=…)? */
static bool is_nr_cpus(const char *word, size_t len) {
        static const char name[] = "nr_cpus";
        size_t n = strlen(name);
        return len >= n && strncmp(word, name, n) == 0 && (len == n || word[n] == '=');
}

static void check_append_entry(ParseState *s, unsigned line, const char *key, const char *value) {
        size_t quotes = 0;

        if (value[strspn(value, " ")] == 0) {
                diag_error(s, line, "an empty entry in \"%s\"", key);
                return;
        }
        if (has_control_chars(value)) {
                diag_error(s, line, "\"%s\" entries are kernel parameters separated by blanks; "
                           "tabs, newlines and other control characters do not belong in '%s'", key, value);
                return;
        }
        for (const char *p = value; *p; p++)
                quotes += *p == '"';
        if (quotes % 2 != 0) {
                diag_error(s, line, "unbalanced double quote in \"%s\" entry '%s'", key, value);
                return;
        }
        /* Words as the kernel splits them: blanks outside double quotes. */
        for (const char *p = value; *p;) {
                p += strspn(p, " ");
                const char *w = p;
                bool quoted = false;
                for (; *p && (quoted || *p != ' '); p++)
                        if (*p == '"')
                                quoted = !quoted;
                if (p > w && is_nr_cpus(w, p - w)) {
                        diag_error(s, line, "\"%s\" must not set nr_cpus; use \"capture_cpus\" instead", key);
                        return;
                }
        }
}

static int value_append(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result) {
        ParseState *s = parsing;

        /* Every value is taken (and the parse goes on) so that one run
         * reports every mistake; an error fails the parse at its end. */
        check_once(s, cfg, opt);
        check_append_entry(s, clamp_line(s, cfg->line), opt->name, value);
        *(const char **) result = value;
        return 0;
}

static int value_remove(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result) {
        ParseState *s = parsing;
        unsigned line = clamp_line(s, cfg->line);

        check_once(s, cfg, opt);
        if (!*value || *value == '=' || strpbrk(value, " \"") || has_control_chars(value))
                diag_error(s, line, "each \"%s\" entry is one parameter name (\"quiet\") or "
                           "name=value (\"console=tty0\"), not '%s'", opt->name, value);
        else if (is_nr_cpus(value, strlen(value)))
                diag_error(s, line, "nr_cpus cannot be removed; \"capture_cpus\" sets it");
        *(const char **) result = value;
        return 0;
}

static int value_kernel(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result) {
        ParseState *s = parsing;
        unsigned line = clamp_line(s, cfg->line);

        check_once(s, cfg, opt);
        *(const char **) result = value;
        /* It names /boot/vmlinuz-<release> and /lib/modules/<release>/. */
        if (!*value || strcmp(value, ".") == 0 || strcmp(value, "..") == 0 || strpbrk(value, "/ ") ||
            has_control_chars(value))
                diag_error(s, line, "\"kernel\" is a kernel release as \"uname -r\" prints it "
                           "(\"6.1.0-13-amd64\"), not '%s'", value);
        return 0;
}

static int value_number(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result) {
        ParseState *s = parsing;
        Key k = key_of(opt);
        unsigned line = clamp_line(s, cfg->line);
        long v = 0;
        bool ok = *value != 0;

        check_once(s, cfg, opt);
        /* Decimal digits only: strtol() would take "010" as 8 and "0x10". */
        for (const char *p = value; ok && *p; p++) {
                if (!isdigit((unsigned char) *p) || v > (key_range[k].max - (*p - '0')) / 10)
                        ok = false;
                else
                        v = v * 10 + (*p - '0');
        }
        if (!ok || v < key_range[k].min) {
                diag_error(s, line, "\"%s\" must be a whole number from %ld to %ld, not \"%s\"", opt->name,
                           key_range[k].min, key_range[k].max, value);
                v = key_range[k].min;
        }
        *(long *) result = v;
        return 0;
}

/* "none" or "static": what the capture does when DHCP gives no lease. */
static int value_dhcp_fallback(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result) {
        ParseState *s = parsing;

        check_once(s, cfg, opt);
        *(const char **) result = value;
        if (strcmp(value, "none") != 0 && strcmp(value, "static") != 0)
                diag_error(s, clamp_line(s, cfg->line), "\"%s\" is \"none\" or \"static\", not '%s'", opt->name, value);
        return 0;
}

static int value_trigger(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result) {
        ParseState *s = parsing;
        _cleanup_free_ char *known = NULL;

        *(const char **) result = value;
        /* libconfuse parses the default in cfg_init(), before any file. */
        if (!s)
                return 0;
        check_once(s, cfg, opt);
        if (panic_trigger_from_string(value) >= 0)
                return 0;
        known = panic_trigger_set_to_string((1u << _PANIC_TRIGGER_MAX) - 1);
        diag_error(s, clamp_line(s, cfg->line), "unknown panic trigger \"%s\" in \"%s\"; the triggers are: %s",
                   value, opt->name, strempty(known));
        return 0;
}

static unsigned count_lines(const char *text) {
        unsigned n = 0;
        const char *p = text;

        for (; *p; p++)
                n += *p == '\n';
        return n + (p > text && p[-1] != '\n');
}

/* Blanks out comments (keeping newlines, so libconfuse's line numbers stay
 * true: it miscounts lines after comments) and refuses "${…}", which
 * libconfuse would replace with the environment of whoever reads the file:
 * kdumpctl and kdumpd would then see different settings. */
static int text_prepare(ParseState *s, const char *text, char **ret) {
        enum { NORMAL, DQ, SQ, LINE_COMMENT, BLOCK_COMMENT } state = NORMAL;
        _cleanup_free_ char *t = strdup(text);
        unsigned line = 1, start = 0;

        if (!t)
                return -ENOMEM;
        for (char *p = t; *p; p++) {
                switch (state) {
                case NORMAL:
                        if (*p == '"' || *p == '\'') {
                                state = *p == '"' ? DQ : SQ;
                                start = line;
                        } else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
                                state = LINE_COMMENT;
                                *p = ' ';
                        } else if (p[0] == '/' && p[1] == '*') {
                                state = BLOCK_COMMENT;
                                start = line;
                                p[0] = p[1] = ' ';
                                p++;
                        } else if (p[0] == '$' && p[1] == '{')
                                diag_error(s, line, "\"${\" is not allowed outside single quotes: "
                                           "environment variables are not expanded; write the value itself");
                        /* libconfuse's lexer drops these without a word
                         * ("+3" would be read as 3). */
                        else if ((p[0] == '+' && p[1] != '=') || p[0] == '*')
                                diag_error(s, line, "a stray \"%c\"; put a value that holds it in quotes", *p);
                        else if (p[0] == '+')
                                p++;
                        break;
                case DQ:
                        if (p[0] == '\\' && p[1]) {
                                line += p[1] == '\n';
                                p++;
                        } else if (*p == '"')
                                state = NORMAL;
                        else if (p[0] == '$' && p[1] == '{')
                                diag_error(s, line, "\"${\" is not allowed outside single quotes: "
                                           "environment variables are not expanded; write the value itself");
                        break;
                case SQ:
                        if (p[0] == '\\' && (p[1] == '\\' || p[1] == '\''))
                                p++;
                        else if (*p == '\'')
                                state = NORMAL;
                        break;
                case LINE_COMMENT:
                        if (*p == '\n')
                                state = NORMAL;
                        else
                                *p = ' ';
                        break;
                case BLOCK_COMMENT:
                        if (p[0] == '*' && p[1] == '/') {
                                state = NORMAL;
                                p[0] = p[1] = ' ';
                                p++;
                        } else if (*p != '\n')
                                *p = ' ';
                        break;
                }
                line += *p == '\n';
        }
        if (state == DQ || state == SQ)
                diag_error(s, start, "a string that starts here has no closing %s quote",
                           state == DQ ? "double" : "single");
        else if (state == BLOCK_COMMENT)
                diag_error(s, start, "a comment that starts here has no closing \"*/\"");
        *ret = TAKE_PTR(t);
        return 0;
}

KdumpdSettings *kdumpd_settings_free(KdumpdSettings *s) {
        if (!s)
                return NULL;
        strv_free(s->capture_cmdline_append);
        strv_free(s->capture_cmdline_remove);
        free(s->kernel);
        free(s);
        return NULL;
}

static int list_copy(cfg_t *cfg, const char *key, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        for (unsigned i = 0; i < cfg_size(cfg, key); i++)
                if (strv_extend(&l, cfg_getnstr(cfg, key, i)) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

static int settings_from_cfg(cfg_t *cfg, KdumpdSettings **ret) {
        _cleanup_kdumpd_settings_free_ KdumpdSettings *s = calloc(1, sizeof(*s));
        const char *kernel;

        if (!s)
                return -ENOMEM;
        if (list_copy(cfg, schema[KEY_CAPTURE_CMDLINE_APPEND].name, &s->capture_cmdline_append) < 0 ||
            list_copy(cfg, schema[KEY_CAPTURE_CMDLINE_REMOVE].name, &s->capture_cmdline_remove) < 0)
                return -ENOMEM;
        kernel = cfg_getstr(cfg, schema[KEY_KERNEL].name);
        if (kernel && !(s->kernel = strdup(kernel)))
                return -ENOMEM;
        s->capture_cpus = cfg_getint(cfg, schema[KEY_CAPTURE_CPUS].name);
        s->makedumpfile_threads = cfg_getint(cfg, schema[KEY_MAKEDUMPFILE_THREADS].name);
        s->dump_stall_timeout = cfg_getint(cfg, schema[KEY_DUMP_STALL_TIMEOUT].name);
        s->keep_dumps = cfg_getint(cfg, schema[KEY_KEEP_DUMPS].name);
        s->min_free_mb = cfg_getint(cfg, schema[KEY_MIN_FREE_MB].name);
        s->build_timeout = cfg_getint(cfg, schema[KEY_BUILD_TIMEOUT].name);
        s->capture_dhcp_timeout = cfg_getint(cfg, schema[KEY_CAPTURE_DHCP_TIMEOUT].name);
        s->capture_dhcp_fallback = strcmp(cfg_getstr(cfg, schema[KEY_CAPTURE_DHCP_FALLBACK].name), "static") == 0;
        for (unsigned i = 0; i < cfg_size(cfg, schema[KEY_PANIC_TRIGGERS].name); i++) {
                PanicTrigger t = panic_trigger_from_string(cfg_getnstr(cfg, schema[KEY_PANIC_TRIGGERS].name, i));
                if (t >= 0) /* checked as it was read */
                        s->panic_triggers |= PANIC_TRIGGER_BIT(t);
        }
        s->hung_task_timeout = cfg_getint(cfg, schema[KEY_HUNG_TASK_TIMEOUT].name);
        *ret = TAKE_PTR(s);
        return 0;
}

int kdumpd_settings_parse_string(const char *name, const char *text, ConfigDiagnostics *diag, KdumpdSettings **ret) {
        _cleanup_free_ char *prepared = NULL;
        ParseState s = { .name = name, .diag = diag };
        cfg_t *cfg;
        int r;

        assert_return(name && text && ret, -EINVAL);
        assert_return(!parsing, -EBUSY);

        s.n_lines = count_lines(text);
        r = text_prepare(&s, text, &prepared);
        if (r < 0)
                return r;
        cfg = cfg_init(schema, CFGF_NONE);
        if (!cfg)
                return -ENOMEM;
        cfg_set_error_function(cfg, on_cfg_error);
        parsing = &s;
        /* A file whose quoting is broken would only give libconfuse's less
         * helpful view of the same mistake. */
        if (s.n_errors == 0 && cfg_parse_buf(cfg, prepared) != CFG_SUCCESS && s.n_errors == 0)
                diag_error(&s, 1, "cannot be parsed");
        parsing = NULL;

        if (s.oom)
                r = -ENOMEM;
        else if (s.n_errors > 0)
                r = -EINVAL;
        else
                r = settings_from_cfg(cfg, ret);
        cfg_free(cfg);
        /* A timeout nothing uses is no error, but likely a mistake. */
        if (r >= 0 && s.seen[KEY_HUNG_TASK_TIMEOUT] && (*ret)->hung_task_timeout > 0 &&
            !((*ret)->panic_triggers & PANIC_TRIGGER_BIT(PANIC_TRIGGER_HUNG_TASK)) && diag &&
            config_diagnostics_add(diag, name, s.seen[KEY_HUNG_TASK_TIMEOUT], false,
                                   "\"hung_task_timeout\" is set, but \"hung-task\" is not in \"panic_triggers\": "
                                   "kdumpd leaves the kernel's hung task timeout alone") < 0) {
                *ret = kdumpd_settings_free(*ret);
                return -ENOMEM;
        }
        return r;
}

static int parse_string(const char *name, const char *text, ConfigDiagnostics *diag, void *ret) {
        return kdumpd_settings_parse_string(name, text, diag, ret);
}

int kdumpd_settings_parse_file(const char *path, ConfigDiagnostics *diag, KdumpdSettings **ret) {
        return config_parse_file(path, diag, parse_string, ret);
}

int kdumpd_settings_load(const char *path, ConfigDiagnostics *diag, KdumpdSettings **ret) {
        int r;

        assert_return(path && ret, -EINVAL);
        r = kdumpd_settings_parse_file(path, diag, ret);
        if (r != -ENOENT)
                return r < 0 ? r : KDUMPD_SETTINGS_FROM_FILE;
        r = kdumpd_settings_parse_string(path, "", diag, ret);
        return r < 0 ? r : KDUMPD_SETTINGS_DEFAULTS;
}

char * const *kdumpd_settings_capture_cmdline_append(const KdumpdSettings *s) {
        return s->capture_cmdline_append;
}

char * const *kdumpd_settings_capture_cmdline_remove(const KdumpdSettings *s) {
        return s->capture_cmdline_remove;
}

const char *kdumpd_settings_kernel(const KdumpdSettings *s) {
        return s->kernel;
}

unsigned kdumpd_settings_capture_cpus(const KdumpdSettings *s) {
        return s->capture_cpus;
}

unsigned kdumpd_settings_makedumpfile_threads(const KdumpdSettings *s) {
        return s->makedumpfile_threads;
}

unsigned kdumpd_settings_dump_stall_timeout(const KdumpdSettings *s) {
        return s->dump_stall_timeout;
}

unsigned kdumpd_settings_keep_dumps(const KdumpdSettings *s) {
        return s->keep_dumps;
}

uint64_t kdumpd_settings_min_free_mb(const KdumpdSettings *s) {
        return s->min_free_mb;
}

unsigned kdumpd_settings_build_timeout(const KdumpdSettings *s) {
        return s->build_timeout;
}

unsigned kdumpd_settings_capture_dhcp_timeout(const KdumpdSettings *s) {
        return s->capture_dhcp_timeout;
}

bool kdumpd_settings_capture_dhcp_fallback(const KdumpdSettings *s) {
        return s->capture_dhcp_fallback;
}

PanicTriggerSet kdumpd_settings_panic_triggers(const KdumpdSettings *s) {
        return s->panic_triggers;
}

unsigned kdumpd_settings_hung_task_timeout(const KdumpdSettings *s) {
        return s->hung_task_timeout;
}

/* A double-quoted libconfuse string: backslash escapes, and "$" escaped so
 * that "${" can never appear. */
static void string_write(const char *v, FILE *out) {
        fputc('"', out);
        for (; *v; v++) {
                if (*v == '"' || *v == '\\' || *v == '$')
                        fprintf(out, "\\%c", *v);
                else if ((unsigned char) *v < 0x20 || *v == 0x7f)
                        fprintf(out, "\\x%02x", (unsigned) (unsigned char) *v);
                else
                        fputc(*v, out);
        }
        fputc('"', out);
}

static void list_write(const char *key, char * const *l, FILE *out) {
        fprintf(out, "%s = {", key);
        for (char * const *i = l; *i; i++) {
                fputs(i == l ? " " : ", ", out);
                string_write(*i, out);
        }
        fputs(*l ? " }\n" : "}\n", out);
}

int kdumpd_settings_format(const KdumpdSettings *s, FILE *out) {
        assert_return(s && out, -EINVAL);

        list_write(schema[KEY_CAPTURE_CMDLINE_APPEND].name, s->capture_cmdline_append, out);
        list_write(schema[KEY_CAPTURE_CMDLINE_REMOVE].name, s->capture_cmdline_remove, out);
        if (s->kernel) {
                fprintf(out, "%s = ", schema[KEY_KERNEL].name);
                string_write(s->kernel, out);
                fputc('\n', out);
        } else
                fprintf(out, "# %s: not set, the running kernel\n", schema[KEY_KERNEL].name);
        fprintf(out, "%s = %u\n", schema[KEY_CAPTURE_CPUS].name, s->capture_cpus);
        fprintf(out, "%s = %u\n", schema[KEY_MAKEDUMPFILE_THREADS].name, s->makedumpfile_threads);
        fprintf(out, "%s = %u\n", schema[KEY_DUMP_STALL_TIMEOUT].name, s->dump_stall_timeout);
        fprintf(out, "%s = %u\n", schema[KEY_KEEP_DUMPS].name, s->keep_dumps);
        fprintf(out, "%s = %" PRIu64 "\n", schema[KEY_MIN_FREE_MB].name, s->min_free_mb);
        fprintf(out, "%s = %u\n", schema[KEY_BUILD_TIMEOUT].name, s->build_timeout);
        fprintf(out, "%s = %u\n", schema[KEY_CAPTURE_DHCP_TIMEOUT].name, s->capture_dhcp_timeout);
        fprintf(out, "%s = \"%s\"\n", schema[KEY_CAPTURE_DHCP_FALLBACK].name, s->capture_dhcp_fallback ? "static" : "none");
        fprintf(out, "%s = {", schema[KEY_PANIC_TRIGGERS].name);
        bool first = true;
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++)
                if (s->panic_triggers & PANIC_TRIGGER_BIT(t)) {
                        fprintf(out, "%s\"%s\"", first ? " " : ", ", panic_trigger_to_string(t));
                        first = false;
                }
        fputs(s->panic_triggers ? " }\n" : "}\n", out);
        fprintf(out, "%s = %u\n", schema[KEY_HUNG_TASK_TIMEOUT].name, s->hung_task_timeout);
        return ferror(out) ? -EIO : 0;
}

int kdumpd_settings_format_capture(const KdumpdSettings *s, FILE *out) {
        assert_return(s && out, -EINVAL);

        fprintf(out, "%s = %u\n", schema[KEY_DUMP_STALL_TIMEOUT].name, s->dump_stall_timeout);
        return ferror(out) ? -EIO : 0;
}
