/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kdumpctl-crashes.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "crash-list.h"
#include "initramfs-build.h"
#include "json-print.h"
#include "kdumpctl-util.h"
#include "log.h"
#include "macro.h"
#include "pager.h"
#include "time-spec.h"
#include "vmcoreinfo-scan.h"

#define PANIC_PREFIX "Kernel panic - not syncing: "

/* The store and pstore's archive; KDUMPCTL_ROOT prefixes both (tests). */
static int crashes_load(CrashList *ret) {
        const char *root = getenv("KDUMPCTL_ROOT");
        _cleanup_free_ char *store = NULL, *pstore = NULL;
        int r;

        if (!root)
                root = "";
        if (asprintf(&store, "%s%s/%s", root, KDUMP_STATE_DIR, CRASH_STORE_DIR) < 0 ||
            asprintf(&pstore, "%s%s", root, PSTORE_ARCHIVE_DIR) < 0)
                return log_oom(), EX_OSERR;
        r = crash_list_load(store, pstore, ret);
        if (r < 0) {
                log_error_errno(r, "Cannot read the crash records in \"%s\": %m", store);
                return r == -EACCES ? EX_NOPERM : EX_IOERR;
        }
        if (ret->unreadable > 0)
                log_warning("%u crash record(s) in \"%s\" could not be read and are not shown.", ret->unreadable, store);
        return 0;
}

/* "complete", "incomplete (WHY)", "no dump (WHY)", "deleted", "kernel log only". */
static char *entry_state(const CrashEntry *e) {
        const CrashRecord *c = &e->record;
        char *s;
        int r;

        if (c->dump == CRASH_DUMP_PSTORE)
                r = asprintf(&s, "log only (pstore)");
        else if (c->deleted)
                r = asprintf(&s, "deleted");
        else if (c->complete)
                r = asprintf(&s, "complete");
        else
                r = asprintf(&s, "%s%s%s%s", c->dump == CRASH_DUMP_NONE ? "no dump" : "incomplete", c->why ? " (" : "",
                             strempty(c->why), c->why ? ")" : "");
        return r < 0 ? NULL : s;
}

static const char *entry_reason(const CrashEntry *e) {
        const char *p = e->record.panic;
        if (!p)
                return e->have_signature ? e->signature.cause : NULL;
        const char *k = strstr(p, PANIC_PREFIX);
        return k ? k + strlen(PANIC_PREFIX) : p;
}

static int imax(int a, int b) {
        return a > b ? a : b;
}

typedef struct ListOptions {
        bool json;
        uint64_t since;
        unsigned long lines; /* 0: all */
} ListOptions;

static int list_parse(int argc, char *argv[], ListOptions *o) {
        static const struct option options[] = {
                { "json", no_argument, NULL, 'j' },
                { "since", required_argument, NULL, 'S' },
                { "lines", required_argument, NULL, 'n' },
                {},
        };
        char *end;
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "n:", options, NULL)) >= 0)
                switch (c) {
                case 'j': o->json = true; break;
                case 'S':
                        if (time_spec_parse(optarg, crash_realtime_usec(), &o->since) < 0) {
                                log_error("--since \"%s\": not a time (YYYY-MM-DD [HH:MM[:SS]], today, yesterday, -2d, -3h, @SECONDS).",
                                          optarg);
                                return EX_USAGE;
                        }
                        break;
                case 'n':
                        errno = 0;
                        o->lines = strtoul(optarg, &end, 10);
                        if (errno || *end || end == optarg || o->lines == 0) {
                                log_error("-n \"%s\": not a count of crashes (1 or more).", optarg);
                                return EX_USAGE;
                        }
                        break;
                default:
                        log_error("Unknown option \"%s\" for list; see \"kdumpctl --help\".", argv[optind - 1]);
                        return EX_USAGE;
                }
        if (optind < argc) {
                log_error("Unexpected argument \"%s\".", argv[optind]);
                return EX_USAGE;
        }
        return 0;
}

static void list_json_entry(JsonWriter *w, const CrashEntry *e, const char *state) {
        const CrashRecord *c = &e->record;
        char t[64];

        json_object_begin(w);
        json_field_string(w, "id", e->id);
        json_field_uint(w, "time_usec", e->time_usec);
        json_field_string(w, "time", time_format(e->time_usec, t, sizeof(t)));
        json_field_string(w, "kernel", c->kernel);
        json_field_string(w, "panic", c->panic);
        json_field_string(w, "state", state);
        json_field_bool(w, "complete", c->complete && !c->deleted);
        json_field_string(w, "why", c->why);
        json_field_bool(w, "deleted", c->deleted);
        json_field_bool(w, "pstore", e->pstore);
        json_key(w, "size");
        if (e->size == UINT64_MAX)
                json_null(w);
        else
                json_uint(w, e->size);
        json_field_string(w, "dump", crash_dump_to_string(c->dump));
        json_field_string(w, "location", c->location);
        json_field_string(w, "signature", e->have_signature ? e->signature.id : NULL);
        json_object_end(w);
}

