/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "crash-list.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dmesg-scan.h"
#include "macro.h"
#include "strv.h"

static void entry_done(CrashEntry *e) {
        free(e->id);
        crash_record_done(&e->record);
        free(e->dmesg);
        free(e->vmcore);
        crash_signature_done(&e->signature);
        *e = (CrashEntry) {};
}

void crash_list_done(CrashList *l) {
        for (size_t i = 0; i < l->n; i++)
                entry_done(&l->entries[i]);
        free(l->entries);
        *l = (CrashList) {};
}

static CrashEntry *entry_new(CrashList *l) {
        CrashEntry *n = realloc(l->entries, (l->n + 1) * sizeof(*n));
        if (!n)
                return NULL;
        l->entries = n;
        n[l->n] = (CrashEntry) { .size = UINT64_MAX };
        return &n[l->n++];
}

static char *path_join(const char *a, const char *b) {
        char *p;
        return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

static bool is_file(const char *path) {
        struct stat st;
        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The first of names in dir that is a file, or NULL. */
static char *first_file(const char *dir, const char *const *names) {
        for (size_t i = 0; names[i]; i++) {
                char *p = path_join(dir, names[i]);
                if (!p || is_file(p))
                        return p;
                free(p);
        }
        return NULL;
}

/* The bytes of the regular files directly in dir. */
static uint64_t dir_size(const char *dir) {
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        uint64_t sum = 0;
        DIR *d;
        struct dirent *de;

        if (fd < 0 || !(d = fdopendir(fd)))
                return UINT64_MAX;
        fd = -EBADF;
        while ((de = readdir(d))) {
                struct stat st;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
                        sum += (uint64_t) st.st_size;
        }
        closedir(d);
        return sum;
}

/* The files of a dump directory on this machine. */
static int entry_local_files(CrashEntry *e) {
        static const char *const vmcores[] = { "vmcore", "vmcore-incomplete", "vmcore.flat", NULL };
        static const char *const logs[] = { "vmcore-dmesg.txt", "dmesg.txt", NULL };
        const char *dir = e->record.location;
        struct stat st;

        if (!dir || dir[0] != '/' || stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        e->vmcore = first_file(dir, vmcores);
        e->dmesg = first_file(dir, logs);
        e->size = dir_size(dir);
        return 0;
}

static int entry_signature(CrashEntry *e) {
        _cleanup_strv_free_ char **lines = NULL;
        int r;

        if (!e->dmesg)
                return 0;
        lines = dmesg_read_lines(e->dmesg);
        if (!lines)
                return 0;
        r = crash_signature_parse(lines, &e->signature);
        if (r == -ENOMEM)
                return r;
        e->have_signature = r >= 0;
        return 0;
}

static int load_records(const char *store, CrashList *l) {
        CrashRecord *recs = NULL;
        size_t n = 0;
        int r;

        r = crash_store_list(store, &recs, &n, &l->unreadable);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                CrashEntry *e = entry_new(l);
                if (!e || asprintf(&e->id, "%u", recs[i].id) < 0) {
                        crash_records_free(recs, n);
                        return -ENOMEM;
                }
                e->time_usec = recs[i].learned_usec;
                e->record = recs[i];
                recs[i] = (CrashRecord) {};
                if (crash_dump_is_local(e->record.dump) && !e->record.deleted)
                        entry_local_files(e);
        }
        crash_records_free(recs, n);
        return 0;
}

/* A pstore entry: its log, and from it the kernel and the panic. */
static int load_pstore_entry(CrashList *l, const char *pstore_dir, const char *name) {
        _cleanup_free_ char *path = path_join(pstore_dir, name);
        _cleanup_strv_free_ char **lines = NULL;
        struct stat st;
        CrashEntry *e;

        if (!path)
                return -ENOMEM;
        if (lstat(path, &st) < 0)
                return 0;
        if (S_ISDIR(st.st_mode)) {
                static const char *const logs[] = { "dmesg.txt", NULL };
                _cleanup_free_ char *log = first_file(path, logs);
                if (!log)
                        return 0;
                if (!(e = entry_new(l)))
                        return -ENOMEM;
                e->dmesg = TAKE_PTR(log);
                e->size = dir_size(path);
        } else if (S_ISREG(st.st_mode) && strncmp(name, "dmesg-", 6) == 0) {
                if (!(e = entry_new(l)))
                        return -ENOMEM;
                e->dmesg = strdup(path);
                e->size = (uint64_t) st.st_size;
                if (!e->dmesg)
                        return -ENOMEM;
        } else
                return 0;
        e->pstore = true;
        e->time_usec = (uint64_t) st.st_mtim.tv_sec * 1000000ULL + (uint64_t) st.st_mtim.tv_nsec / 1000;
        e->record.dump = CRASH_DUMP_PSTORE;
        e->record.location = TAKE_PTR(path);
        if (asprintf(&e->id, "pstore:%s", name) < 0)
                return -ENOMEM;
        lines = dmesg_read_lines(e->dmesg);
        if (lines) {
                e->record.kernel = dmesg_find_kernel(lines);
                e->record.panic = dmesg_find_panic(lines);
        }
        return 0;
}

/* Records name pstore entries they were made from (DUMP=pstore): those
 * are listed once, as the record. */
static bool pstore_recorded(const CrashList *l, const char *path) {
        for (size_t i = 0; i < l->n; i++)
                if (!l->entries[i].pstore && l->entries[i].record.dump == CRASH_DUMP_PSTORE &&
                    streq_ptr(l->entries[i].record.location, path))
                        return true;
        return false;
}

static int load_pstore(const char *pstore_dir, CrashList *l) {
        _cleanup_strv_free_ char **names = calloc(1, sizeof(char *));
        DIR *d;
        struct dirent *de;
        int r = 0;

        if (!names)
                return -ENOMEM;
        d = opendir(pstore_dir);
        if (!d)
                return errno == ENOENT || errno == EACCES ? 0 : -errno;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && strv_extend(&names, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
        closedir(d);
        for (char **n = names; r >= 0 && *n; n++) {
                _cleanup_free_ char *path = path_join(pstore_dir, *n);
                if (!path)
                        return -ENOMEM;
                if (!pstore_recorded(l, path))
                        r = load_pstore_entry(l, pstore_dir, *n);
        }
        return r;
}

/* Records keep their learned order; a pstore entry goes by its time. */
static int compare_entries(const void *a, const void *b) {
        const CrashEntry *x = a, *y = b;
        if (!x->pstore && !y->pstore)
                return 0;
        return x->time_usec < y->time_usec ? -1 : x->time_usec > y->time_usec;
}

int crash_list_load(const char *store, const char *pstore_dir, CrashList *ret) {
        CrashList l = {};
        int r;

        assert_return(store && ret, -EINVAL);
        r = load_records(store, &l);
        if (r >= 0 && pstore_dir)
                r = load_pstore(pstore_dir, &l);
        for (size_t i = 0; r >= 0 && i < l.n; i++)
                r = entry_signature(&l.entries[i]);
        if (r < 0) {
                crash_list_done(&l);
                return r;
        }
        /* Stable: insertion sort, few entries. */
        for (size_t i = 1; i < l.n; i++)
                for (size_t k = i; k > 0 && compare_entries(&l.entries[k - 1], &l.entries[k]) > 0; k--) {
                        CrashEntry t = l.entries[k - 1];
                        l.entries[k - 1] = l.entries[k];
                        l.entries[k] = t;
                }
        *ret = l;
        return 0;
}

const CrashEntry *crash_list_find(const CrashList *l, const char *id) {
        if (l->n == 0)
                return NULL;
        if (!id)
                return &l->entries[l->n - 1];
        for (size_t i = 0; i < l->n; i++)
                if (streq_ptr(l->entries[i].id, id))
                        return &l->entries[i];
        return NULL;
}

unsigned crash_list_seen(const CrashList *l, const CrashEntry *e, uint64_t *ret_first_usec) {
        unsigned n = 0;
        uint64_t first = UINT64_MAX;

        if (!e->have_signature)
                return 0;
        for (size_t i = 0; i < l->n; i++) {
                const CrashEntry *o = &l->entries[i];
                if (o->have_signature && streq_ptr(o->signature.id, e->signature.id)) {
                        n++;
                        if (o->time_usec < first)
                                first = o->time_usec;
                }
        }
        if (ret_first_usec)
                *ret_first_usec = first;
        return n;
}
