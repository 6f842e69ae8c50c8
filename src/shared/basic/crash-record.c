/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "crash-record.h"
#include "parse-util.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"

static const char *const dump_names[_CRASH_DUMP_MAX] = {
        [CRASH_DUMP_NONE] = "none", [CRASH_DUMP_DIR] = "dir", [CRASH_DUMP_RAW] = "raw",
        [CRASH_DUMP_FS] = "fs",     [CRASH_DUMP_NFS] = "nfs", [CRASH_DUMP_SSH] = "ssh",
        [CRASH_DUMP_PSTORE] = "pstore",
};

const char *crash_dump_to_string(CrashDump d) {
        return d >= 0 && d < _CRASH_DUMP_MAX ? dump_names[d] : NULL;
}

CrashDump crash_dump_from_string(const char *s) {
        for (CrashDump d = 0; s && d < _CRASH_DUMP_MAX; d++)
                if (strcmp(s, dump_names[d]) == 0)
                        return d;
        return _CRASH_DUMP_INVALID;
}

bool crash_dump_is_local(CrashDump d) {
        return d == CRASH_DUMP_DIR || d == CRASH_DUMP_RAW;
}

void crash_record_done(CrashRecord *r) {
        free(r->location);
        free(r->why);
        free(r->kernel);
        free(r->panic);
        free(r->trace);
        free(r->dir_identity);
        strv_free(r->extra);
        *r = (CrashRecord) {};
}

void crash_records_free(CrashRecord *l, size_t n) {
        for (size_t i = 0; i < n; i++)
                crash_record_done(&l[i]);
        free(l);
}

int crash_record_set(char **field, const char *value) {
        char *v = NULL;

        if (value) {
                v = strdup(value);
                if (!v)
                        return -ENOMEM;
                for (char *p = v; *p; p++)
                        if (iscntrl((unsigned char) *p))
                                *p = ' ';
        }
        free(*field);
        *field = v;
        return 0;
}

/* The keys, in the order they are written. */
typedef enum RecordKey {
        KEY_ID,
        KEY_LEARNED_USEC,
        KEY_DUMP,
        KEY_LOCATION,
        KEY_COMPLETE,
        KEY_WHY,
        KEY_KERNEL,
        KEY_PANIC,
        KEY_REPORTED,
        KEY_DELETED,
        KEY_TRACE,
        KEY_DIR_IDENTITY,
        _KEY_MAX,
} RecordKey;

static const char *const key_names[_KEY_MAX] = {
        [KEY_ID] = "ID",
        [KEY_LEARNED_USEC] = "LEARNED_USEC",
        [KEY_DUMP] = "DUMP",
        [KEY_LOCATION] = "LOCATION",
        [KEY_COMPLETE] = "COMPLETE",
        [KEY_WHY] = "WHY",
        [KEY_KERNEL] = "KERNEL",
        [KEY_PANIC] = "PANIC",
        [KEY_REPORTED] = "REPORTED",
        [KEY_DELETED] = "DELETED",
        [KEY_TRACE] = "TRACE",
        [KEY_DIR_IDENTITY] = "DIR_IDENTITY",
};

static char **string_field(CrashRecord *r, RecordKey k) {
        switch (k) {
        case KEY_LOCATION:
                return &r->location;
        case KEY_WHY:
                return &r->why;
        case KEY_KERNEL:
                return &r->kernel;
        case KEY_PANIC:
                return &r->panic;
        case KEY_TRACE:
                return &r->trace;
        case KEY_DIR_IDENTITY:
                return &r->dir_identity;
        default:
                return NULL;
        }
}

static bool *flag_field(CrashRecord *r, RecordKey k) {
        switch (k) {
        case KEY_COMPLETE:
                return &r->complete;
        case KEY_REPORTED:
                return &r->reported;
        case KEY_DELETED:
                return &r->deleted;
        default:
                return NULL;
        }
}

