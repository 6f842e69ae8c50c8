/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "crash-signature.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmesg-scan.h"
#include "macro.h"
#include "strv.h"

/* How far before the panic line the line that says why may be: an oops
 * with its registers, modules and trace is about 80 lines; a hung task's
 * report a few dozen per task. */
#define CAUSE_WINDOW 400

#define PANIC_PREFIX "Kernel panic - not syncing: "

typedef struct Log {
        const char **text; /* each line without its prefixes */
        size_t n;
} Log;

typedef ssize_t (*cause_finder_t)(const Log *log, size_t before, const char *needle);

/* The nearest line before index `before` (within the window) that holds
 * needle. */
static ssize_t find_line_before(const Log *log, size_t before, const char *needle) {
        for (size_t i = before; i > 0 && before - i < CAUSE_WINDOW; i--)
                if (strstr(log->text[i - 1], needle))
                        return (ssize_t) (i - 1);
        return -1;
}

/* An oops: its header ("Oops: 0002 [#1] PREEMPT SMP NOPTI", "general
 * protection fault, …: 0000 [#1] …"), or the "BUG: …" / "kernel BUG at …"
 * line a few lines above it that says more. */
static bool is_oops_header(const char *t) {
        const char *p = strstr(t, " [#");
        return p && isdigit((unsigned char) p[3]) && !strstr(t, "Kernel panic");
}

static bool is_oops_detail(const char *t) {
        return strncmp(t, "BUG: ", 5) == 0 || strncmp(t, "kernel BUG at ", 14) == 0 ||
               strncmp(t, "Unable to handle kernel ", 24) == 0;
}

static ssize_t find_oops(const Log *log, size_t before, const char *needle) {
        for (size_t i = before; i > 0 && before - i < CAUSE_WINDOW; i--) {
                size_t h = i - 1;
                if (!is_oops_header(log->text[h]))
                        continue;
                for (size_t k = h; k > 0 && h - k < 8; k--)
                        if (is_oops_detail(log->text[k - 1]))
                                return (ssize_t) (k - 1);
                return (ssize_t) h;
        }
        return -1;
}

/* Each kind of crash: what its panic message says, and how to find the
 * line that says what happened before it. */
static const struct {
        const char *kind;
        const char *panic_says; /* in the panic message */
        cause_finder_t find;
        const char *cause;      /* what find() looks for */
        bool has_rip;           /* the cause's report holds the faulting RIP */
} kinds[] = {
        { "sysrq", "sysrq triggered crash", find_line_before, "Trigger a crash", false },
        { "nmi", "NMI", find_line_before, "NMI", false },
        { "hung-task", "hung_task: blocked tasks", find_line_before, "INFO: task ", false },
        { "soft-lockup", "softlockup: hung tasks", find_line_before, "soft lockup - CPU#", true },
        { "hard-lockup", "Hard LOCKUP", find_line_before, "Watchdog detected hard LOCKUP", true },
        { "rcu-stall", "RCU Stall", find_line_before, "detected stall", false },
        { "warn", "panic_on_warn set", find_line_before, "WARNING: CPU: ", true },
        { "oops", "Fatal exception", find_oops, NULL, true },
        { "oops", "Attempted to kill", find_oops, NULL, true },
};

/* Frames that are the crash machinery, not the crash. */
static bool is_plumbing(const char *name) {
        static const char *const names[] = {
                "dump_stack",      "dump_stack_lvl", "panic",        "vpanic",         "nmi_panic",
                "check_panic_on_warn", "__schedule",  "schedule",     "schedule_timeout", "schedule_preempt_disabled",
                "io_schedule",     "io_schedule_timeout",
        };
        if (strncmp(name, "__pfx_", 6) == 0)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcmp(name, names[i]) == 0)
                        return true;
        return false;
}

/* "name+0x1a/0x20 [mod]": "name" without compiler suffixes (".cold",
 * ".isra.0"), and the module. 0 when sym is not such a symbol. */
