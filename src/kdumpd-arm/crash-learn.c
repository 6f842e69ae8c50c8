/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "crash-learn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump-report.h"
#include "dump-space.h"
#include "fileio.h"
#include "macro.h"
#include "strv.h"

typedef struct Learning {
        const CrashLearn *l;
        CrashRecord *records; /* the store's, and those made since */
        size_t n;
        unsigned made;
        int error; /* the first */
} Learning;

static void learning_done(Learning *g) {
        crash_records_free(g->records, g->n);
        *g = (Learning) {};
}

static int note(Learning *g, int r) {
        if (r < 0 && g->error == 0)
                g->error = r;
        return r;
}

/* The record of a dump directory: the same path, and the same directory
 * (identity), since a capture kernel without a clock names them alike. */
static CrashRecord *find_dir(Learning *g, const char *dir, const char *identity) {
        for (size_t i = 0; i < g->n; i++) {
                CrashRecord *r = &g->records[i];
                if (crash_dump_is_local(r->dump) && streq_ptr(r->location, dir) &&
                    (!r->dir_identity || !identity || streq_ptr(r->dir_identity, identity)))
                        return r;
        }
        return NULL;
}

static CrashRecord *find_trace(Learning *g, const char *trace) {
        for (size_t i = 0; i < g->n; i++)
                if (trace && streq_ptr(g->records[i].trace, trace))
                        return &g->records[i];
        return NULL;
}

/* Adds r to the store and to what is known (r is taken either way). */
static int record_add(Learning *g, CrashRecord *r) {
        CrashRecord *nl;
        int q;

        q = crash_store_add(g->l->store, r, g->l->now_usec);
        if (q < 0) {
                crash_record_done(r);
                return note(g, q);
        }
        nl = realloc(g->records, (g->n + 1) * sizeof(*nl));
        if (!nl) {
                crash_record_done(r);
                return note(g, -ENOMEM);
        }
        g->records = nl;
        g->records[g->n++] = *r;
        *r = (CrashRecord) {};
        g->made++;
        return 0;
}

int crash_fs_location_split(const char *location, char **ret_spec, char **ret_path) {
        const char *sep;

        assert_return(location && ret_spec && ret_path, -EINVAL);
        /* The path is absolute; a spec may hold ':' but not ":/". */
        sep = strstr(location, ":/");
        if (!sep || sep == location)
                return -EINVAL;
        *ret_spec = strndup(location, (size_t) (sep - location));
        *ret_path = strdup(sep + 1);
        if (!*ret_spec || !*ret_path) {
                free(*ret_spec);
                free(*ret_path);
                return -ENOMEM;
        }
        return 0;
}

static bool is_dir(const char *path) {
        struct stat st;
        return path && lstat(path, &st) >= 0 && S_ISDIR(st.st_mode);
}

/* A dump on a filesystem (DUMP=fs, as the capture saw it) mounted here
 * now is a dump directory here. */
static int trace_resolve_fs(const Learning *g, CrashRecord *t) {
        _cleanup_free_ char *spec = NULL, *path = NULL, *mp = NULL, *local = NULL;
        int r;

        if (t->dump != CRASH_DUMP_FS || !t->location || !g->l->fs_mountpoint)
                return 0;
        r = crash_fs_location_split(t->location, &spec, &path);
        if (r == -EINVAL)
                return 0; /* a location we cannot read stays as it is */
        if (r < 0)
                return r;
        r = g->l->fs_mountpoint(spec, &mp, g->l->userdata);
        if (r == -ENOENT || r == -ENODEV)
                return 0;
        if (r < 0)
                return r;
        if (asprintf(&local, "%s%s", strcmp(mp, "/") == 0 ? "" : mp, path) < 0)
                return -ENOMEM;
        if (!is_dir(local))
                return 0;
        t->dump = CRASH_DUMP_DIR;
        free(t->location);
        t->location = TAKE_PTR(local);
        return 0;
}

/* The boot ID a trace is named after. */
static int trace_name(const char *path, char **ret) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t len = strlen(base) - strlen(CRASH_TRACE_SUFFIX);
        *ret = strndup(base, len);
        return *ret ? 0 : -ENOMEM;
}