int crash_record_format(const CrashRecord *r, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;

        assert_return(r && ret, -EINVAL);
        if (!crash_dump_to_string(r->dump))
                return -EINVAL;
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fputs("# kdumpd crash record; see kdumpd(8)\n", f);
        if (r->id > 0)
                fprintf(f, "ID=%u\nLEARNED_USEC=%" PRIu64 "\n", r->id, r->learned_usec);
        fprintf(f, "DUMP=%s\n", crash_dump_to_string(r->dump));
        for (RecordKey k = 0; k < _KEY_MAX; k++) {
                CrashRecord *w = (CrashRecord *) r; /* the accessors only read here */
                char **s = string_field(w, k);
                bool *b = flag_field(w, k);
                if (s && *s && **s)
                        fprintf(f, "%s=%s\n", key_names[k], *s);
                else if (b && (k == KEY_COMPLETE || r->id > 0)) /* a trace: nothing reported, nothing deleted */
                        fprintf(f, "%s=%s\n", key_names[k], *b ? "yes" : "no");
        }
        for (char **e = r->extra; e && *e; e++)
                fprintf(f, "%s\n", *e);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

static int parse_flag(const char *v, bool *ret) {
        if (strcmp(v, "yes") == 0)
                *ret = true;
        else if (strcmp(v, "no") == 0)
                *ret = false;
        else
                return -EBADMSG;
        return 0;
}

static int record_set_key(CrashRecord *r, const char *line, const char *key, size_t klen, const char *v) {
        uint64_t n;
        int q;

        for (RecordKey k = 0; k < _KEY_MAX; k++) {
                if (strlen(key_names[k]) != klen || strncmp(key, key_names[k], klen) != 0)
                        continue;
                char **s = string_field(r, k);
                bool *b = flag_field(r, k);
                if (s)
                        return crash_record_set(s, *v ? v : NULL);
                if (b)
                        return parse_flag(v, b);
                if (k == KEY_DUMP) {
                        r->dump = crash_dump_from_string(v);
                        return r->dump < 0 ? -EBADMSG : 0;
                }
                q = safe_atou64(v, &n);
                if (q < 0)
                        return q;
                if (k == KEY_ID) {
                        if (n == 0 || n > UINT32_MAX)
                                return -EBADMSG;
                        r->id = (unsigned) n;
                } else
                        r->learned_usec = n;
                return 0;
        }
        return strv_extend(&r->extra, line);
}

int crash_record_parse(const char *text, CrashRecord *ret) {
        _cleanup_strv_free_ char **lines = NULL;
        CrashRecord r = {};
        int q;

        assert_return(text && ret, -EINVAL);
        q = strv_split_lines(text, &lines);
        if (q < 0)
                return q;
        for (char **l = lines; l && *l; l++) {
                const char *eq;
                if (!**l || **l == '#')
                        continue;
                eq = strchr(*l, '=');
                if (!eq || eq == *l) {
                        q = -EBADMSG;
                        goto fail;
                }
                q = record_set_key(&r, *l, *l, (size_t) (eq - *l), eq + 1);
                if (q < 0)
                        goto fail;
        }
        *ret = r;
        return 0;
fail:
        crash_record_done(&r);
        return q;
}

int crash_record_read(const char *path, CrashRecord *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        assert_return(path && ret, -EINVAL);
        r = read_text_file(path, &text);
        if (r < 0)
                return r;
        return crash_record_parse(text, ret);
}

/* "<ID>.crash": the ID, or 0 when name is not a record's. */
static unsigned record_name_id(const char *name) {
        size_t len = strlen(name), sl = strlen(CRASH_RECORD_SUFFIX);
        uint64_t n;
        char digits[16];

        if (len <= sl || len - sl >= sizeof(digits) || strcmp(name + len - sl, CRASH_RECORD_SUFFIX) != 0)
                return 0;
        memcpy(digits, name, len - sl);
        digits[len - sl] = 0;
        if (digits[0] == '0' || safe_atou64(digits, &n) < 0 || n > UINT32_MAX)
                return 0;
        return (unsigned) n;
}

static bool has_suffix(const char *name, const char *suffix) {
        size_t len = strlen(name), sl = strlen(suffix);
        return name[0] != '.' && len > sl && strcmp(name + len - sl, suffix) == 0;
}

/* The names in store that keep() takes, sorted; none when it does not
 * exist. */
static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

static int store_names(const char *store, bool (*keep)(const char *name), char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (!l)
                return -ENOMEM;
        d = opendir(store);
        if (!d && errno != ENOENT)
                return negative_errno();
        while (d && (errno = 0, de = readdir(d)))
                if (keep(de->d_name) && strv_extend(&l, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
        if (d && r == 0 && errno != 0)
                r = negative_errno();
        if (d)
                closedir(d);
        if (r < 0)
                return r;
        qsort(l, strv_length(l), sizeof(char *), compare_strings);
        *ret = TAKE_PTR(l);
        return 0;
}

static bool is_record_name(const char *name) {
        return record_name_id(name) > 0;
}

static bool is_trace_name(const char *name) {
        return has_suffix(name, CRASH_TRACE_SUFFIX);
}

/* The IDs of the records in store, and the highest. */
static int store_ids(const char *store, unsigned **ret, size_t *ret_n, unsigned *ret_max) {
        _cleanup_strv_free_ char **names = NULL;
        unsigned *ids, max = 0;
        size_t n;
        int r;

        r = store_names(store, is_record_name, &names);
        if (r < 0)
                return r;
        n = strv_length(names);
        ids = calloc(n ? n : 1, sizeof(*ids));
        if (!ids)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                ids[i] = record_name_id(names[i]);
                if (ids[i] > max)
                        max = ids[i];
        }
        *ret = ids;
        *ret_n = n;
        *ret_max = max;
        return 0;
}

static int compare_ids(const void *a, const void *b) {
        unsigned x = *(const unsigned *) a, y = *(const unsigned *) b;
        return x < y ? -1 : x > y;
}

static int record_path(const char *store, unsigned id, char **ret) {
        return asprintf(ret, "%s/%u" CRASH_RECORD_SUFFIX, store, id) < 0 ? -ENOMEM : 0;
}

int crash_store_get(const char *store, unsigned id, CrashRecord *ret) {
        _cleanup_free_ char *p = NULL;
        CrashRecord r;
        int q;

        assert_return(store && id > 0 && ret, -EINVAL);
        q = record_path(store, id, &p);
        if (q < 0)
                return q;
        q = crash_record_read(p, &r);
        if (q < 0)
                return q;
        r.id = id; /* the file's name decides */
        *ret = r;
        return 0;
}

int crash_store_list(const char *store, CrashRecord **ret, size_t *ret_n, unsigned *ret_unreadable) {
        _cleanup_free_ unsigned *ids = NULL;
        CrashRecord *l = NULL;
        size_t n_ids, n = 0;
        unsigned max, unreadable = 0;
        int r;

        assert_return(store && ret && ret_n, -EINVAL);
        r = store_ids(store, &ids, &n_ids, &max);
        if (r < 0)
                return r;
        if (n_ids > 0) {
                qsort(ids, n_ids, sizeof(*ids), compare_ids);
                l = calloc(n_ids, sizeof(*l));
                if (!l)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < n_ids; i++) {
                r = crash_store_get(store, ids[i], &l[n]);
                if (r == -ENOMEM) {
                        crash_records_free(l, n);
                        return r;
                }
                if (r < 0)
                        unreadable++;
                else
                        n++;
        }
        *ret = l;
        *ret_n = n;
        if (ret_unreadable)
                *ret_unreadable = unreadable;
        return 0;
}

int crash_store_add(const char *store, CrashRecord *rec, uint64_t now_usec) {
        _cleanup_free_ unsigned *ids = NULL;
        size_t n_ids;
        unsigned max;
        uint64_t learned;
        int r;

        assert_return(store && rec && rec->id == 0, -EINVAL);
        r = mkdir_p(store, 0700);
        if (r < 0)
                return r;
        r = store_ids(store, &ids, &n_ids, &max);
        if (r < 0)
                return r;
        learned = rec->learned_usec > 0 ? rec->learned_usec : now_usec;
        for (unsigned tries = 0; tries < 100; tries++) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                if (max >= UINT32_MAX)
                        return -ENOSPC;
                rec->id = ++max;
                rec->learned_usec = learned;
                r = record_path(store, rec->id, &path);
                if (r >= 0)
                        r = crash_record_format(rec, &text);
                if (r >= 0)
                        r = write_file_new(path, text, strlen(text), 0600);
                if (r != -EEXIST)
                        break;
        }
        if (r < 0) {
                rec->id = 0;
                return r;
        }
        return (int) rec->id;
}

int crash_store_update(const char *store, const CrashRecord *rec) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        assert_return(store && rec && rec->id > 0, -EINVAL);
        r = record_path(store, rec->id, &path);
        if (r >= 0)
                r = crash_record_format(rec, &text);
        if (r < 0)
                return r;
        return write_file_atomic(path, text, strlen(text), 0600);
}

