/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-index.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "fileio.h"
#include "macro.h"
#include "strv.h"

typedef struct ModuleEntry {
        char *name;   /* normalised */
        char *path;   /* relative to moddir */
        char **deps;  /* names, as modules.dep lists them: nearest first */
        char **pre, **post;
        char *options;
        bool blacklisted;
} ModuleEntry;

typedef struct AliasEntry {
        char *pattern;
        char *name;
} AliasEntry;

typedef struct AliasList {
        AliasEntry *entries;
        size_t n;
} AliasList;

struct ModuleIndex {
        char *moddir;
        ModuleEntry *modules;
        size_t n_modules;
        AliasList aliases;      /* modules.alias: the modules' own */
        AliasList conf_aliases; /* modprobe.d "alias" lines: looked up first */
        AliasList builtin_aliases; /* modules.builtin.modinfo: built-in drivers' aliases */
        char **builtin;
};

void module_name_normalize(char *name) {
        for (char *p = name; *p; p++)
                if (*p == '-')
                        *p = '_';
}

/* "kernel/fs/ext4/ext4.ko.xz" → "ext4" */
static char *name_from_path(const char *path) {
        const char *b = strrchr(path, '/');
        b = b ? b + 1 : path;
        char *n = strndup(b, strcspn(b, "."));
        if (n)
                module_name_normalize(n);
        return n;
}

/* Like module_name_normalize(), for the glob pattern of a modprobe.d
 * "alias": a dash inside a [...] range stays a dash, as kmod reads it. */
static void alias_pattern_normalize(char *p) {
        while (*p) {
                if (*p == '[') {
                        p += strcspn(p, "]");
                        if (*p)
                                p++;
                        continue;
                }
                if (*p == '-')
                        *p = '_';
                p++;
        }
}

static ModuleEntry *find(const ModuleIndex *idx, const char *name) {
        for (size_t i = 0; i < idx->n_modules; i++)
                if (strcmp(idx->modules[i].name, name) == 0)
                        return &idx->modules[i];
        return NULL;
}

static void alias_list_done(AliasList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->entries[i].pattern);
                free(l->entries[i].name);
        }
        free(l->entries);
        *l = (AliasList) {};
}

static int alias_list_add(AliasList *l, const char *pattern, const char *name) {
        AliasEntry *t = realloc(l->entries, sizeof(AliasEntry) * (l->n + 1));
        if (!t)
                return -ENOMEM;
        l->entries = t;
        AliasEntry e = { .pattern = strdup(pattern), .name = strdup(name) };
        if (!e.pattern || !e.name) {
                free(e.pattern);
                free(e.name);
                return -ENOMEM;
        }
        module_name_normalize(e.name);
        l->entries[l->n++] = e;
        return 0;
}

ModuleIndex *module_index_free(ModuleIndex *idx) {
        if (!idx)
                return NULL;
        for (size_t i = 0; i < idx->n_modules; i++) {
                ModuleEntry *m = &idx->modules[i];
                free(m->name);
                free(m->path);
                strv_free(m->deps);
                strv_free(m->pre);
                strv_free(m->post);
                free(m->options);
        }
        free(idx->modules);
        alias_list_done(&idx->aliases);
        alias_list_done(&idx->builtin_aliases);
        alias_list_done(&idx->conf_aliases);
        strv_free(idx->builtin);
        free(idx->moddir);
        free(idx);
        return NULL;
}

static FILE *open_in(const char *dir, const char *name) {
        _cleanup_free_ char *p = NULL;
        if (asprintf(&p, "%s/%s", dir, name) < 0)
                return NULL;
        return fopen(p, "re");
}

/* Reads lines, strips the newline; NULL at the end. */
static char *next_line(FILE *f, char **buf, size_t *size) {
        ssize_t n = getline(buf, size, f);
        if (n < 0)
                return NULL;
        if (n > 0 && (*buf)[n - 1] == '\n')
                (*buf)[n - 1] = 0;
        return *buf;
}