int verb_list(int argc, char *argv[]) {
        _cleanup_(crash_list_done) CrashList l = {};
        ListOptions o = {};
        size_t first = 0, n_sel = 0;
        _cleanup_free_ size_t *sel = NULL;
        int r;

        r = list_parse(argc, argv, &o);
        if (r != 0)
                return r;
        r = crashes_load(&l);
        if (r != 0)
                return r;
        sel = calloc(l.n + 1, sizeof(*sel));
        if (!sel)
                return log_oom(), EX_OSERR;
        for (size_t i = 0; i < l.n; i++)
                if (l.entries[i].time_usec >= o.since)
                        sel[n_sel++] = i;
        /* -n: the last N, still oldest first. */
        if (o.lines > 0 && n_sel > o.lines)
                first = n_sel - o.lines;

        if (o.json) {
                JsonWriter w;
                json_writer_init(&w, stdout, isatty(STDOUT_FILENO));
                json_array_begin(&w);
                for (size_t k = first; k < n_sel; k++) {
                        _cleanup_free_ char *state = entry_state(&l.entries[sel[k]]);
                        list_json_entry(&w, &l.entries[sel[k]], state);
                }
                json_array_end(&w);
                return json_finish(&w);
        }
        if (n_sel == first) {
                printf("No crashes%s.\n", l.n > 0 ? " in that time" : " are known on this machine");
                return EX_OK;
        }

        /* Column widths first, then the rows. */
        int w_id = 2, w_kernel = 6, w_state = 5, w_where = 5;
        for (size_t k = first; k < n_sel; k++) {
                const CrashEntry *e = &l.entries[sel[k]];
                _cleanup_free_ char *state = entry_state(e);
                w_id = imax(w_id, (int) strlen(e->id));
                w_kernel = imax(w_kernel, (int) strlen(e->record.kernel ? e->record.kernel : "-"));
                w_state = imax(w_state, (int) strlen(state ? state : "-"));
                w_where = imax(w_where, (int) (strlen(crash_dump_to_string(e->record.dump)) + 1 +
                                               strlen(e->record.location ? e->record.location : "-")));
        }
        printf("%-*s %-27s %-*s %-*s %6s %-*s %s\n", w_id, "ID", "TIME", w_kernel, "KERNEL", w_state, "STATE", "SIZE",
               w_where, "WHERE", "PANIC");
        for (size_t k = first; k < n_sel; k++) {
                const CrashEntry *e = &l.entries[sel[k]];
                _cleanup_free_ char *state = entry_state(e), *where = NULL;
                char t[64], sz[32];
                if (asprintf(&where, "%s %s", crash_dump_to_string(e->record.dump),
                             e->record.location ? e->record.location : "-") < 0)
                        return log_oom(), EX_OSERR;
                printf("%-*s %-27s %-*s %-*s %6s %-*s %s\n", w_id, e->id, time_format(e->time_usec, t, sizeof(t)),
                       w_kernel, e->record.kernel ? e->record.kernel : "-", w_state, state ? state : "-",
                       e->record.deleted ? "-" : size_format(e->size, sz, sizeof(sz)), w_where, where,
                       strempty(entry_reason(e)));
        }
        return EX_OK;
}

/* info and dmesg: [ID], and for dmesg --no-pager. */
static int id_parse(const char *verb, int argc, char *argv[], bool *no_pager, const char **ret_id) {
        static const struct option options[] = {
                { "no-pager", no_argument, NULL, 'P' },
                {},
        };
        int c;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "", options, NULL)) >= 0)
                switch (c) {
                case 'P':
                        if (no_pager) {
                                *no_pager = true;
                                break;
                        }
                        log_error("Unknown option \"%s\" for %s; see \"kdumpctl --help\".", argv[optind - 1], verb);
                        return EX_USAGE;
                default:
                        log_error("Unknown option \"%s\" for %s; see \"kdumpctl --help\".", argv[optind - 1], verb);
                        return EX_USAGE;
                }
        if (argc - optind > 1) {
                log_error("Unexpected argument \"%s\"; %s takes one crash ID.", argv[optind + 1], verb);
                return EX_USAGE;
        }
        *ret_id = optind < argc ? argv[optind] : NULL;
        return 0;
}