int crash_store_traces(const char *store, char ***ret_paths) {
        _cleanup_strv_free_ char **names = NULL;
        int r;

        assert_return(store && ret_paths, -EINVAL);
        r = store_names(store, is_trace_name, &names);
        if (r < 0)
                return r;
        for (char **n = names; *n; n++) {
                char *full;
                if (asprintf(&full, "%s/%s", store, *n) < 0)
                        return -ENOMEM;
                free(*n);
                *n = full;
        }
        *ret_paths = TAKE_PTR(names);
        return 0;
}

/* A boot ID as a file name: hex digits only. */
static bool boot_id_valid(const char *id) {
        return id && *id && strlen(id) <= 64 && strspn(id, "0123456789abcdef") == strlen(id);
}

static int trace_path(const char *store, const char *boot_id, char **ret) {
        if (!boot_id_valid(boot_id))
                return -EINVAL;
        return asprintf(ret, "%s/%s" CRASH_TRACE_SUFFIX, store, boot_id) < 0 ? -ENOMEM : 0;
}

int crash_trace_write(const char *store, const CrashRecord *rec) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        assert_return(store && rec && rec->id == 0, -EINVAL);
        r = trace_path(store, rec->trace, &path);
        if (r >= 0)
                r = crash_record_format(rec, &text);
        if (r >= 0)
                r = mkdir_p(store, 0700);
        if (r < 0)
                return r;
        return write_file_atomic(path, text, strlen(text), 0600);
}