static int read_dep(ModuleIndex *idx) {
        _cleanup_fclose_ FILE *f = open_in(idx->moddir, "modules.dep");
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;

        if (!f)
                return negative_errno();
        for (char *l; (l = next_line(f, &buf, &size));) {
                char *colon = strchr(l, ':');
                if (!colon)
                        continue;
                *colon = 0;
                ModuleEntry *t = realloc(idx->modules, sizeof(ModuleEntry) * (idx->n_modules + 1));
                if (!t)
                        return -ENOMEM;
                idx->modules = t;
                ModuleEntry *m = &idx->modules[idx->n_modules++];
                *m = (ModuleEntry) { .name = name_from_path(l), .path = strdup(l) };
                if (!m->name || !m->path)
                        return -ENOMEM;
                char *save = NULL;
                for (char *d = strtok_r(colon + 1, " \t", &save); d; d = strtok_r(NULL, " \t", &save)) {
                        _cleanup_free_ char *n = name_from_path(d);
                        if (!n || strv_extend(&m->deps, n) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

static int read_alias(ModuleIndex *idx) {
        _cleanup_fclose_ FILE *f = open_in(idx->moddir, "modules.alias");
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;

        if (!f)
                return errno == ENOENT ? 0 : negative_errno();
        for (char *l; (l = next_line(f, &buf, &size));) {
                char pattern[512], name[128];
                if (sscanf(l, "alias %511s %127s", pattern, name) != 2)
                        continue;
                if (alias_list_add(&idx->aliases, pattern, name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int read_builtin(ModuleIndex *idx) {
        _cleanup_fclose_ FILE *f = open_in(idx->moddir, "modules.builtin");
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;

        if (!f)
                return errno == ENOENT ? 0 : negative_errno();
        for (char *l; (l = next_line(f, &buf, &size));) {
                _cleanup_free_ char *n = name_from_path(l);
                if (!n || strv_extend(&idx->builtin, n) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* The aliases of built-in drivers, from modules.builtin.modinfo: records
 * "name.key=value" separated by NUL bytes. Without them a device whose
 * driver is built in (Debian 13's virtio_blk) looks like one whose module
 * is missing. */
static int read_builtin_modinfo(ModuleIndex *idx) {
        _cleanup_free_ char *path = NULL, *data = NULL;
        size_t size = 0;
        int r;

        if (asprintf(&path, "%s/modules.builtin.modinfo", idx->moddir) < 0)
                return -ENOMEM;
        r = read_full_file(path, &data, &size);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        for (size_t i = 0; i < size;) {
                const char *rec = data + i;
                size_t n = strnlen(rec, size - i);
                const char *dot = memchr(rec, '.', n);
                i += n + 1;
                if (!dot)
                        continue;
                _cleanup_free_ char *name = strndup(rec, dot - rec);
                if (!name)
                        return -ENOMEM;
                module_name_normalize(name);
                /* Every module named here is built in (modules.builtin may
                 * be missing from an image). */
                if (!strv_contains(idx->builtin, name) && strv_extend(&idx->builtin, name) < 0)
                        return -ENOMEM;
                if ((size_t) (dot - rec) + 7 > n || strncmp(dot + 1, "alias=", 6) != 0)
                        continue;
                if (alias_list_add(&idx->builtin_aliases, dot + 7, name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int buf_reserve(char **buf, size_t *size, size_t need) {
        if (need <= *size)
                return 0;
        size_t s = *size * 2 > need ? *size * 2 : need + 256;
        char *t = realloc(*buf, s);
        if (!t)
                return -ENOMEM;
        *buf = t;
        *size = s;
        return 0;
}

/* One logical line of a modprobe.d file (or of modules.softdep), read as
 * kmod reads it: a '\' before the newline joins the next physical line; a
 * '\' before any other character is dropped and that character kept. No
 * quoting of any kind. *line_no counts physical lines; *ret_first is where
 * this logical line starts, for messages. Returns 0 at the end. */
static int read_logical_line(FILE *f, char **buf, size_t *size, unsigned *line_no, unsigned *ret_first) {
        size_t n = 0;
        bool any = false;

        *ret_first = *line_no + 1;
        for (;;) {
                int c = getc(f);
                if (c == EOF && !any)
                        return 0;
                any = true;
                if (c == '\\') {
                        c = getc(f);
                        if (c == '\n') {
                                (*line_no)++;
                                continue;
                        }
                }
                if (c == EOF || c == '\n') {
                        (*line_no)++;
                        break;
                }
                if (buf_reserve(buf, size, n + 2) < 0)
                        return -ENOMEM;
                (*buf)[n++] = (char) c;
        }
        if (buf_reserve(buf, size, n + 1) < 0)
                return -ENOMEM;
        (*buf)[n] = 0;
        return 1;
}

static int options_add(ModuleEntry *m, char *options) {
        char *o;

        /* kmod passes options on as written, with tabs made spaces */
        for (char *p = options; (p = strchr(p, '\t')); p++)
                *p = ' ';
        /* options of one module add up, as in modprobe */
        if (asprintf(&o, "%s%s%s", strempty(m->options), m->options ? " " : "", options) < 0)
                return -ENOMEM;
        free(m->options);
        m->options = o;
        return 0;
}

/* "pre: a b post: c": names before any "pre:" or "post:" count for nothing. */
static int softdep_add(ModuleEntry *m, char *deps) {
        char ***list = NULL, *save = NULL;

        for (char *x = strtok_r(deps, " \t", &save); x; x = strtok_r(NULL, " \t", &save))
                if (strcmp(x, "pre:") == 0)
                        list = &m->pre;
                else if (strcmp(x, "post:") == 0)
                        list = &m->post;
                else if (list && strv_extend(list, x) < 0)
                        return -ENOMEM;
        return 0;
}

/* One command of modprobe.d(5), split on blanks as kmod does: "alias
 * <pattern> <module>", "blacklist <module>", "options <module> <rest of the
 * line, verbatim>", "softdep <module> pre: … post: …", and "install",
 * "remove", "weakdep", which the capture has no use for. Anything else is
 * a bad line: logged with where it is and skipped, never fatal (a typo in
 * one of the admin's files must not cost the dump). Only -ENOMEM fails. */
static int apply_directive(ModuleIndex *idx, char *line, const char *file, unsigned line_no) {
        char *save = NULL, *cmd, *mod, *rest;
        ModuleEntry *m;

        /* modprobe.d(5): a comment is a line that starts with '#' */
        if (line[0] == '#')
                return 0;
        size_t n = strlen(line);
        while (n > 0 && strchr(" \t\r", line[n - 1]))
                line[--n] = 0;
        cmd = strtok_r(line, " \t", &save);
        if (!cmd)
                return 0;
        mod = strtok_r(NULL, " \t", &save);
        rest = save ? save + strspn(save, " \t") : NULL;
        if (rest && !*rest)
                rest = NULL;

        if (strcmp(cmd, "alias") == 0) {
                char *target = strtok_r(NULL, " \t", &save);
                if (!mod || !target) {
                        log_warning("%s:%u: 'alias' needs a pattern and a module name; line ignored.", file, line_no);
                        return 0;
                }
                alias_pattern_normalize(mod);
                return alias_list_add(&idx->conf_aliases, mod, target);
        }
        if (strcmp(cmd, "blacklist") == 0) {
                if (!mod) {
                        log_warning("%s:%u: 'blacklist' needs a module name; line ignored.", file, line_no);
                        return 0;
                }
                module_name_normalize(mod);
                if ((m = find(idx, mod)))
                        m->blacklisted = true;
                return 0;
        }
        if (strcmp(cmd, "options") == 0) {
                if (!mod || !rest) {
                        log_warning("%s:%u: 'options' needs a module name and options; line ignored.", file, line_no);
                        return 0;
                }
                module_name_normalize(mod);
                m = find(idx, mod);
                return m ? options_add(m, rest) : 0; /* not in this image: nothing to configure */
        }
        if (strcmp(cmd, "softdep") == 0) {
                if (!mod || !rest) {
                        log_warning("%s:%u: 'softdep' needs a module name and modules; line ignored.", file, line_no);
                        return 0;
                }
                module_name_normalize(mod);
                m = find(idx, mod);
                return m ? softdep_add(m, rest) : 0;
        }
        /* install: no shell to run it with; remove: the capture never
         * removes a module; weakdep: for whoever builds an image, done by now. */
        if (strcmp(cmd, "install") == 0 || strcmp(cmd, "remove") == 0 || strcmp(cmd, "weakdep") == 0) {
                if (!mod || !rest)
                        log_warning("%s:%u: '%s' needs a module name and %s; line ignored.", file, line_no, cmd,
                                    strcmp(cmd, "weakdep") == 0 ? "modules" : "a command");
                else if (strcmp(cmd, "install") == 0)
                        log_notice("%s:%u: the install command for '%s' is not run (the capture image has no "
                                   "shell); the module is loaded as usual.", file, line_no, mod);
                return 0;
        }
        if (strcmp(cmd, "include") == 0 || strcmp(cmd, "config") == 0) {
                log_warning("%s:%u: '%s' is not read by modprobe any more; line ignored.", file, line_no, cmd);
                return 0;
        }
        if (cmd[0] == '#')
                log_warning("%s:%u: a comment starts with '#' in the first column, not after blanks; line ignored.",
                            file, line_no);
        else
                log_warning("%s:%u: unknown command '%s'; line ignored.", file, line_no, cmd);
        return 0;
}

static int read_directives(ModuleIndex *idx, FILE *f, const char *file) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        unsigned line_no = 0, first;
        int r;

        while ((r = read_logical_line(f, &buf, &size, &line_no, &first)) > 0)
                if ((r = apply_directive(idx, buf, file, first)) < 0)
                        return r;
        return r;
}

static int read_directive_file(ModuleIndex *idx, const char *dir, const char *name) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;

        if (asprintf(&path, "%s/%s", dir, name) < 0)
                return -ENOMEM;
        f = fopen(path, "re");
        if (!f) {
                int e = errno;
                if (e == ENOMEM)
                        return -ENOMEM;
                if (e != ENOENT)
                        log_warning_errno(e, "Cannot read %s, ignored: %m", path);
                return 0;
        }
        return read_directives(idx, f, path);
}

/* modprobe.d(5): the *.conf files, in lexical order; not hidden ones. */
static int read_modprobe_d(ModuleIndex *idx, const char *confdir) {
        struct dirent **e = NULL;
        int n, r = 0;

        if (!confdir)
                return 0;
        n = scandir(confdir, &e, NULL, alphasort);
        if (n < 0) {
                int err = errno;
                if (err == ENOMEM)
                        return -ENOMEM;
                if (err != ENOENT)
                        log_warning_errno(err, "Cannot read %s, ignored: %m", confdir);
                return 0;
        }
        for (int i = 0; i < n; i++) {
                const char *name = e[i]->d_name;
                size_t len = strlen(name);
                if (r >= 0 && name[0] != '.' && len > 5 && strcmp(name + len - 5, ".conf") == 0 &&
                    e[i]->d_type != DT_DIR)
                        r = read_directive_file(idx, confdir, name);
                free(e[i]);
        }
        free(e);
        return r;
}

int module_index_load(const char *moddir, const char *confdir, ModuleIndex **ret) {
        _cleanup_(module_index_freep) ModuleIndex *idx = calloc(1, sizeof(*idx));
        int r;

        assert_return(moddir && ret, -EINVAL);
        if (!idx || !(idx->moddir = strdup(moddir)))
                return -ENOMEM;
        if ((r = read_dep(idx)) < 0 || (r = read_alias(idx)) < 0 || (r = read_builtin(idx)) < 0 ||
            (r = read_builtin_modinfo(idx)) < 0)
                return r;
        if ((r = read_directive_file(idx, moddir, "modules.softdep")) < 0)
                return r;
        if ((r = read_modprobe_d(idx, confdir)) < 0)
                return r;
        *ret = TAKE_PTR(idx);
        return 0;
}

bool module_index_is_builtin(const ModuleIndex *idx, const char *name) {
        return strv_contains(idx->builtin, name);
}

const char *module_index_options(const ModuleIndex *idx, const char *name) {
        const ModuleEntry *m = find(idx, name);
        return m ? m->options : NULL;
}

/* Adds the modules of every alias in l that name matches. */
static int aliases_resolve(const ModuleIndex *idx, const AliasList *l, const char *name, bool apply_blacklist,
                           char ***names) {
        for (size_t i = 0; i < l->n; i++) {
                const AliasEntry *a = &l->entries[i];
                if (fnmatch(a->pattern, name, 0) != 0 || strv_contains(*names, a->name))
                        continue;
                const ModuleEntry *m = find(idx, a->name);
                if (apply_blacklist && m && m->blacklisted)
                        continue;
                if (strv_extend(names, a->name) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int module_index_resolve(const ModuleIndex *idx, const char *name_or_alias, bool apply_blacklist, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *n = strdup(name_or_alias);
        bool matched = false;

        if (!n)
                return -ENOMEM;
        module_name_normalize(n);
        /* As in kmod: the admin's aliases first ("alias nouveau off" keeps
         * nouveau from loading by name), then a module's own name, then the
         * aliases the modules carry. */
        for (size_t i = 0; i < idx->conf_aliases.n && !matched; i++)
                matched = fnmatch(idx->conf_aliases.entries[i].pattern, n, 0) == 0;
        if (matched) {
                if (aliases_resolve(idx, &idx->conf_aliases, n, apply_blacklist, &l) < 0)
                        return -ENOMEM;
        } else if (find(idx, n) || module_index_is_builtin(idx, n)) {
                if (strv_extend(&l, n) < 0)
                        return -ENOMEM;
        } else if (aliases_resolve(idx, &idx->aliases, name_or_alias, apply_blacklist, &l) < 0)
                return -ENOMEM;
        /* No module for it: a built-in driver's alias resolves to that
         * driver, which needs no loading. */
        if (!l && !matched && aliases_resolve(idx, &idx->builtin_aliases, name_or_alias, false, &l) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

static int add_in_order(const ModuleIndex *idx, const char *name, char ***paths, unsigned depth) {
        const ModuleEntry *m = find(idx, name);
        _cleanup_free_ char *full = NULL;
        int r;

        if (depth > 32)
                return -ELOOP;
        if (!m)
                return module_index_is_builtin(idx, name) ? 0 : -ENOENT;
        if (asprintf(&full, "%s/%s", idx->moddir, m->path) < 0)
                return -ENOMEM;
        /* In the order already, after what it needs: walking it again
         * adds nothing, and softdeps that name a module many times along a
         * chain would be walked a number of times exponential in the
         * chain's length (a 1.5 KiB modprobe.d hung the capture). */
        if (strv_contains(*paths, full))
                return 0;

        /* softdep pre: may name aliases (crc32c); every match counts, and
         * one that is missing from the image is not an error. */
        for (char **p = m->pre; p && *p; p++) {
                _cleanup_strv_free_ char **names = NULL;
                if (module_index_resolve(idx, *p, false, &names) < 0)
                        return -ENOMEM;
                for (char **x = names; x && *x; x++)
                        if ((r = add_in_order(idx, *x, paths, depth + 1)) < 0 && r != -ENOENT)
                                return r;
        }
        /* modules.dep lists every dependency, nearest first: load the
         * farthest first. */
        for (size_t i = strv_length(m->deps); i > 0; i--)
                if ((r = add_in_order(idx, m->deps[i - 1], paths, depth + 1)) < 0)
                        return r;

        if (!strv_contains(*paths, full) && strv_extend(paths, full) < 0)
                return -ENOMEM;

        for (char **p = m->post; p && *p; p++) {
                _cleanup_strv_free_ char **names = NULL;
                if (module_index_resolve(idx, *p, false, &names) < 0)
                        return -ENOMEM;
                for (char **x = names; x && *x; x++)
                        if ((r = add_in_order(idx, *x, paths, depth + 1)) < 0 && r != -ENOENT)
                                return r;
        }
        return 0;
}

int module_index_load_order(const ModuleIndex *idx, const char *name, char ***ret_paths) {
        _cleanup_strv_free_ char **paths = NULL;
        _cleanup_free_ char *n = strdup(name);
        int r;

        if (!n)
                return -ENOMEM;
        module_name_normalize(n);
        r = add_in_order(idx, n, &paths, 0);
        if (r < 0)
                return r;
        *ret_paths = TAKE_PTR(paths);
        return 0;
}
