/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kdump.conf: our own line reader (the file is `directive value…`, which
 * libconfuse cannot read verbatim), one table that says what each directive
 * takes and where it goes, and a libconfuse cfg_t, made from the same
 * table, that holds the validated values. */
#include "kdump-config.h"

#include <assert.h>
#include <confuse.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

typedef struct ParseState ParseState;
typedef struct Directive Directive;

/* Checks the value of a line and stores it, or says why not. */
typedef void (*DirectiveHandler)(ParseState *s, const Directive *d, const char *value);

/* One row per directive. The line reader looks lines up here and hands
 * each value to the row's handler; every row that keeps a value gets a
 * libconfuse string option of its name, with its default (config_new()),
 * and the normalised output writes them in the order of the rows. */
struct Directive {
        const char *name;
        DirectiveHandler handle;     /* NULL: no line of the file sets it (the target lines fill it) */
        bool keeps_value;            /* a libconfuse option of this name holds the value */
        const char *value_default;   /* the value when no line sets it */
        bool repeats;                /* may be given on many lines */
        const char *const *choices;  /* handle_enum() */
        long max;                    /* handle_uint() */
        const char *note;            /* handle_modprobe_word(): what replaces it */
};

static const char *const action_names[_KDUMP_ACTION_MAX] = {
        [KDUMP_ACTION_REBOOT] = "reboot",
        [KDUMP_ACTION_HALT] = "halt",
        [KDUMP_ACTION_POWEROFF] = "poweroff",
        [KDUMP_ACTION_SHELL] = "shell",
        [KDUMP_ACTION_DUMP_TO_ROOTFS] = "dump_to_rootfs",
        [KDUMP_ACTION_MOUNT_ROOT_RUN_INIT] = "mount_root_run_init",
};

static const char *const default_choices[] = { "reboot", "halt", "poweroff", "shell", "mount_root_run_init", "dump_to_rootfs", NULL };
static const char *const failure_choices[] = { "reboot", "halt", "poweroff", "shell", "dump_to_rootfs", "mount_root_run_init", NULL };
static const char *const final_choices[] = { "reboot", "halt", "poweroff", NULL };

static void handle_target_fs(ParseState *s, const Directive *d, const char *value);
static void handle_target_tag(ParseState *s, const Directive *d, const char *value);
static void handle_target_raw(ParseState *s, const Directive *d, const char *value);
static void handle_target_nfs(ParseState *s, const Directive *d, const char *value);
static void handle_target_ssh(ParseState *s, const Directive *d, const char *value);
static void handle_target_net(ParseState *s, const Directive *d, const char *value);
static void handle_path(ParseState *s, const Directive *d, const char *value);
static void handle_args(ParseState *s, const Directive *d, const char *value);
static void handle_enum(ParseState *s, const Directive *d, const char *value);
static void handle_default(ParseState *s, const Directive *d, const char *value);
static void handle_uint(ParseState *s, const Directive *d, const char *value);
static void handle_bytes(ParseState *s, const Directive *d, const char *value);
static void handle_bool01(ParseState *s, const Directive *d, const char *value);
static void handle_yesno(ParseState *s, const Directive *d, const char *value);
static void handle_modprobe_word(ParseState *s, const Directive *d, const char *value);

