/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "collector-probe.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "parse-util.h"
#include "strv.h"

/* The number that starts p, up to the next blank. */
static int word_u64(const char *p, uint64_t *ret) {
        char word[32];
        size_t n = strcspn(p, " \t");

        if (n == 0 || n >= sizeof(word))
                return -EBADMSG;
        memcpy(word, p, n);
        word[n] = '\0';
        return safe_atou64(word, ret);
}

/* "FREE            0               yes  Free pages" (name "FREE", the row's
 * first word) or "Total pages on system:  273323" (name the label): the
 * number after it. */
static int value_after(const char *line, const char *name, uint64_t *ret) {
        size_t n = strlen(name);

        if (strncmp(line, name, n) != 0 || (name[n - 1] != ':' && line[n] != ' ' && line[n] != '\t'))
                return -ENOENT;
        line += n;
        return word_u64(line + strspn(line, " \t"), ret);
}

int mem_usage_parse(const char *text, MemUsage *ret) {
        _cleanup_strv_free_ char **lines = NULL;
        MemUsage u = {};
        bool have_free = false;
        int r;

        r = strv_split_lines(text, &lines);
        if (r < 0)
                return r;
        for (char **l = lines; l && *l; l++) {
                const char *s = *l;
                if (strstr(s, "The kernel version is not supported"))
                        u.kernel_unsupported = true;
                else if (value_after(s, "ZERO", &u.zero) == 0 || value_after(s, "NON_PRI_CACHE", &u.non_pri_cache) == 0 ||
                         value_after(s, "PRI_CACHE", &u.pri_cache) == 0 || value_after(s, "USER", &u.user) == 0 ||
                         value_after(s, "KERN_DATA", &u.kern_data) == 0 ||
                         value_after(s, "Total pages on system:", &u.total) == 0 ||
                         value_after(s, "page size:", &u.page_size) == 0)
                        continue;
                else if (value_after(s, "FREE", &u.free) == 0)
                        have_free = true;
        }
        if (!have_free || u.total == 0)
                return -EBADMSG;
        if (u.page_size == 0)
                u.page_size = 4096;
        *ret = u;
        return 0;
}

void collector_probe_done(CollectorProbe *p) {
        if (!p)
                return;
        free(p->kernel);
        free(p->identity);
        free(p->version);
        *p = (CollectorProbe) {};
}

int collector_identity(const char *program, char **ret) {
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (strchr(program, '/')) {
                if (!(path = strdup(program)))
                        return -ENOMEM;
        } else {
                const char *search = getenv("PATH") ?: "/usr/sbin:/usr/bin:/sbin:/bin";
                _cleanup_strv_free_ char **dirs = NULL;
                _cleanup_free_ char *copy = strdup(search);
                if (!copy)
                        return -ENOMEM;
                for (char *save = NULL, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
                        _cleanup_free_ char *p = NULL;
                        if (asprintf(&p, "%s/%s", d, program) < 0)
                                return -ENOMEM;
                        if (is_executable_file(p)) {
                                path = TAKE_PTR(p);
                                break;
                        }
                }
                if (!path)
                        return -ENOENT;
        }
        /* /sbin/x and /usr/sbin/x are one program on a merged-/usr system. */
        _cleanup_free_ char *real = realpath(path, NULL);
        if (!real || stat(real, &st) < 0)
                return -errno;
        if (asprintf(ret, "%s %lld %lld", real, (long long) st.st_size, (long long) st.st_mtime) < 0)
                return -ENOMEM;
        return 0;
}

int makedumpfile_version_parse(const char *text, char **ret) {
        const char *v = text ? strstr(text, "version ") : NULL;
        size_t n;

        if (!v)
                return -EBADMSG;
        v += strlen("version ");
        n = strspn(v, "0123456789.");
        if (n == 0 || v[0] == '.')
                return -EBADMSG;
        *ret = strndup(v, n);
        return *ret ? 0 : -ENOMEM;
}

bool collector_probe_free_pages_missed(const CollectorProbe *p) {
        return p->usage.free == 0 && p->mem_free_bytes >= COLLECTOR_PROBE_MIN_FREE_BYTES;
}

int collector_probe_format(const CollectorProbe *p, char **ret) {
        const MemUsage *u = &p->usage;

        if (!p->kernel || !p->identity || strpbrk(p->kernel, "\n") || strpbrk(p->identity, "\n") ||
            (p->version && strpbrk(p->version, "\n")))
                return -EINVAL;
        return asprintf(ret,
                        "KERNEL=%s\nCOLLECTOR=%s\nVERSION=%s\nKERNEL_UNSUPPORTED=%s\n"
                        "ZERO=%" PRIu64 "\nNON_PRI_CACHE=%" PRIu64 "\nPRI_CACHE=%" PRIu64 "\nUSER=%" PRIu64
                        "\nFREE=%" PRIu64 "\nKERN_DATA=%" PRIu64 "\nTOTAL=%" PRIu64 "\nPAGE_SIZE=%" PRIu64
                        "\nMEM_FREE_BYTES=%" PRIu64 "\nTAKEN_AT=%" PRIu64 "\n",
                        p->kernel, p->identity, strempty(p->version), u->kernel_unsupported ? "yes" : "no",
                        u->zero, u->non_pri_cache, u->pri_cache, u->user, u->free, u->kern_data, u->total,
                        u->page_size, p->mem_free_bytes, p->taken_at) < 0 ? -ENOMEM : 0;
}