static int crash_get(const CrashList *l, const char *id, const CrashEntry **ret) {
        const CrashEntry *e = crash_list_find(l, id);

        if (!e) {
                if (id)
                        log_error("No crash with ID \"%s\"; \"kdumpctl list\" shows them.", id);
                else
                        log_error("No crashes are known on this machine.");
                return EX_NOINPUT;
        }
        *ret = e;
        return 0;
}

/* info and dmesg: the crash their arguments name. 0, or the exit status. */
static int crash_pick(const char *verb, int argc, char *argv[], bool *no_pager, CrashList *l, const CrashEntry **ret) {
        const char *id;
        int r = id_parse(verb, argc, argv, no_pager, &id);

        if (r == 0)
                r = crashes_load(l);
        return r != 0 ? r : crash_get(l, id, ret);
}

static void info_trace(const CrashSignature *s) {
        for (char **f = s->frames; f && *f; f++)
                printf("%s%s\n", f == s->frames ? "       Trace: " : "              ", *f);
}

int verb_info(int argc, char *argv[]) {
        _cleanup_(crash_list_done) CrashList l = {};
        _cleanup_free_ char *state = NULL, *build_id = NULL;
        const CrashEntry *e;
        char t[64], sz[32];
        int r;

        r = crash_pick("info", argc, argv, NULL, &l, &e);
        if (r != 0)
                return r;
        const CrashRecord *c = &e->record;
        const CrashSignature *s = e->have_signature ? &e->signature : NULL;
        state = entry_state(e);

        printf("          ID: %s%s\n", e->id, e->pstore ? " (kept by pstore, no vmcore)" : "");
        printf("        Time: %s%s\n", time_format(e->time_usec, t, sizeof(t)),
               e->pstore ? "" : " (when the next boot learned of it)");
        printf("      Kernel: %s\n", c->kernel ? c->kernel : "unknown");
        printf("       Panic: %s\n", c->panic ? c->panic : "unknown");
        if (s) {
                printf("        Kind: %s\n", s->kind);
                if (s->cause && !streq_ptr(s->cause, entry_reason(e)))
                        printf("       Cause: %s\n", s->cause);
                if (s->function)
                        printf("    Function: %s%s%s%s\n", s->function, s->module ? " [" : "", strempty(s->module),
                               s->module ? "]" : "");
                if (s->comm)
                        printf("        Task: %s%s%s\n", s->comm, s->pid ? ", PID " : "", strempty(s->pid));
                if (s->taint)
                        printf("       Taint: %s\n", s->taint[0] ? s->taint : "not tainted");
                info_trace(s);
        }
        if (e->vmcore) {
                r = vmcoreinfo_find(e->vmcore, "BUILD-ID", &build_id);
                if (r < 0 && r != -ENODATA && r != -ENOENT)
                        log_warning_errno(r, "Cannot read VMCOREINFO of \"%s\": %m", e->vmcore);
                if (build_id)
                        printf("    Build ID: %s\n", build_id);
        }
        if (s) {
                uint64_t first = 0;
                unsigned seen = crash_list_seen(&l, e, &first);
                printf("   Signature: %s, ", s->id);
                if (seen <= 1)
                        printf("seen once\n");
                else
                        printf("seen %u times since %s\n", seen, time_format(first, t, sizeof(t)));
        } else
                printf("   Signature: none (%s)\n", e->dmesg ? "the kernel log shows no crash" : "no kernel log here");
        printf("        Dump: %s, %s%s%s\n", state ? state : "-", crash_dump_to_string(c->dump), c->location ? " " : "",
               strempty(c->location));
        if (e->size != UINT64_MAX && !c->deleted)
                printf("        Size: %s\n", size_format(e->size, sz, sizeof(sz)));
        if (e->dmesg)
                printf("         Log: %s\n", e->dmesg);
        return EX_OK;
}

int verb_dmesg(int argc, char *argv[]) {
        _cleanup_(crash_list_done) CrashList l = {};
        const CrashEntry *e;
        bool no_pager = false;
        int r;

        r = crash_pick("dmesg", argc, argv, &no_pager, &l, &e);
        if (r != 0)
                return r;
        if (!e->dmesg) {
                log_error("Crash %s has no kernel log on this machine (%s%s%s).", e->id,
                          crash_dump_to_string(e->record.dump), e->record.location ? " " : "",
                          strempty(e->record.location));
                return EX_NOINPUT;
        }
        r = pager_show_file(e->dmesg, no_pager);
        if (r < 0) {
                log_error_errno(r, "Cannot show \"%s\": %m", e->dmesg);
                return r == -EPIPE ? EX_OK : EX_IOERR;
        }
        return EX_OK;
}