/* Unknown words are matched against the names in this order. */
static const Directive directives[] = {
        /* The dump target: one line of the kinds below sets both. */
        { "target_kind", .keeps_value = true },
        { "target_location", .keeps_value = true },

        { "raw", handle_target_raw },
        { "nfs", handle_target_nfs },
        { "nfs4", handle_target_nfs },
        { "ssh", handle_target_ssh },
        { "net", handle_target_net },
        { "ext2", handle_target_fs },
        { "ext3", handle_target_fs },
        { "ext4", handle_target_fs },
        { "xfs", handle_target_fs },
        { "btrfs", handle_target_fs },
        { "vfat", handle_target_fs },
        { "minix", handle_target_fs },
        { "virtiofs", handle_target_tag },
        /* The size a raw target must have: mkdumprd bakes it in. */
        { "raw_size", handle_bytes, true },
        { "path", handle_path, true, KDUMP_DEFAULT_PATH },
        { "sshkey", handle_path, true, KDUMP_DEFAULT_SSHKEY },
        { "core_collector", handle_args, true, KDUMP_DEFAULT_CORE_COLLECTOR },
        { "kdump_pre", handle_path, true },
        { "kdump_post", handle_path, true },
        { "kdump_emergency", handle_path, true },
        { "extra_bins", handle_args, true },
        { "extra_modules", handle_args, true },
        { "dracut_args", handle_args, true },
        { "force_rebuild", handle_bool01, true, "0" },
        { "force_no_rebuild", handle_bool01, true, "0" },
        /* The RHEL 6 word for failure_action: kept under that name. */
        { "default", handle_default, .choices = default_choices },
        { "failure_action", handle_enum, true, "reboot", .choices = failure_choices },
        { "final_action", handle_enum, true, "reboot", .choices = final_choices },
        { "link_delay", handle_uint, true, .max = 3600 },
        { "disk_timeout", handle_uint, true, .max = 3600 },
        { "debug_mem_level", handle_uint, true, "0", .max = 3 },
        { "auto_reset_crashkernel", handle_yesno, true },
        { "fence_kdump_nodes", handle_args, true },
        { "fence_kdump_args", handle_args, true },
        { "options", handle_modprobe_word, .repeats = true,
          .note = "an \"options\" line in a file in /etc/modprobe.d/" },
        { "blacklist", handle_modprobe_word, .repeats = true,
          .note = "a \"blacklist\" line in a file in /etc/modprobe.d/" },
};

struct KdumpConfig {
        cfg_t *cfg;
        char *source;                          /* the file name used in messages */
        char **modprobe;                       /* "options m a=b", "blacklist m": the old words, kept */
        char **collector;                      /* core_collector, split once */
        unsigned line[ELEMENTSOF(directives)]; /* where each value was set; 0 = default */
};

static const Directive *directive_find(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(directives); i++)
                if (strcmp(directives[i].name, name) == 0)
                        return &directives[i];
        return NULL;
}

/* The row of a libconfuse option, or -1. */
static int value_index(const char *key) {
        const Directive *d = directive_find(key);
        return d && d->keeps_value ? (int) (d - directives) : -1;
}

const char *dump_target_type_to_string(DumpTargetType t) {
        static const char *const names[_DUMP_TARGET_MAX] = {
                [DUMP_TARGET_PATH] = "path", [DUMP_TARGET_FS] = "filesystem", [DUMP_TARGET_RAW] = "raw",
                [DUMP_TARGET_NFS] = "nfs",   [DUMP_TARGET_SSH] = "ssh",
        };
        return t >= 0 && t < _DUMP_TARGET_MAX ? names[t] : NULL;
}

const char *kdump_action_to_string(KdumpAction a) {
        return a >= 0 && a < _KDUMP_ACTION_MAX ? action_names[a] : NULL;
}

KdumpAction kdump_action_from_string(const char *s) {
        for (int i = 0; s && i < _KDUMP_ACTION_MAX; i++)
                if (strcmp(action_names[i], s) == 0)
                        return i;
        return _KDUMP_ACTION_INVALID;
}

void config_diagnostics_done(ConfigDiagnostics *d) {
        d->messages = strv_free(d->messages);
        d->n_errors = d->n_warnings = 0;
}

int config_diagnostics_add(ConfigDiagnostics *d, const char *file, unsigned line, bool error, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if (line > 0)
                r = strv_extendf(&d->messages, "%s:%u: %s: %s", file, line, error ? "error" : "warning", msg);
        else
                r = strv_extendf(&d->messages, "%s: %s: %s", file, error ? "error" : "warning", msg);
        if (r < 0)
                return r;
        if (error)
                d->n_errors++;
        else
                d->n_warnings++;
        return 0;
}

void config_diagnostics_print(const ConfigDiagnostics *d, FILE *f) {
        for (char **m = d->messages; m && *m; m++)
                fprintf(f, "%s\n", *m);
}

int config_parse_file(const char *path, ConfigDiagnostics *diag, ConfigParseString parse, void *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        assert_return(path && parse && ret, -EINVAL);
        r = read_text_file(path, &text);
        if (r < 0)
                return r;
        return parse(path, text, diag, ret);
}

struct ParseState {
        const char *name;
        unsigned line;
        ConfigDiagnostics *diag;
        unsigned seen[ELEMENTSOF(directives)]; /* line of the first occurrence, 0 = not seen */
        unsigned target_line;
        const char *target_name;
        cfg_t *cfg;
        KdumpConfig *config;
        int oom;
};