int collector_probe_parse(const char *text, CollectorProbe *ret) {
        _cleanup_strv_free_ char **lines = NULL;
        _cleanup_(collector_probe_done) CollectorProbe p = {};
        bool have_free = false;
        int r;

        r = strv_split_lines(text, &lines);
        if (r < 0)
                return r;
        for (char **l = lines; l && *l; l++) {
                char *eq = strchr(*l, '=');
                const char *k = *l, *v;
                if (!eq)
                        continue;
                *eq = '\0';
                v = eq + 1;
                static const struct { const char *key; size_t offset; } numbers[] = {
                        { "ZERO", offsetof(CollectorProbe, usage.zero) },
                        { "NON_PRI_CACHE", offsetof(CollectorProbe, usage.non_pri_cache) },
                        { "PRI_CACHE", offsetof(CollectorProbe, usage.pri_cache) },
                        { "USER", offsetof(CollectorProbe, usage.user) },
                        { "FREE", offsetof(CollectorProbe, usage.free) },
                        { "KERN_DATA", offsetof(CollectorProbe, usage.kern_data) },
                        { "TOTAL", offsetof(CollectorProbe, usage.total) },
                        { "PAGE_SIZE", offsetof(CollectorProbe, usage.page_size) },
                        { "MEM_FREE_BYTES", offsetof(CollectorProbe, mem_free_bytes) },
                        { "TAKEN_AT", offsetof(CollectorProbe, taken_at) },
                };
                bool number = false;
                for (size_t i = 0; i < ELEMENTSOF(numbers); i++)
                        if (strcmp(k, numbers[i].key) == 0) {
                                if (safe_atou64(v, (uint64_t *) ((char *) &p + numbers[i].offset)) < 0)
                                        return -EBADMSG;
                                have_free = have_free || strcmp(k, "FREE") == 0;
                                number = true;
                        }
                if (number)
                        continue;
                char **field = strcmp(k, "KERNEL") == 0 ? &p.kernel : strcmp(k, "COLLECTOR") == 0 ? &p.identity :
                               strcmp(k, "VERSION") == 0 ? &p.version : NULL;
                if (field) {
                        free(*field);
                        *field = *v ? strdup(v) : NULL;
                        if (*v && !*field)
                                return -ENOMEM;
                } else if (strcmp(k, "KERNEL_UNSUPPORTED") == 0)
                        p.usage.kernel_unsupported = strcmp(v, "yes") == 0;
        }
        if (!p.kernel || !p.identity || !have_free)
                return -EBADMSG;
        *ret = p;
        p = (CollectorProbe) {};
        return 0;
}

int collector_probe_read(const char *path, CollectorProbe *ret) {
        _cleanup_free_ char *text = NULL;
        int r = read_text_file(path, &text);
        if (r < 0)
                return r;
        return collector_probe_parse(text, ret);
}

int collector_probe_write(const char *path, const CollectorProbe *p) {
        _cleanup_free_ char *text = NULL;
        int r = collector_probe_format(p, &text);
        if (r < 0)
                return r;
        return write_file_atomic(path, text, strlen(text), 0644);
}

/* A dump level: "31", or a list "1,31" makedumpfile tries in turn. */
static bool level_has_free_bit(const char *s) {
        for (const char *p = s; p && *p;) {
                char *end;
                errno = 0;
                unsigned long v = strtoul(p, &end, 10);
                if (end == p || errno != 0)
                        return false;
                if (v & 16)
                        return true;
                p = *end == ',' ? end + 1 : NULL;
        }
        return false;
}

bool collector_excludes_free_pages(char * const *argv) {
        if (!argv || !argv[0] || strcmp(strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0], "makedumpfile") != 0)
                return false;
        for (char * const *a = argv + 1; *a; a++) {
                const char *level = NULL;
                if (strcmp(*a, "-d") == 0 || strcmp(*a, "--dump-level") == 0)
                        level = a[1];
                else if (strncmp(*a, "--dump-level=", 13) == 0)
                        level = *a + 13;
                else if (strncmp(*a, "-d", 2) == 0 && (*a)[2] >= '0' && (*a)[2] <= '9')
                        level = *a + 2;
                if (level && level_has_free_bit(level))
                        return true;
        }
        return false;
}

int collector_probe_warning(const char *path, const char *kver, char * const *collector_argv, char **ret) {
        _cleanup_(collector_probe_done) CollectorProbe p = {};
        _cleanup_free_ char *identity = NULL;

        *ret = NULL;
        if (!collector_excludes_free_pages(collector_argv) || collector_probe_read(path, &p) < 0 ||
            strcmp(p.kernel, kver) != 0 || collector_identity(collector_argv[0], &identity) < 0 ||
            strcmp(identity, p.identity) != 0 || !collector_probe_free_pages_missed(&p))
                return 0;
        if (asprintf(ret,
                     "makedumpfile%s%s does not exclude free pages on kernel %s (its --mem-usage found none while "
                     "%" PRIu64 " MiB were free): the dump level's free-page bit (16) has no effect, and a dump holds "
                     "the free memory that is not all zeros too, up to the machine's %" PRIu64 " MiB; plan the dump "
                     "target's space for that, or use a makedumpfile that knows this kernel",
                     p.version ? " " : "", strempty(p.version), p.kernel, p.mem_free_bytes >> 20,
                     (p.usage.total * p.usage.page_size) >> 20) < 0)
                return -ENOMEM;
        return 0;
}