static int symbol_parse(const char *sym, char **ret_name, char **ret_module) {
        size_t n = strspn(sym, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$");
        const char *plus = sym + n, *mod;
        size_t name_len;

        if (n == 0 || strncmp(plus, "+0x", 3) != 0)
                return 0;
        name_len = strcspn(sym, ".");
        if (name_len > n)
                name_len = n;
        *ret_name = strndup(sym, name_len);
        *ret_module = NULL;
        mod = strchr(plus, ' ');
        if (mod && mod[1] == '[') {
                size_t m = strcspn(mod + 2, "] ");
                if (m > 0 && mod[2 + m] == ']')
                        *ret_module = strndup(mod + 2, m);
        }
        if (!*ret_name) {
                free(*ret_module);
                return -ENOMEM;
        }
        return 1;
}

/* "RIP: 0010:func+0x15/0x30 [mod]" (x86), "pc : func+0x15/0x30 [mod]"
 * (arm64); not "RIP: 0033:0x7f…", a user address. */
static int rip_parse(const char *t, char **ret_name, char **ret_module) {
        const char *p;

        if (strncmp(t, "RIP: ", 5) == 0) {
                p = t + 5;
                if (strlen(p) > 5 && p[4] == ':')
                        p += 5;
        } else if (strncmp(t, "pc : ", 5) == 0)
                p = t + 5;
        else
                return 0;
        return symbol_parse(p, ret_name, ret_module);
}

/* A line of a call trace: 1 and the frame ("func" or "func [mod]"), 2 for
 * a marker ("<IRQ>", "</TASK>"), 3 for a register line inside the trace
 * ("RIP: …", "Code: …", "RSP: …", "x29: …"), 4 for a frame the unwinder
 * only guessed ("? …"), 0 for anything else: the trace ended. */
static int trace_line(const char *t, char **ret_frame) {
        _cleanup_free_ char *name = NULL, *module = NULL;
        const char *p = t + strspn(t, " ");
        size_t w;
        int r;

        *ret_frame = NULL;
        if (p == t) {
                w = strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
                if (w >= 2 && w <= 6 && (t[w] == ':' || (t[w] == ' ' && t[w + 1] == ':')))
                        return 3;
                return 0;
        }
        if (*p == '<' && p[strcspn(p, ">")] == '>')
                return 2;
        if (p[0] == '?' && p[1] == ' ')
                return 4;
        if (strncmp(p, "[<", 2) == 0 && (p = strstr(p, "] ")))
                p += 2;
        r = symbol_parse(p, &name, &module);
        if (r <= 0)
                return r;
        if (module)
                return asprintf(ret_frame, "%s [%s]", name, module) < 0 ? -ENOMEM : 1;
        *ret_frame = TAKE_PTR(name);
        return 1;
}

static bool frame_is_function(const char *frame, const char *function) {
        size_t n = function ? strlen(function) : 0;
        return function && strncmp(frame, function, n) == 0 && (frame[n] == 0 || frame[n] == ' ');
}

/* The frames of the trace that starts after line `from`: the first
 * section (<IRQ>, <NMI>, <TASK>, …) that has a frame of its own, not
 * guessed and not the panic machinery; after the faulting function when
 * there is one. */
static int trace_frames(const Log *log, size_t from, const char *function, const char *module, char ***ret) {
        _cleanup_strv_free_ char **frames = calloc(1, sizeof(char *));
        bool section_has = false;
        int r;

        if (!frames)
                return -ENOMEM;
        if (function &&
            (module ? strv_extendf(&frames, "%s [%s]", function, module) : strv_extend(&frames, function)) < 0)
                return -ENOMEM;
        for (size_t i = from; i < log->n && strv_length(frames) < CRASH_SIGNATURE_FRAMES; i++) {
                _cleanup_free_ char *frame = NULL;
                r = trace_line(log->text[i], &frame);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (r == 2) {
                        /* A section ends: the first one with frames is it. */
                        if (section_has && log->text[i][strspn(log->text[i], " ") + 1] == '/')
                                break;
                        continue;
                }
                if (r != 1)
                        continue;
                char *name = strndup(frame, strcspn(frame, " "));
                bool skip = !name || is_plumbing(name) || frame_is_function(frame, function);
                free(name);
                if (skip)
                        continue;
                section_has = true;
                if (strv_extend(&frames, frame) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(frames);
        return 0;
}

/* "Call Trace:" (x86), "Call trace:" (arm64) in [from, to). */
static ssize_t find_trace(const Log *log, size_t from, size_t to) {
        for (size_t i = from; i < to && i < log->n; i++) {
                const char *t = log->text[i] + strspn(log->text[i], " ");
                if (strncmp(t, "Call Trace:", 11) == 0 || strncmp(t, "Call trace:", 11) == 0)
                        return (ssize_t) i;
        }
        return -1;
}

static ssize_t find_context(const Log *log, size_t from, size_t to) {
        for (size_t i = from; i < to && i < log->n; i++) {
                DmesgContext c = {};
                bool is = dmesg_context_parse(log->text[i], &c) > 0 && c.comm;
                dmesg_context_done(&c);
                if (is)
                        return (ssize_t) i;
        }
        return -1;
}

void crash_signature_done(CrashSignature *s) {
        free(s->kind);
        free(s->cause);
        free(s->function);
        free(s->module);
        free(s->comm);
        free(s->pid);
        free(s->taint);
        strv_free(s->frames);
        free(s->id);
        *s = (CrashSignature) {};
}

/* The cause as the signature hashes it: numbers masked (every run of hex
 * digits and 'x' that holds a decimal digit). */
static char *cause_masked(const char *cause) {
        char *m = malloc(strlen(cause) + 1), *w = m;
        if (!m)
                return NULL;
        for (const char *p = cause; *p;) {
                size_t n = strspn(p, "0123456789abcdefABCDEFx");
                bool digit = false;
                for (size_t k = 0; k < n; k++)
                        digit = digit || isdigit((unsigned char) p[k]);
                if (n > 0 && digit) {
                        *w++ = 'N';
                        p += n;
                } else if (n > 0) {
                        memcpy(w, p, n);
                        w += n;
                        p += n;
                } else
                        *w++ = *p++;
        }
        *w = 0;
        return m;
}

/* FNV-1a, 64 bits: to tell equal from different, not for security. */
static void hash_add(uint64_t *h, const char *s) {
        for (const unsigned char *p = (const unsigned char *) strempty(s); *p; p++) {
                *h ^= *p;
                *h *= 0x100000001b3ULL;
        }
        *h ^= '\n';
        *h *= 0x100000001b3ULL;
}

int crash_signature_id(const CrashSignature *s, char **ret) {
        uint64_t h = 0xcbf29ce484222325ULL;
        bool cause_counts;

        assert_return(s && ret, -EINVAL);
        /* A lockup's, hung task's or NMI's line holds only the CPU, the
         * time and the task, which vary: the frames say where. */
        cause_counts = streq_ptr(s->kind, "oops") || streq_ptr(s->kind, "panic");
        hash_add(&h, s->kind);
        if (cause_counts && s->cause) {
                _cleanup_free_ char *m = cause_masked(s->cause);
                if (!m)
                        return -ENOMEM;
                hash_add(&h, m);
        } else
                hash_add(&h, "");
        hash_add(&h, s->function);
        hash_add(&h, s->module);
        for (char **f = s->frames; f && *f; f++)
                hash_add(&h, *f);
        return asprintf(ret, "%016" PRIx64, h) < 0 ? -ENOMEM : 0;
}

static int set_str(char **field, const char *v) {
        if (!v)
                return 0;
        free(*field);
        *field = strdup(v);
        return *field ? 0 : -ENOMEM;
}

/* The oops header's " [#1] PREEMPT SMP NOPTI" says nothing of the crash. */
static int set_cause(CrashSignature *s, const char *t) {
        const char *e = strstr(t, " [#");
        free(s->cause);
        s->cause = e ? strndup(t, (size_t) (e - t)) : strdup(t);
        return s->cause ? 0 : -ENOMEM;
}

/* "INFO: task NAME:PID blocked for more than N seconds." */
static int hung_task_parse(const char *t, CrashSignature *s) {
        const char *p = strstr(t, "INFO: task "), *end = p ? strstr(p, " blocked for") : NULL, *colon = NULL;

        if (!p || !end)
                return 0;
        p += strlen("INFO: task ");
        for (const char *q = p; q < end; q++)
                if (*q == ':')
                        colon = q;
        if (!colon)
                return 0;
        free(s->comm);
        free(s->pid);
        s->comm = strndup(p, (size_t) (colon - p));
        s->pid = strndup(colon + 1, (size_t) (end - colon - 1));
        return s->comm && s->pid ? 0 : -ENOMEM;
}

static int context_take(const Log *log, ssize_t at, CrashSignature *s) {
        DmesgContext c = {};
        int r;

        if (at < 0 || dmesg_context_parse(log->text[at], &c) <= 0)
                return 0;
        r = 0;
        if (!s->comm)
                r = set_str(&s->comm, c.comm);
        if (r >= 0 && !s->pid)
                r = set_str(&s->pid, c.pid);
        if (r >= 0 && !s->taint)
                r = set_str(&s->taint, c.taint);
        dmesg_context_done(&c);
        return r;
}

static int signature_build(const Log *log, CrashSignature *s) {
        ssize_t panic = -1, cause = -1, ctx, trace;
        size_t block_end;
        const char *msg = NULL;
        bool has_rip = false;
        int r;

        for (size_t i = 0; i < log->n && panic < 0; i++) {
                const char *p = strstr(log->text[i], PANIC_PREFIX);
                if (p && !strstr(log->text[i], "---[ end ")) {
                        panic = (ssize_t) i;
                        msg = p + strlen(PANIC_PREFIX);
                }
        }
        for (size_t k = 0; msg && k < ELEMENTSOF(kinds) && cause < 0; k++) {
                if (!strstr(msg, kinds[k].panic_says))
                        continue;
                cause = kinds[k].find(log, (size_t) panic, kinds[k].cause);
                if (cause >= 0) {
                        r = set_str(&s->kind, kinds[k].kind);
                        if (r < 0)
                                return r;
                        has_rip = kinds[k].has_rip;
                }
        }
        if (cause < 0 && panic < 0) {
                /* No panic line (a log's tail, an oops that did not panic). */
                cause = find_oops(log, log->n, NULL);
                if (cause < 0)
                        return -ENODATA;
                has_rip = true;
                r = set_str(&s->kind, "oops");
        } else if (cause < 0) {
                cause = panic;
                r = set_str(&s->kind, "panic");
        } else
                r = 0;
        if (r < 0)
                return r;
        r = cause == panic ? set_str(&s->cause, msg) : set_cause(s, log->text[cause]);
        if (r < 0)
                return r;

        /* What the cause's report holds (an oops's registers and trace, the
         * hung task's stack), up to the panic; else the panic's own. */
        block_end = panic >= 0 ? (size_t) panic : log->n;
        if (streq_ptr(s->kind, "hung-task")) {
                r = hung_task_parse(log->text[cause], s);
                /* Its taint and release come on the next line. */
                if (r >= 0 && (size_t) cause + 1 < log->n)
                        r = context_take(log, cause + 1, s);
                if (r < 0)
                        return r;
        }
        if (has_rip) {
                for (size_t i = (size_t) cause; i < block_end && !s->function; i++) {
                        r = rip_parse(log->text[i], &s->function, &s->module);
                        if (r < 0)
                                return r;
                }
        }
        ctx = find_context(log, (size_t) cause, block_end);
        trace = find_trace(log, (size_t) cause, block_end);
        if (panic >= 0 && trace < 0) {
                ctx = ctx >= 0 ? ctx : find_context(log, (size_t) panic, log->n);
                trace = find_trace(log, (size_t) panic, log->n);
        } else if (panic >= 0 && ctx < 0)
                ctx = find_context(log, (size_t) panic, log->n);
        r = context_take(log, ctx, s);
        if (r < 0)
                return r;
        if (trace >= 0)
                r = trace_frames(log, (size_t) trace + 1, s->function, s->module, &s->frames);
        else if (s->function)
                r = trace_frames(log, log->n, s->function, s->module, &s->frames);
        if (r < 0)
                return r;
        return crash_signature_id(s, &s->id);
}

int crash_signature_parse(char * const *lines, CrashSignature *ret) {
        CrashSignature s = {};
        Log log = {};
        int r;

        assert_return(ret, -EINVAL);
        log.n = strv_length(lines);
        if (log.n == 0)
                return -ENODATA;
        log.text = calloc(log.n, sizeof(char *));
        if (!log.text)
                return -ENOMEM;
        for (size_t i = 0; i < log.n; i++)
                log.text[i] = dmesg_line_text(lines[i]);
        r = signature_build(&log, &s);
        free(log.text);
        if (r < 0) {
                crash_signature_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

char *crash_frames_join(char * const *frames) {
        return frames && frames[0] ? strv_join(frames, ", ") : NULL;
}

int crash_frames_split(const char *line, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));

        assert_return(ret, -EINVAL);
        if (!l)
                return -ENOMEM;
        for (const char *p = line; p && *p;) {
                size_t n = strcspn(p, ",");
                _cleanup_free_ char *f = strndup(p, n);
                if (!f)
                        return -ENOMEM;
                const char *b = f + strspn(f, " ");
                if (*b && strv_extend(&l, b) < 0)
                        return -ENOMEM;
                p += n + (p[n] == ',');
        }
        *ret = TAKE_PTR(l);
        return 0;
}