_printf_(3, 4) static void diag_add(ParseState *s, bool error, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;

        if (!s->diag)
                return;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (!msg || strv_extendf(&s->diag->messages, "%s:%u: %s: %s", s->name, s->line,
                                 error ? "error" : "warning", msg) < 0)
                s->oom = 1;
        if (error)
                s->diag->n_errors++;
        else
                s->diag->n_warnings++;
}
#define diag_error(s, ...) diag_add(s, true, __VA_ARGS__)
#define diag_warning(s, ...) diag_add(s, false, __VA_ARGS__)

static unsigned edit_distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        unsigned row[64];

        if (lb >= ELEMENTSOF(row) || la >= 64)
                return 99;
        for (size_t j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                unsigned prev = row[0];
                row[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cur = row[j];
                        unsigned sub = prev + (a[i - 1] != b[j - 1]);
                        unsigned best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
                        row[j] = sub < best ? sub : best;
                        prev = cur;
                }
        }
        return row[lb];
}

static const char *closest_directive(const char *word) {
        const char *best = NULL;
        unsigned best_d = 4; /* farther than 3 edits is no suggestion */

        for (size_t i = 0; i < ELEMENTSOF(directives); i++) {
                if (!directives[i].handle)
                        continue;
                unsigned d = edit_distance(word, directives[i].name);
                if (d < best_d) {
                        best_d = d;
                        best = directives[i].name;
                }
        }
        return best;
}

static bool is_choice(const char *const *choices, const char *v) {
        for (; *choices; choices++)
                if (strcmp(*choices, v) == 0)
                        return true;
        return false;
}

static bool has_prefix_and_more(const char *v, const char *prefix) {
        size_t n = strlen(prefix);
        return strncmp(v, prefix, n) == 0 && v[n];
}

static bool is_device_spec(const char *v) {
        static const char *const prefixes[] = { "/dev/", "UUID=", "LABEL=", "PARTUUID=", "PARTLABEL=" };
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                if (has_prefix_and_more(v, prefixes[i]))
                        return true;
        return false;
}

/* A raw target is a whole disk as often as not, which no superblock
 * names: its WWN or serial does (block-identity.h). */
static bool is_raw_spec(const char *v) {
        return is_device_spec(v) || has_prefix_and_more(v, "WWN=") || has_prefix_and_more(v, "SERIAL=");
}

/* host:/export, with an IPv6 host written as [addr]:/export */
static bool is_nfs_location(const char *v) {
        const char *colon;

        if (v[0] == '[') {
                const char *end = strchr(v, ']');
                if (!end || end == v + 1 || end[1] != ':')
                        return false;
                colon = end + 1;
        } else {
                colon = strchr(v, ':');
                if (!colon || colon == v)
                        return false;
        }
        return colon[1] == '/';
}

/* user@host, user@[v6addr], user@v6addr (as mkdumprd bakes an address).
 * Neither may start with '-': the capture's ssh
 * client (Dropbear's dbclient) takes any argument that does, even after
 * "--", as an option ("-y@host" would accept any host key). Only what
 * user names and host names are made of, so that nothing else reaches a
 * command line. */
static bool is_ssh_location(const char *v) {
        static const char user_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
        const char *at = strchr(v, '@'), *host;
        size_t n;

        if (!at || at == v || v[0] == '-' || strspn(v, user_chars) != (size_t) (at - v))
                return false;
        host = at + 1;
        n = strlen(host);
        if (host[0] == '[')
                return n > 2 && host[n - 1] == ']' && strspn(host + 1, "0123456789abcdefABCDEF:.") == n - 2;
        if (strchr(host, ':'))
                return strspn(host, "0123456789abcdefABCDEF:.") == n;
        return n > 0 && host[0] != '-' && host[0] != '.' && strspn(host, user_chars) == n;
}

static void set_value(ParseState *s, const char *key, const char *value) {
        int i = value_index(key);
        if (cfg_setstr(s->cfg, key, value) != 0)
                s->oom = 1;
        if (i >= 0)
                s->config->line[i] = s->line;
}

static void set_target(ParseState *s, const Directive *d, const char *kind, const char *location) {
        if (s->target_line) {
                diag_error(s, "a second dump target \"%s\"; \"%s\" on line %u is already the target (only one is allowed)",
                           d->name, s->target_name, s->target_line);
                return;
        }
        s->target_line = s->line;
        s->target_name = d->name;
        set_value(s, "target_kind", kind);
        set_value(s, "target_location", location);
}

