/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "module-index.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct ModuleIndex {
        char *moddir;
        ModuleEntry *modules;
        size_t n_modules;
        AliasEntry *aliases;
        size_t n_aliases;
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

static ModuleEntry *find(const ModuleIndex *idx, const char *name) {
        for (size_t i = 0; i < idx->n_modules; i++)
                if (strcmp(idx->modules[i].name, name) == 0)
                        return &idx->modules[i];
        return NULL;
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
        for (size_t i = 0; i < idx->n_aliases; i++) {
                free(idx->aliases[i].pattern);
                free(idx->aliases[i].name);
        }
        free(idx->aliases);
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
                _cleanup_strv_free_ char **deps = NULL;
                if (shell_split(colon + 1, &deps) < 0)
                        return -ENOMEM;
                for (char **d = deps; *d; d++) {
                        _cleanup_free_ char *n = name_from_path(*d);
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
                AliasEntry *t = realloc(idx->aliases, sizeof(AliasEntry) * (idx->n_aliases + 1));
                if (!t)
                        return -ENOMEM;
                idx->aliases = t;
                module_name_normalize(name);
                idx->aliases[idx->n_aliases] = (AliasEntry) { .pattern = strdup(pattern), .name = strdup(name) };
                if (!idx->aliases[idx->n_aliases].pattern || !idx->aliases[idx->n_aliases].name)
                        return -ENOMEM;
                idx->n_aliases++;
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

/* "softdep <module> pre: a b post: c" (modules.softdep and modprobe.d),
 * "options <module> …", "blacklist <module>". */
static int apply_directive(ModuleIndex *idx, char *line) {
        _cleanup_strv_free_ char **w = NULL;
        ModuleEntry *m;

        /* modprobe.d(5): a comment is a line that starts with '#' */
        line += strspn(line, " \t");
        if (*line == '#')
                return 0;
        size_t n = strlen(line);
        while (n > 0 && strchr(" \t\r", line[n - 1]))
                line[--n] = 0;
        if (shell_split(line, &w) < 0)
                return -ENOMEM;
        if (!w[0] || !w[1])
                return 0;
        module_name_normalize(w[1]);
        m = find(idx, w[1]);
        if (!m)
                return 0; /* not in this image: nothing to configure */

        if (strcmp(w[0], "blacklist") == 0)
                m->blacklisted = true;
        else if (strcmp(w[0], "options") == 0 && w[2]) {
                /* options of one module add up, as in modprobe */
                const char *rest = line;
                for (int k = 0; k < 2; k++) {
                        rest += strcspn(rest, " \t");
                        rest += strspn(rest, " \t");
                }
                char *o;
                if (asprintf(&o, "%s%s%s", strempty(m->options), m->options ? " " : "", rest) < 0)
                        return -ENOMEM;
                free(m->options);
                m->options = o;
        } else if (strcmp(w[0], "softdep") == 0) {
                char ***list = NULL;
                for (char **x = w + 2; *x; x++) {
                        if (strcmp(*x, "pre:") == 0)
                                list = &m->pre;
                        else if (strcmp(*x, "post:") == 0)
                                list = &m->post;
                        else if (list && strv_extend(list, *x) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

static int read_directives(ModuleIndex *idx, FILE *f) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        for (char *l; (l = next_line(f, &buf, &size));) {
                int r = apply_directive(idx, l);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_modprobe_d(ModuleIndex *idx, const char *confdir) {
        struct dirent **e = NULL;
        int n, r = 0;

        if (!confdir)
                return 0;
        n = scandir(confdir, &e, NULL, alphasort);
        if (n < 0)
                return errno == ENOENT ? 0 : negative_errno();
        for (int i = 0; i < n; i++) {
                size_t len = strlen(e[i]->d_name);
                if (r >= 0 && len > 5 && strcmp(e[i]->d_name + len - 5, ".conf") == 0) {
                        _cleanup_fclose_ FILE *f = open_in(confdir, e[i]->d_name);
                        if (f)
                                r = read_directives(idx, f);
                }
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
        if ((r = read_dep(idx)) < 0 || (r = read_alias(idx)) < 0 || (r = read_builtin(idx)) < 0)
                return r;
        _cleanup_fclose_ FILE *soft = open_in(moddir, "modules.softdep");
        if (soft && (r = read_directives(idx, soft)) < 0)
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

int module_index_resolve(const ModuleIndex *idx, const char *name_or_alias, bool apply_blacklist, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *n = strdup(name_or_alias);

        if (!n)
                return -ENOMEM;
        module_name_normalize(n);
        if (find(idx, n) || module_index_is_builtin(idx, n)) {
                if (strv_extend(&l, n) < 0)
                        return -ENOMEM;
        } else
                for (size_t i = 0; i < idx->n_aliases; i++) {
                        const AliasEntry *a = &idx->aliases[i];
                        if (fnmatch(a->pattern, name_or_alias, 0) != 0 || strv_contains(l, a->name))
                                continue;
                        const ModuleEntry *m = find(idx, a->name);
                        if (apply_blacklist && m && m->blacklisted)
                                continue;
                        if (strv_extend(&l, a->name) < 0)
                                return -ENOMEM;
                }
        *ret = TAKE_PTR(l);
        return 0;
}

static int add_in_order(const ModuleIndex *idx, const char *name, char ***paths, unsigned depth) {
        const ModuleEntry *m = find(idx, name);
        int r;

        if (depth > 32)
                return -ELOOP;
        if (!m)
                return module_index_is_builtin(idx, name) ? 0 : -ENOENT;

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

        _cleanup_free_ char *full = NULL;
        if (asprintf(&full, "%s/%s", idx->moddir, m->path) < 0)
                return -ENOMEM;
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
