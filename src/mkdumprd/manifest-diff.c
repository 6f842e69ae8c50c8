/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "manifest-diff.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "macro.h"
#include "strv.h"

/* The blocks manifest_build() writes as "NAME-begin" … "NAME-end", and
 * the input each one records. */
static const char *block_input(const char *name) {
        static const struct {
                const char *block, *input;
        } blocks[] = {
                { "config", "kdump.conf" },
                { "capture-settings", "kdumpd.conf (what the capture reads of it)" },
                { "lvm", "LVM layout" },
                { "known-hosts", "ssh known hosts" },
        };
        for (size_t i = 0; i < ELEMENTSOF(blocks); i++)
                if (strcmp(name, blocks[i].block) == 0)
                        return blocks[i].input;
        return name;
}

/* The input one line of the manifest records. */
static char *line_input(const char *line, bool first) {
        static const char *const net_plan[] = { "interface", "mac", "address", "gateway", "server" };
        size_t w = strcspn(line, " ");

        if (first && strncmp(line, "kdumpd-manifest ", 16) == 0)
                return strdup("manifest format");
        if (strncmp(line, "kernel-release ", 15) == 0)
                return strdup("kernel release");
        if (strncmp(line, "target-device ", 14) == 0)
                return strdup("dump target device");
        if (strncmp(line, "trace-fs ", 9) == 0)
                return strdup("filesystem of the crash records");
        if (strncmp(line, "image-compression ", 18) == 0)
                return strdup("image compression (zstd needs CONFIG_RD_ZSTD in the kernel's config)");
        /* "file PATH sha256:…|missing|unreadable": PATH may hold spaces. */
        if (strncmp(line, "file ", 5) == 0) {
                const char *end = strrchr(line, ' ');
                return end > line + 5 ? strndup(line + 5, end - (line + 5)) : strdup(line + 5);
        }
        /* "program NAME missing" */
        if (strncmp(line, "program ", 8) == 0)
                return strndup(line + 8, strcspn(line + 8, " "));
        /* net_plan_format()'s lines: one route, one input. */
        for (size_t i = 0; i < ELEMENTSOF(net_plan); i++)
                if (w == strlen(net_plan[i]) && strncmp(line, net_plan[i], w) == 0)
                        return strdup("network route");
        return strndup(line, w);
}

static ssize_t index_of(char * const *keys, const char *key) {
        for (size_t i = 0; keys && keys[i]; i++)
                if (strcmp(keys[i], key) == 0)
                        return (ssize_t) i;
        return -1;
}

/* The manifest as (input, its lines) pairs in order; the lines of one
 * input (a block, the route) joined. */
static int manifest_entries(const char *text, char ***ret_keys, char ***ret_values) {
        _cleanup_strv_free_ char **lines = NULL, **keys = NULL, **values = NULL;
        int r = strv_split_lines(text ? text : "", &lines);

        if (r < 0)
                return r;
        for (size_t i = 0; lines[i]; i++) {
                _cleanup_free_ char *key = NULL, *block = NULL;
                size_t len = strlen(lines[i]);

                if (len > 6 && strcmp(lines[i] + len - 6, "-begin") == 0) {
                        _cleanup_free_ char *name = strndup(lines[i], len - 6), *end = NULL;
                        if (!name || asprintf(&end, "%s-end", name) < 0)
                                return -ENOMEM;
                        key = strdup(block_input(name));
                        block = strdup("");
                        for (i++; key && block && lines[i] && strcmp(lines[i], end) != 0; i++) {
                                char *b = NULL;
                                if (asprintf(&b, "%s%s\n", block, lines[i]) < 0)
                                        return -ENOMEM;
                                free(block);
                                block = b;
                        }
                        if (!lines[i])
                                i--; /* cut short: what there is counts */
                } else {
                        key = line_input(lines[i], i == 0);
                        block = strdup(lines[i]);
                }
                if (!key || !block)
                        return -ENOMEM;
                ssize_t k = index_of(keys, key);
                if (k >= 0) {
                        char *b = NULL;
                        if (asprintf(&b, "%s\n%s", values[k], block) < 0)
                                return -ENOMEM;
                        free(values[k]);
                        values[k] = b;
                } else if (strv_extend(&keys, key) < 0 || strv_extend(&values, block) < 0)
                        return -ENOMEM;
        }
        *ret_keys = TAKE_PTR(keys);
        *ret_values = TAKE_PTR(values);
        return 0;
}

int manifest_changed_inputs(const char *built, const char *current, char ***ret) {
        _cleanup_strv_free_ char **bk = NULL, **bv = NULL, **ck = NULL, **cv = NULL, **changed = NULL;
        int r;

        assert_return(ret, -EINVAL);
        r = manifest_entries(built, &bk, &bv);
        if (r >= 0)
                r = manifest_entries(current, &ck, &cv);
        if (r < 0)
                return r;
        for (size_t i = 0; ck && ck[i]; i++) {
                ssize_t k = index_of(bk, ck[i]);
                if ((k < 0 || strcmp(bv[k], cv[i]) != 0) && strv_extend(&changed, ck[i]) < 0)
                        return -ENOMEM;
        }
        for (size_t i = 0; bk && bk[i]; i++)
                if (index_of(ck, bk[i]) < 0 && strv_extend(&changed, bk[i]) < 0)
                        return -ENOMEM;
        if (!changed && !(changed = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(changed);
        return 0;
}