static bool is_module_name(const char *w) {
        return *w && w[strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")] == 0;
}

/* "options <module> <option>…" and "blacklist <module>…" from RHEL 5/6:
 * still honoured, as modprobe.d lines in the capture image, because what
 * they do there (a driver's options, a driver kept out) still makes sense. */
static void handle_modprobe_word(ParseState *s, const Directive *d, const char *value) {
        _cleanup_strv_free_ char **w = NULL;
        bool options = strcmp(d->name, "options") == 0;
        int r = shell_split(value, &w);

        if (r == -ENOMEM) {
                s->oom = 1;
                return;
        }
        if (r < 0 || !w[0] || !is_module_name(w[0]) || (options && !w[1])) {
                diag_error(s, options ? "\"options\" needs a module name and its options, not \"%s\""
                                      : "\"blacklist\" needs module names, not \"%s\"",
                           value);
                return;
        }
        for (char **m = w; !options && *m; m++)
                if (!is_module_name(*m)) {
                        diag_error(s, "\"blacklist\": \"%s\" is not a module name", *m);
                        return;
                }
        diag_warning(s, "\"%s\" is obsolete (honoured for now); use %s", d->name, d->note);
        if (options)
                r = strv_extendf(&s->config->modprobe, "options %s", value);
        else
                for (char **m = w; r >= 0 && *m; m++)
                        r = strv_extendf(&s->config->modprobe, "blacklist %s", *m);
        if (r < 0)
                s->oom = 1;
}

static void handle_target_fs(ParseState *s, const Directive *d, const char *value) {
        if (!is_device_spec(value)) {
                diag_error(s, "\"%s\" needs a device: /dev/…, UUID=, LABEL=, PARTUUID= or PARTLABEL=, not \"%s\"",
                           d->name, value);
                return;
        }
        set_target(s, d, d->name, value);
}

/* virtiofs names the share by the tag the host gave it. */
static void handle_target_tag(ParseState *s, const Directive *d, const char *value) {
        set_target(s, d, d->name, value);
}

static void handle_target_raw(ParseState *s, const Directive *d, const char *value) {
        if (!is_raw_spec(value)) {
                diag_error(s, "\"raw\" needs a block device: /dev/…, PARTUUID=, PARTLABEL=, WWN=, SERIAL=, UUID= or "
                           "LABEL=, not \"%s\"",
                           value);
                return;
        }
        set_target(s, d, "raw", value);
}

static void handle_target_nfs(ParseState *s, const Directive *d, const char *value) {
        if (!is_nfs_location(value)) {
                diag_error(s, "\"%s\" needs host:/export (IPv6: [addr]:/export), not \"%s\"", d->name, value);
                return;
        }
        set_target(s, d, d->name, value);
}

static void handle_target_ssh(ParseState *s, const Directive *d, const char *value) {
        if (!is_ssh_location(value)) {
                diag_error(s, "\"ssh\" needs user@host, not \"%s\"", value);
                return;
        }
        set_target(s, d, "ssh", value);
}

static void handle_target_net(ParseState *s, const Directive *d, const char *value) {
        if (is_ssh_location(value))
                set_target(s, d, "ssh", value);
        else if (is_nfs_location(value))
                set_target(s, d, "nfs", value);
        else
                diag_error(s, "\"net\" needs host:/export (NFS) or user@host (SSH), not \"%s\"", value);
}

static void handle_path(ParseState *s, const Directive *d, const char *value) {
        if (value[0] != '/') {
                diag_error(s, "\"%s\" needs an absolute path, not \"%s\"", d->name, value);
                return;
        }
        set_value(s, d->name, value);
}

/* The rest of the line, split shell-style where it is used. */
static void handle_args(ParseState *s, const Directive *d, const char *value) {
        _cleanup_strv_free_ char **argv = NULL;
        int r = shell_split(value, &argv);

        if (r == -ENOMEM)
                s->oom = 1;
        if (r < 0) {
                diag_error(s, "\"%s\": unterminated quote in \"%s\"", d->name, value);
                return;
        }
        set_value(s, d->name, value);
}

static bool check_choice(ParseState *s, const Directive *d, const char *value) {
        _cleanup_free_ char *list = NULL;

        if (is_choice(d->choices, value))
                return true;
        list = strv_join((char **) d->choices, ", ");
        diag_error(s, "\"%s\" must be one of %s, not \"%s\"", d->name, strempty(list), value);
        return false;
}

static void handle_enum(ParseState *s, const Directive *d, const char *value) {
        if (check_choice(s, d, value))
                set_value(s, d->name, value);
}

static void handle_default(ParseState *s, const Directive *d, const char *value) {
        if (check_choice(s, d, value))
                set_value(s, "failure_action", value);
}

static void handle_uint(ParseState *s, const Directive *d, const char *value) {
        char *end;
        long v;

        errno = 0;
        v = strtol(value, &end, 10);
        if (!isdigit((unsigned char) value[0]) || *end || errno || v > d->max) {
                diag_error(s, "\"%s\" must be a whole number from 0 to %ld, not \"%s\"", d->name, d->max, value);
                return;
        }
        set_value(s, d->name, value);
}

/* A size in bytes, as a whole number: what the kernel says of a device. */
static void handle_bytes(ParseState *s, const Directive *d, const char *value) {
        char *end;
        unsigned long long v;

        errno = 0;
        v = strtoull(value, &end, 10);
        if (!isdigit((unsigned char) value[0]) || *end || errno || v == 0) {
                diag_error(s, "\"%s\" must be a size in bytes, a whole number above 0, not \"%s\"", d->name, value);
                return;
        }
        set_value(s, d->name, value);
}

static void handle_bool01(ParseState *s, const Directive *d, const char *value) {
        if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0) {
                diag_error(s, "\"%s\" must be 0 or 1, not \"%s\"", d->name, value);
                return;
        }
        set_value(s, d->name, value);
}