static int learn_trace(Learning *g, const char *path) {
        CrashRecord t = {};
        CrashRecord *known;
        int r;

        r = crash_record_read(path, &t);
        if (r < 0)
                return note(g, r); /* left in place: a newer kdumpd may read it */
        t.id = 0;
        t.learned_usec = 0;
        t.reported = t.deleted = false;
        if (!t.trace && (r = trace_name(path, &t.trace)) < 0)
                goto done;
        if (find_trace(g, t.trace))
                goto consumed;
        r = trace_resolve_fs(g, &t);
        if (r < 0)
                goto done;
        if (crash_dump_is_local(t.dump) && is_dir(t.location)) {
                r = crash_record_fill_from_dir(&t);
                if (r < 0)
                        goto done;
                /* Its directory was learned already (a scan before the
                 * trace could be read): the trace only adds its ID. */
                known = find_dir(g, t.location, t.dir_identity);
                if (known) {
                        if (!known->trace) {
                                known->trace = TAKE_PTR(t.trace);
                                r = note(g, crash_store_update(g->l->store, known));
                                if (r < 0)
                                        goto done;
                        }
                        goto consumed;
                }
        }
        r = record_add(g, &t);
        if (r < 0)
                return r;
consumed:
        /* The record holds it now. */
        if (unlink(path) < 0 && errno != ENOENT)
                r = note(g, negative_errno());
        else
                r = 0;
done:
        crash_record_done(&t);
        return note(g, r);
}

static int learn_dir(Learning *g, const char *dir, CrashDump kind, bool reported, uint64_t learned_usec) {
        CrashRecord r = {};
        int q;

        q = dump_dir_read(dir, &r);
        if (q < 0)
                return note(g, q);
        if (find_dir(g, dir, r.dir_identity)) {
                crash_record_done(&r);
                return 0;
        }
        r.dump = kind;
        r.reported = reported;
        r.learned_usec = learned_usec;
        return record_add(g, &r);
}

/* An older kdumpd listed the dumps it reported in a file: on the first
 * start with records, those become records (reported, learned when that
 * file was last written), before anything new, in the order they were
 * reported. The file goes once they all have one. */
static void learn_legacy(Learning *g) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **told = NULL;
        struct stat st;
        int first = g->error;

        if (!g->l->legacy_reported || stat(g->l->legacy_reported, &st) < 0)
                return;
        if (note(g, read_full_file(g->l->legacy_reported, &text, NULL)) < 0 ||
            note(g, strv_split_lines(text, &told)) < 0)
                return;
        uint64_t when = (uint64_t) st.st_mtim.tv_sec * 1000000ULL + (uint64_t) st.st_mtim.tv_nsec / 1000;
        for (char **d = told; d && *d; d++)
                if (**d && is_dir(*d))
                        (void) learn_dir(g, *d, CRASH_DUMP_DIR, true, when);
        if (g->error == first)
                (void) note(g, unlink(g->l->legacy_reported) < 0 && errno != ENOENT ? negative_errno() : 0);
}

static void learn_traces(Learning *g) {
        _cleanup_strv_free_ char **traces = NULL;

        if (note(g, crash_store_traces(g->l->store, &traces)) < 0)
                return;
        for (char **t = traces; t && *t; t++)
                (void) learn_trace(g, *t);
}

static void learn_dump_path(Learning *g) {
        _cleanup_strv_free_ char **names = NULL;
        const char *base = g->l->dump_path;

        if (!base || note(g, dump_dirs_list(base, &names)) < 0)
                return;
        for (char **n = names; n && *n; n++) {
                _cleanup_free_ char *dir = NULL;
                if (dump_dir_path(base, *n, &dir) < 0) {
                        note(g, -ENOMEM);
                        return;
                }
                (void) learn_dir(g, dir, streq_ptr(dir, g->l->raw_dir) ? CRASH_DUMP_RAW : CRASH_DUMP_DIR, false, 0);
        }
}

int crashes_learn(const CrashLearn *l) {
        Learning g = { .l = l };
        int r;

        assert_return(l && l->store, -EINVAL);
        r = crash_store_list(l->store, &g.records, &g.n, NULL);
        if (r < 0)
                return r;
        learn_legacy(&g);
        learn_traces(&g);
        if (l->raw_dir && is_dir(l->raw_dir))
                (void) learn_dir(&g, l->raw_dir, CRASH_DUMP_RAW, false, 0);
        learn_dump_path(&g);
        r = g.error < 0 ? g.error : (int) g.made;
        learning_done(&g);
        return r;
}
