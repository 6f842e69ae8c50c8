/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sysctl-config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

/* systemd-sysctl's directories, the first one's files winning by name. */
static const char *const sysctl_dirs[] = {
        "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d",
};

typedef struct Finding {
        const char *name;
        char *source;
        char *value;
} Finding;

static char *strip(char *s) {
        char *e;
        while (isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                *--e = 0;
        return s;
}

/* "kernel/panic_on_oops" and "-kernel.panic_on_oops" name kernel.panic_on_oops. */
static bool key_matches(char *key, const char *name) {
        if (*key == '-')
                key++;
        for (char *p = key; *p; p++)
                if (*p == '/')
                        *p = '.';
        return *key && fnmatch(key, name, 0) == 0;
}

static int finding_set(Finding *f, const char *source, const char *value) {
        char *s = strdup(source), *v = strdup(value);
        if (!s || !v) {
                free(s);
                free(v);
                return -ENOMEM;
        }
        free(f->source);
        free(f->value);
        f->source = s;
        f->value = v;
        return 0;
}

/* One sysctl.d file: every "key = value" line that names f->name. */
static int scan_file(Finding *f, const char *path, const char *shown) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        int r;

        if (read_full_file(path, &text, NULL) < 0 || strv_split_lines(text, &lines) < 0)
                return 0; /* unreadable: systemd-sysctl applies nothing of it either */
        for (char **l = lines; *l; l++) {
                char *line = strip(*l), *eq;
                if (!*line || *line == '#' || *line == ';')
                        continue;
                eq = strchr(line, '=');
                if (!eq)
                        continue;
                *eq = 0;
                if (!key_matches(strip(line), f->name))
                        continue;
                r = finding_set(f, shown, strip(eq + 1));
                if (r < 0)
                        return r;
        }
        return 0;
}

static int compare_names(const void *a, const void *b) {
        const char *x = strrchr(*(char * const *) a, '/'), *y = strrchr(*(char * const *) b, '/');
        return strcmp(x, y);
}

/* The *.conf files systemd-sysctl reads, by name; each the one of the
 * first directory that has a file of that name (without root). */
static int sysctl_files(const char *root, char ***ret) {
        _cleanup_strv_free_ char **files = calloc(1, sizeof(char *));
        _cleanup_strv_free_ char **names = calloc(1, sizeof(char *));

        if (!files || !names)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(sysctl_dirs); i++) {
                _cleanup_free_ char *dir = NULL;
                DIR *d;
                struct dirent *de;
                if (asprintf(&dir, "%s%s", root, sysctl_dirs[i]) < 0)
                        return -ENOMEM;
                d = opendir(dir);
                if (!d)
                        continue;
                while ((de = readdir(d))) {
                        size_t len = strlen(de->d_name);
                        if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".conf") != 0 ||
                            strv_contains(names, de->d_name))
                                continue;
                        if (strv_extend(&names, de->d_name) < 0 ||
                            strv_extendf(&files, "%s/%s", sysctl_dirs[i], de->d_name) < 0) {
                                closedir(d);
                                return -ENOMEM;
                        }
                }
                closedir(d);
        }
        qsort(files, strv_length(files), sizeof(char *), compare_names);
        *ret = TAKE_PTR(files);
        return 0;
}

/* "sysctl.kernel.panic_on_oops=1" on the kernel command line. */
static int scan_cmdline(Finding *f, const char *root) {
        _cleanup_free_ char *path = NULL, *line = NULL;
        _cleanup_strv_free_ char **words = NULL;
        int r;

        if (asprintf(&path, "%s/proc/cmdline", root) < 0)
                return -ENOMEM;
        if (read_one_line_file(path, &line) < 0 || shell_split(line, &words) < 0)
                return 0;
        for (char **w = words; *w; w++) {
                char *eq = strchr(*w, '=');
                if (strncmp(*w, "sysctl.", 7) != 0 || !eq)
                        continue;
                *eq = 0;
                if (!key_matches(*w + 7, f->name))
                        continue;
                r = finding_set(f, "the kernel command line", eq + 1);
                if (r < 0)
                        return r;
        }
        return 0;
}

int sysctl_config_find(const char *root, const char *name, char **ret_source, char **ret_value) {
        _cleanup_strv_free_ char **files = NULL;
        Finding f = { .name = name };
        int r;

        assert_return(root && name, -EINVAL);
        /* In the order they are applied: the kernel's command line at
         * boot, then systemd-sysctl's files, then /etc/sysctl.conf. */
        r = scan_cmdline(&f, root);
        if (r >= 0)
                r = sysctl_files(root, &files);
        for (char **p = files; r >= 0 && p && *p; p++) {
                _cleanup_free_ char *full = NULL;
                if (asprintf(&full, "%s%s", root, *p) < 0)
                        r = -ENOMEM;
                else
                        r = scan_file(&f, full, *p);
        }
        if (r >= 0) {
                _cleanup_free_ char *conf = NULL;
                if (asprintf(&conf, "%s/etc/sysctl.conf", root) < 0)
                        r = -ENOMEM;
                else
                        r = scan_file(&f, conf, "/etc/sysctl.conf");
        }
        if (r < 0 || !f.source) {
                free(f.source);
                free(f.value);
                return r < 0 ? r : 0;
        }
        if (ret_source)
                *ret_source = f.source;
        else
                free(f.source);
        if (ret_value)
                *ret_value = f.value;
        else
                free(f.value);
        return 1;
}