static void handle_yesno(ParseState *s, const Directive *d, const char *value) {
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0) {
                diag_error(s, "\"%s\" must be yes or no, not \"%s\"", d->name, value);
                return;
        }
        set_value(s, d->name, value);
}

/* Cuts a comment (# outside double quotes) and surrounding blanks; unquotes
 * a value that is one double-quoted string. Works in place. */
static char *line_strip(char *line, bool *ret_bad_quote) {
        bool quoted = false;

        *ret_bad_quote = false;
        for (char *p = line; *p; p++) {
                if (*p == '"')
                        quoted = !quoted;
                else if (*p == '#' && !quoted) {
                        *p = 0;
                        break;
                }
        }
        if (quoted)
                *ret_bad_quote = true;
        while (isspace((unsigned char) *line))
                line++;
        size_t n = strlen(line);
        while (n > 0 && isspace((unsigned char) line[n - 1]))
                line[--n] = 0;
        return line;
}

static void parse_line(ParseState *s, char *line) {
        bool bad_quote;
        char *p = line_strip(line, &bad_quote), *value;

        if (!*p)
                return;
        if (bad_quote) {
                diag_error(s, "unterminated double quote");
                return;
        }

        value = p + strcspn(p, " \t");
        if (*value) {
                *value++ = 0;
                value += strspn(value, " \t");
        }
        size_t vlen = strlen(value);
        if (vlen >= 2 && value[0] == '"' && value[vlen - 1] == '"' && !memchr(value + 1, '"', vlen - 2)) {
                value[vlen - 1] = 0;
                value++;
        }

        const Directive *d = directive_find(p);
        if (!d || !d->handle) {
                const char *hint = closest_directive(p);
                if (hint)
                        diag_error(s, "unknown directive \"%s\"; did you mean \"%s\"?", p, hint);
                else
                        diag_error(s, "unknown directive \"%s\"", p);
                return;
        }
        size_t i = d - directives;

        if (!*value) {
                diag_error(s, "\"%s\" needs a value", d->name);
                return;
        }
        if (s->seen[i] && !d->repeats) {
                diag_error(s, "duplicate \"%s\"; it was already set on line %u", d->name, s->seen[i]);
                return;
        }
        s->seen[i] = s->line;
        d->handle(s, d, value);
}

/* Where the first line of this directive was; 0: nowhere. */
static unsigned seen_line(const ParseState *s, const char *name) {
        const Directive *d = directive_find(name);
        assert(d);
        return s->seen[d - directives];
}

/* core_collector as the argv it runs as, split once for every user: the
 * line's handler refused a value that does not split, and a value that
 * is not empty has at least one word. */
static void collector_split(ParseState *s) {
        if (shell_split(cfg_getstr(s->cfg, "core_collector"), &s->config->collector) == -ENOMEM)
                s->oom = 1;
}