int crash_trace_read(const char *store, const char *boot_id, CrashRecord *ret) {
        _cleanup_free_ char *path = NULL;
        int r;

        assert_return(store && ret, -EINVAL);
        r = trace_path(store, boot_id, &path);
        if (r < 0)
                return r;
        return crash_record_read(path, ret);
}

int crash_dir_identity(const char *path, char **ret) {
        struct statx sx;

        assert_return(path && ret, -EINVAL);
        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO | STATX_BTIME, &sx) < 0)
                return negative_errno();
        if (!S_ISDIR(sx.stx_mode))
                return -ENOTDIR;
        if (sx.stx_mask & STATX_BTIME)
                return asprintf(ret, "%" PRIu64 ":%" PRIi64 ".%09" PRIu32, (uint64_t) sx.stx_ino,
                                (int64_t) sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec) < 0
                               ? -ENOMEM
                               : 0;
        return asprintf(ret, "%" PRIu64 ":0", (uint64_t) sx.stx_ino) < 0 ? -ENOMEM : 0;
}

int crash_boot_id(char **ret) {
        _cleanup_free_ char *line = NULL;
        char *w;
        int r;

        assert_return(ret, -EINVAL);
        r = read_one_line_file("/proc/sys/kernel/random/boot_id", &line);
        if (r < 0)
                return r;
        w = line;
        for (const char *p = line; *p; p++)
                if (*p != '-')
                        *w++ = (char) tolower((unsigned char) *p);
        *w = 0;
        if (!boot_id_valid(line))
                return -EBADMSG;
        *ret = TAKE_PTR(line);
        return 0;
}