/* ssh and raw targets take the dump as a stream, which only makedumpfile's
 * flattened format (-F) can be: add it when the admin left it out, as the
 * tools before us did, so the normalised file says what will run. */
static void add_flattened_for_streams(ParseState *s) {
        const char *kind = cfg_getstr(s->cfg, "target_kind"), *collector = cfg_getstr(s->cfg, "core_collector");
        char **argv = s->config->collector;
        _cleanup_free_ char *with_f = NULL;

        if (!kind || (strcmp(kind, "ssh") != 0 && strcmp(kind, "raw") != 0))
                return;
        if (!argv || !argv[0] || strcmp(argv[0], "makedumpfile") != 0 || strv_contains(argv, "-F"))
                return;
        if (asprintf(&with_f, "%s -F", collector) < 0 || strv_extend(&s->config->collector, "-F") < 0) {
                s->oom = 1;
                return;
        }
        unsigned line = s->config->line[value_index("core_collector")];
        set_value(s, "core_collector", with_f);
        s->config->line[value_index("core_collector")] = line;
}

/* Rules that involve more than one line. */
static void check_combinations(ParseState *s) {
        unsigned l_default = seen_line(s, "default");
        unsigned l_failure = seen_line(s, "failure_action");
        unsigned l_force = seen_line(s, "force_rebuild");
        unsigned l_noforce = seen_line(s, "force_no_rebuild");

        if (l_default && l_failure) {
                s->line = l_default > l_failure ? l_default : l_failure;
                diag_error(s, "\"default\" (line %u) and \"failure_action\" (line %u) mean the same; keep only failure_action",
                           l_default, l_failure);
        }
        if (l_force && l_noforce && strcmp(cfg_getstr(s->cfg, "force_rebuild"), "1") == 0 &&
            strcmp(cfg_getstr(s->cfg, "force_no_rebuild"), "1") == 0) {
                s->line = l_force > l_noforce ? l_force : l_noforce;
                diag_error(s, "\"force_rebuild 1\" (line %u) and \"force_no_rebuild 1\" (line %u) contradict each other",
                           l_force, l_noforce);
        }
        unsigned l_raw_size = seen_line(s, "raw_size");
        if (l_raw_size && !streq_ptr(cfg_getstr(s->cfg, "target_kind"), "raw")) {
                s->line = l_raw_size;
                diag_error(s, "\"raw_size\" is the size of a raw dump target, and there is no \"raw\" line");
        }
        collector_split(s);
        add_flattened_for_streams(s);
}

KdumpConfig *kdump_config_free(KdumpConfig *c) {
        if (!c)
                return NULL;
        if (c->cfg)
                cfg_free(c->cfg);
        free(c->source);
        strv_free(c->modprobe);
        strv_free(c->collector);
        free(c);
        return NULL;
}

/* The libconfuse schema, from the table: cfg_init() copies it. */
static int config_new(KdumpConfig **ret) {
        _cleanup_kdump_config_free_ KdumpConfig *c = calloc(1, sizeof(*c));
        cfg_opt_t schema[ELEMENTSOF(directives) + 1];
        size_t n = 0;

        if (!c)
                return -ENOMEM;
        for (const Directive *d = directives; d < directives + ELEMENTSOF(directives); d++)
                if (d->keeps_value)
                        schema[n++] = (cfg_opt_t) CFG_STR(d->name, (char *) d->value_default, CFGF_NONE);
        schema[n] = (cfg_opt_t) CFG_END();
        c->cfg = cfg_init(schema, CFGF_NONE);
        if (!c->cfg)
                return -ENOMEM;
        *ret = TAKE_PTR(c);
        return 0;
}

int kdump_config_parse_string(const char *name, const char *text, ConfigDiagnostics *diag, KdumpConfig **ret) {
        _cleanup_kdump_config_free_ KdumpConfig *c = NULL;
        _cleanup_free_ char *copy = NULL;
        ConfigDiagnostics local = {};
        ParseState s = { .name = name, .diag = diag ? diag : &local };
        unsigned errors_before = s.diag->n_errors;
        int r;

        assert_return(name && text && ret, -EINVAL);

        r = config_new(&c);
        if (r >= 0) {
                s.cfg = c->cfg;
                s.config = c;
                c->source = strdup(name);
                copy = strdup(text);
                if (!copy || !c->source)
                        r = -ENOMEM;
        }
        if (r >= 0) {
                for (char *line = copy, *next; line; line = next) {
                        next = strchr(line, '\n');
                        if (next)
                                *next++ = 0;
                        s.line++;
                        parse_line(&s, line);
                }
                check_combinations(&s);
                r = s.oom ? -ENOMEM : s.diag->n_errors != errors_before ? -EINVAL : 0;
        }
        config_diagnostics_done(&local);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(c);
        return 0;
}

static int parse_string(const char *name, const char *text, ConfigDiagnostics *diag, void *ret) {
        return kdump_config_parse_string(name, text, diag, ret);
}

int kdump_config_parse_file(const char *path, ConfigDiagnostics *diag, KdumpConfig **ret) {
        return config_parse_file(path, diag, parse_string, ret);
}

static const char *get(const KdumpConfig *c, const char *key) {
        return cfg_getstr(c->cfg, key);
}

char * const *kdump_config_modprobe_lines(const KdumpConfig *c) {
        return c->modprobe;
}

const char *kdump_config_source(const KdumpConfig *c) {
        return c->source;
}

unsigned kdump_config_line(const KdumpConfig *c, const char *directive) {
        int i = value_index(strcmp(directive, "default") == 0 ? "failure_action" : directive);
        return i >= 0 ? c->line[i] : 0;
}

const char *kdump_config_string(const KdumpConfig *c, const char *directive) {
        return value_index(directive) >= 0 ? get(c, directive) : NULL;
}

DumpTargetType kdump_config_target_type(const KdumpConfig *c) {
        const char *k = get(c, "target_kind");
        if (!k)
                return DUMP_TARGET_PATH;
        if (strcmp(k, "raw") == 0)
                return DUMP_TARGET_RAW;
        if (strcmp(k, "nfs") == 0 || strcmp(k, "nfs4") == 0)
                return DUMP_TARGET_NFS;
        if (strcmp(k, "ssh") == 0)
                return DUMP_TARGET_SSH;
        return DUMP_TARGET_FS;
}

const char *kdump_config_target_kind(const KdumpConfig *c) {
        return get(c, "target_kind");
}
const char *kdump_config_target_location(const KdumpConfig *c) {
        return get(c, "target_location");
}
const char *kdump_config_path(const KdumpConfig *c) {
        return get(c, "path");
}
const char *kdump_config_core_collector(const KdumpConfig *c) {
        return get(c, "core_collector");
}
char * const *kdump_config_core_collector_argv(const KdumpConfig *c) {
        return c->collector;
}
const char *kdump_config_sshkey(const KdumpConfig *c) {
        const char *k = get(c, "sshkey");
        return k ? k : KDUMP_DEFAULT_SSHKEY;
}
KdumpAction kdump_config_failure_action(const KdumpConfig *c) {
        return kdump_action_from_string(get(c, "failure_action"));
}
KdumpAction kdump_config_default_action(const KdumpConfig *c) {
        return kdump_config_failure_action(c);
}
KdumpAction kdump_config_final_action(const KdumpConfig *c) {
        return kdump_action_from_string(get(c, "final_action"));
}
bool kdump_config_force_rebuild(const KdumpConfig *c) {
        return streq_ptr(get(c, "force_rebuild"), "1");
}
bool kdump_config_force_no_rebuild(const KdumpConfig *c) {
        return streq_ptr(get(c, "force_no_rebuild"), "1");
}
uint64_t kdump_config_raw_size(const KdumpConfig *c) {
        const char *v = get(c, "raw_size");
        return v ? strtoull(v, NULL, 10) : 0;
}
long kdump_config_disk_timeout(const KdumpConfig *c) {
        const char *v = get(c, "disk_timeout");
        return v ? strtol(v, NULL, 10) : -1;
}

static bool needs_quotes(const char *v) {
        return v[strcspn(v, "#")] != 0 || isspace((unsigned char) v[0]) ||
               (*v && isspace((unsigned char) v[strlen(v) - 1]));
}

/* Whether line_strip() and parse_line() give v back when it is written bare
 * after the directive: no # outside double quotes, balanced quotes, no blank
 * that the reader skips or strips at either end, and not one "…" string,
 * which the reader would unquote. */
static bool reads_back_bare(const char *v) {
        size_t n = strlen(v);
        bool quoted = false;

        if (n == 0 || v[0] == ' ' || v[0] == '\t' || isspace((unsigned char) v[n - 1]))
                return false;
        for (const char *p = v; *p; p++) {
                if (*p == '"')
                        quoted = !quoted;
                else if (*p == '#' && !quoted)
                        return false;
        }
        if (quoted)
                return false;
        return !(n >= 2 && v[0] == '"' && v[n - 1] == '"' && !memchr(v + 1, '"', n - 2));
}

/* One "directive value" line. A value without double quotes is quoted when
 * it has a # or a blank at an end; one with quotes (core_collector and
 * dracut_args take shell words, as in --add "a#b") is written bare, which
 * keeps it as long as reads_back_bare() says so. Anything else cannot be
 * written back in this syntax without changing its meaning. */
static int line_write(FILE *out, const char *name, const char *v) {
        if (!strchr(v, '"') && needs_quotes(v))
                fprintf(out, "%s \"%s\"\n", name, v);
        else if (reads_back_bare(v))
                fprintf(out, "%s %s\n", name, v);
        else
                return -EINVAL;
        return 0;
}

int kdump_config_format(const KdumpConfig *c, FILE *out) {
        const char *kind = get(c, "target_kind");
        int r;

        /* The location is a value like any other: written quoted, it can hold
         * a # or end in a blank ("UUID=a b ", "user@host#1"). */
        if (kind) {
                r = line_write(out, kind, get(c, "target_location"));
                if (r < 0)
                        return r;
        }
        for (const Directive *d = directives; d < directives + ELEMENTSOF(directives); d++) {
                const char *v = d->keeps_value && d->handle ? get(c, d->name) : NULL;
                if (!v)
                        continue;
                if (strcmp(d->name, "sshkey") == 0 && (!kind || strcmp(kind, "ssh") != 0))
                        continue;
                r = line_write(out, d->name, v);
                if (r < 0)
                        return r;
        }
        if (kind && strcmp(kind, "ssh") == 0 && !get(c, "sshkey"))
                fprintf(out, "sshkey %s\n", KDUMP_DEFAULT_SSHKEY);
        /* "options <value>" keeps the value as written: it is quoted like
         * any other when a blank at its end (after a backslash, say) would
         * be stripped on reading. */
        for (char **m = c->modprobe; m && *m; m++) {
                size_t n = strcspn(*m, " ");
                _cleanup_free_ char *name = strndup(*m, n);
                if (!name)
                        return -ENOMEM;
                r = line_write(out, name, (*m)[n] ? *m + n + 1 : "");
                if (r < 0)
                        return r;
        }
        return ferror(out) ? -EIO : 0;
}

int kdump_config_format_string(const KdumpConfig *c, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int r;

        if (!f)
                return -ENOMEM;
        r = kdump_config_format(c, f);
        fclose(f);
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        return 0;
}

int kdump_config_with_raw_target(const KdumpConfig *c, const char *device, uint64_t size, KdumpConfig **ret) {
        _cleanup_kdump_config_free_ KdumpConfig *n = NULL;
        char bytes[24];
        int r;

        assert_return(c && device && size > 0 && ret, -EINVAL);
        r = kdump_config_with_target(c, "raw", device, get(c, "path"), &n);
        if (r < 0)
                return r;
        snprintf(bytes, sizeof(bytes), "%" PRIu64, size);
        if (cfg_setstr(n->cfg, "raw_size", bytes) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(n);
        return 0;
}

int kdump_config_with_target(const KdumpConfig *c, const char *fstype, const char *device, const char *path,
                             KdumpConfig **ret) {
        _cleanup_kdump_config_free_ KdumpConfig *n = NULL;
        int r;

        assert_return(c && fstype && device && path && ret, -EINVAL);
        r = config_new(&n);
        if (r < 0)
                return r;
        for (const Directive *d = directives; d < directives + ELEMENTSOF(directives); d++) {
                const char *v = d->keeps_value ? get(c, d->name) : NULL;
                if (v && cfg_setstr(n->cfg, d->name, v) != 0)
                        return -ENOMEM;
        }
        memcpy(n->line, c->line, sizeof(n->line));
        if (strv_extend_strv(&n->modprobe, c->modprobe) < 0 || strv_extend_strv(&n->collector, c->collector) < 0)
                return -ENOMEM;
        n->source = c->source ? strdup(c->source) : NULL;
        if (c->source && !n->source)
                return -ENOMEM;
        if (cfg_setstr(n->cfg, "target_kind", fstype) != 0 || cfg_setstr(n->cfg, "target_location", device) != 0 ||
            cfg_setstr(n->cfg, "path", path) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(n);
        return 0;
}
