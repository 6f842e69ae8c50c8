/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "panic-triggers.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "fileio.h"
#include "macro.h"
#include "strv.h"
#include "sysctl-config.h"

/* What each one is: kdumpd.conf(5) says why each default is what it is. */
static const PanicTriggerInfo trigger_table[_PANIC_TRIGGER_MAX] = {
        [PANIC_TRIGGER_OOPS] = { "oops", { "kernel.panic_on_oops" }, "a kernel oops" },
        /* An NMI nobody claims (the NMI button, a BMC's or hypervisor's
         * "inject NMI"), and the hardware's error NMIs; x86 only. */
        [PANIC_TRIGGER_NMI] = { "nmi",
                                { "kernel.unknown_nmi_panic", "kernel.panic_on_unrecovered_nmi",
                                  "kernel.panic_on_io_nmi" },
                                "an unknown or unrecovered NMI" },
        [PANIC_TRIGGER_HARD_LOCKUP] = { "hard-lockup", { "kernel.hardlockup_panic" },
                                        "a hard lockup (a CPU stuck with interrupts off)" },
        [PANIC_TRIGGER_SOFT_LOCKUP] = { "soft-lockup", { "kernel.softlockup_panic" },
                                        "a soft lockup (a CPU that does not schedule)" },
        [PANIC_TRIGGER_HUNG_TASK] = { "hung-task", { "kernel.hung_task_panic" },
                                      "a task blocked (state D) past the hung task timeout" },
        [PANIC_TRIGGER_WARN] = { "warn", { "kernel.panic_on_warn" }, "a kernel warning (WARN)" },
        [PANIC_TRIGGER_RCU_STALL] = { "rcu-stall", { "kernel.panic_on_rcu_stall" }, "an RCU stall" },
};

const PanicTriggerInfo *panic_trigger_info(PanicTrigger t) {
        return t >= 0 && t < _PANIC_TRIGGER_MAX ? &trigger_table[t] : NULL;
}

const char *panic_trigger_to_string(PanicTrigger t) {
        const PanicTriggerInfo *i = panic_trigger_info(t);
        return i ? i->name : NULL;
}

PanicTrigger panic_trigger_from_string(const char *s) {
        for (PanicTrigger t = 0; s && t < _PANIC_TRIGGER_MAX; t++)
                if (strcmp(s, trigger_table[t].name) == 0)
                        return t;
        return _PANIC_TRIGGER_INVALID;
}

char *panic_trigger_set_to_string(PanicTriggerSet set) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));

        if (!l)
                return NULL;
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++)
                if ((set & PANIC_TRIGGER_BIT(t)) && strv_extend(&l, trigger_table[t].name) < 0)
                        return NULL;
        return l[0] ? strv_join(l, ", ") : strdup("none");
}

/* The trigger a sysctl belongs to. */
static PanicTrigger trigger_of_sysctl(const char *name) {
        if (strcmp(name, PANIC_SYSCTL_HUNG_TASK_TIMEOUT) == 0)
                return PANIC_TRIGGER_HUNG_TASK;
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++)
                for (const char *const *n = trigger_table[t].sysctls; *n; n++)
                        if (strcmp(*n, name) == 0)
                                return t;
        return _PANIC_TRIGGER_INVALID;
}

void sysctl_changes_done(SysctlChanges *c) {
        for (size_t i = 0; i < c->n; i++) {
                free(c->changes[i].name);
                free(c->changes[i].before);
                free(c->changes[i].after);
                free(c->changes[i].source);
        }
        free(c->changes);
        *c = (SysctlChanges) {};
}

int sysctl_change_describe(const SysctlChange *c, int *ret_priority, char **ret) {
        const char *t = panic_trigger_to_string(c->trigger) ?: "panic triggers";
        int prio, k;

        assert_return(c && ret_priority && ret, -EINVAL);
        switch (c->outcome) {
        case SYSCTL_SET:
                prio = LOG_INFO;
                k = asprintf(ret, "%s: %s set to %s (was %s).", t, c->name, strempty(c->after), strempty(c->before));
                break;
        case SYSCTL_ALREADY:
                prio = LOG_DEBUG;
                k = asprintf(ret, "%s: %s is %s already.", t, c->name, strempty(c->after));
                break;
        case SYSCTL_ADMIN:
                prio = LOG_NOTICE;
                k = asprintf(ret, "%s: %s left at %s: %s sets it, and kdumpd does not override that.", t, c->name,
                             strempty(c->after), strempty(c->source));
                break;
        case SYSCTL_CHANGED:
                prio = LOG_NOTICE;
                k = asprintf(ret, "%s: %s left at %s: it was changed after kdumpd set it.", t, c->name,
                             strempty(c->after));
                break;
        case SYSCTL_MISSING:
                prio = LOG_DEBUG;
                k = asprintf(ret, "%s: this kernel has no %s.", t, c->name);
                break;
        case SYSCTL_RESTORED:
                prio = LOG_INFO;
                k = asprintf(ret, "%s: %s put back to %s.", t, c->name, strempty(c->after));
                break;
        case SYSCTL_FAILED:
        default:
                prio = LOG_WARNING;
                k = asprintf(ret, "%s: cannot set %s: %s.", t, c->name, strerror(c->error < 0 ? -c->error : EIO));
                break;
        }
        if (k < 0)
                return -ENOMEM;
        *ret_priority = prio;
        return 0;
}

static int sysctl_path(const char *root, const char *name, char **ret) {
        char *p;
        if (asprintf(&p, "%s/proc/sys/%s", root, name) < 0)
                return -ENOMEM;
        for (char *s = p + strlen(root) + strlen("/proc/sys/"); *s; s++)
                if (*s == '.')
                        *s = '/';
        *ret = p;
        return 0;
}

int sysctl_read(const char *root, const char *name, char **ret) {
        _cleanup_free_ char *path = NULL, *v = NULL;
        int r;

        assert_return(root && name && ret, -EINVAL);
        r = sysctl_path(root, name, &path);
        if (r >= 0)
                r = read_one_line_file(path, &v);
        if (r < 0)
                return r;
        /* Multi-value sysctls separate with tabs; ours are one number. */
        v[strcspn(v, " \t")] = 0;
        *ret = TAKE_PTR(v);
        return 0;
}

int sysctl_write(const char *root, const char *name, const char *value) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        assert_return(root && name && value, -EINVAL);
        r = sysctl_path(root, name, &path);
        if (r < 0)
                return r;
        /* Not O_CREAT: a sysctl the kernel lacks stays missing. */
        fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        r = loop_write(fd, value, strlen(value));
        if (r >= 0)
                r = loop_write(fd, "\n", 1);
        return r;
}

/* The saved state: "NAME BEFORE AFTER" a line. */
typedef struct Saved {
        char *name, *before, *after;
} Saved;

typedef struct SavedState {
        Saved *l;
        size_t n;
} SavedState;

static void saved_state_done(SavedState *s) {
        for (size_t i = 0; i < s->n; i++) {
                free(s->l[i].name);
                free(s->l[i].before);
                free(s->l[i].after);
        }
        free(s->l);
        *s = (SavedState) {};
}

static Saved *saved_find(SavedState *s, const char *name) {
        for (size_t i = 0; i < s->n; i++)
                if (streq_ptr(s->l[i].name, name))
                        return &s->l[i];
        return NULL;
}

static void saved_drop(SavedState *s, Saved *e) {
        if (!e)
                return;
        free(e->name);
        free(e->before);
        free(e->after);
        *e = (Saved) {}; /* a hole: not written back */
}

static int saved_add(SavedState *s, const char *name, const char *before, const char *after) {
        Saved *nl = realloc(s->l, (s->n + 1) * sizeof(*nl));
        if (!nl)
                return -ENOMEM;
        s->l = nl;
        s->l[s->n] = (Saved) { strdup(name), strdup(before), strdup(after) };
        if (!s->l[s->n].name || !s->l[s->n].before || !s->l[s->n].after) {
                saved_drop(s, &s->l[s->n]);
                return -ENOMEM;
        }
        s->n++;
        return 0;
}

/* A state that cannot be read is none: nothing is put back, nothing is
 * lost that was not lost already. A line that is not three words is
 * skipped. */
static int saved_state_read(const char *path, SavedState *ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **lines = NULL;
        SavedState s = {};
        int r;

        *ret = s;
        r = read_text_file(path, &text);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        r = strv_split_lines(text, &lines);
        if (r < 0)
                return r;
        for (char **l = lines; *l; l++) {
                char name[256], before[64], after[64], extra;
                if (**l == '#' || sscanf(*l, "%255s %63s %63s %c", name, before, after, &extra) != 3)
                        continue;
                r = saved_add(&s, name, before, after);
                if (r < 0) {
                        saved_state_done(&s);
                        return r;
                }
        }
        *ret = s;
        return 0;
}

static int saved_state_write(const char *path, const SavedState *s) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, kept = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fputs("# The sysctls kdumpd set for its panic_triggers while a capture kernel is loaded:\n"
              "# NAME, the value it found, the value it wrote. Put back when it unloads; see kdumpd(8).\n",
              f);
        for (size_t i = 0; i < s->n; i++)
                if (s->l[i].name) {
                        fprintf(f, "%s %s %s\n", s->l[i].name, s->l[i].before, s->l[i].after);
                        kept++;
                }
        if (fclose(f) != 0)
                return -ENOMEM;
        if (kept == 0)
                return unlink(path) < 0 && errno != ENOENT ? negative_errno() : 0;
        return write_file_atomic(path, buf, size, 0644);
}

static int change_add(SysctlChanges *c, const char *name, PanicTrigger t, SysctlOutcome o, const char *before,
                      const char *after, const char *source, int error) {
        SysctlChange *nl;

        if (!c)
                return 0;
        nl = realloc(c->changes, (c->n + 1) * sizeof(*nl));
        if (!nl)
                return -ENOMEM;
        c->changes = nl;
        c->changes[c->n] = (SysctlChange) {
                .name = strdup(name),
                .trigger = t,
                .outcome = o,
                .before = before ? strdup(before) : NULL,
                .after = after ? strdup(after) : NULL,
                .source = source ? strdup(source) : NULL,
                .error = error,
        };
        c->n++;
        return c->changes[c->n - 1].name ? 0 : -ENOMEM;
}

/* One sysctl of a trigger, toward want (NULL: not wanted). */
static int apply_one(const PanicTriggersApply *a, SavedState *s, SysctlChanges *c, PanicTrigger t, const char *name,
                     const char *want) {
        _cleanup_free_ char *now = NULL, *source = NULL, *value = NULL;
        Saved *e = saved_find(s, name);
        int r;

        r = sysctl_read(a->root, name, &now);
        if (r == -ENOENT || r == -ENOTDIR) {
                saved_drop(s, e);
                return want ? change_add(c, name, t, SYSCTL_MISSING, NULL, NULL, NULL, 0) : 0;
        }
        if (r < 0)
                return change_add(c, name, t, SYSCTL_FAILED, NULL, NULL, NULL, r) < 0 ? -ENOMEM : r;
        if (e && strcmp(now, e->after) != 0) {
                /* Someone wrote it after kdumpd did: theirs now. */
                saved_drop(s, e);
                return change_add(c, name, t, SYSCTL_CHANGED, now, now, NULL, 0);
        }
        r = sysctl_config_find(a->root, name, &source, &value);
        if (r < 0)
                return r;
        if (r > 0) {
                /* The machine's configuration sets it: never written, and
                 * what kdumpd wrote before is the admin's to decide. */
                saved_drop(s, e);
                return want ? change_add(c, name, t, SYSCTL_ADMIN, now, now, source, 0) : 0;
        }
        if (want) {
                if (strcmp(now, want) == 0)
                        return change_add(c, name, t, SYSCTL_ALREADY, now, now, NULL, 0);
                r = sysctl_write(a->root, name, want);
                if (r < 0)
                        return change_add(c, name, t, SYSCTL_FAILED, now, now, NULL, r) < 0 ? -ENOMEM : r;
                if (!e && saved_add(s, name, now, want) < 0)
                        return -ENOMEM;
                if (e) {
                        char *w = strdup(want);
                        if (!w)
                                return -ENOMEM;
                        free(e->after);
                        e->after = w;
                }
                return change_add(c, name, t, SYSCTL_SET, now, want, NULL, 0);
        }
        if (!e)
                return 0; /* not wanted, not kdumpd's: nothing to do */
        r = sysctl_write(a->root, name, e->before);
        if (r < 0)
                return change_add(c, name, t, SYSCTL_FAILED, now, now, NULL, r) < 0 ? -ENOMEM : r;
        r = change_add(c, name, t, SYSCTL_RESTORED, now, e->before, NULL, 0);
        saved_drop(s, e);
        return r;
}

int panic_triggers_apply(const PanicTriggersApply *a, SysctlChanges *ret_changes) {
        _cleanup_(saved_state_done) SavedState s = {};
        SysctlChanges c = {};
        char timeout[16];
        int r, first = 0;

        assert_return(a && a->root && a->state_path, -EINVAL);
        r = saved_state_read(a->state_path, &s);
        if (r < 0)
                return r;
        snprintf(timeout, sizeof(timeout), "%u", a->hung_task_timeout);
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++) {
                bool on = a->wanted & PANIC_TRIGGER_BIT(t);
                for (const char *const *n = trigger_table[t].sysctls; *n; n++) {
                        r = apply_one(a, &s, ret_changes ? &c : NULL, t, *n, on ? "1" : NULL);
                        if (r < 0 && first == 0)
                                first = r;
                }
                if (t == PANIC_TRIGGER_HUNG_TASK) {
                        r = apply_one(a, &s, ret_changes ? &c : NULL, t, PANIC_SYSCTL_HUNG_TASK_TIMEOUT,
                                      on && a->hung_task_timeout > 0 ? timeout : NULL);
                        if (r < 0 && first == 0)
                                first = r;
                }
        }
        r = saved_state_write(a->state_path, &s);
        if (r < 0 && first == 0)
                first = r;
        if (ret_changes)
                *ret_changes = c;
        return first;
}

int panic_triggers_restore(const char *root, const char *state_path, SysctlChanges *ret_changes) {
        _cleanup_(saved_state_done) SavedState s = {};
        SysctlChanges c = {};
        SysctlChanges *cp = ret_changes ? &c : NULL;
        int r, first = 0, restored = 0;

        assert_return(root && state_path, -EINVAL);
        r = saved_state_read(state_path, &s);
        if (r < 0)
                return r;
        for (size_t i = 0; i < s.n; i++) {
                _cleanup_free_ char *now = NULL, *source = NULL;
                Saved *e = &s.l[i];
                SysctlOutcome o;
                r = sysctl_read(root, e->name, &now);
                if (r == -ENOENT || r == -ENOTDIR) {
                        saved_drop(&s, e);
                        continue;
                }
                if (r >= 0)
                        r = sysctl_config_find(root, e->name, &source, NULL);
                if (r < 0) {
                        if (first == 0)
                                first = r;
                        continue;
                }
                if (strcmp(now, e->after) != 0)
                        o = SYSCTL_CHANGED; /* someone else's value now */
                else if (r > 0)
                        o = SYSCTL_ADMIN; /* the machine's configuration sets it now */
                else {
                        r = sysctl_write(root, e->name, e->before);
                        if (r < 0) {
                                /* Kept in the state: tried again at the next unload. */
                                if (change_add(cp, e->name, trigger_of_sysctl(e->name), SYSCTL_FAILED, now, now, NULL,
                                               r) < 0)
                                        r = -ENOMEM;
                                if (first == 0)
                                        first = r;
                                continue;
                        }
                        o = SYSCTL_RESTORED;
                        restored++;
                }
                r = change_add(cp, e->name, trigger_of_sysctl(e->name), o, now, o == SYSCTL_RESTORED ? e->before : now,
                               source, 0);
                if (r < 0 && first == 0)
                        first = r;
                saved_drop(&s, e);
        }
        r = saved_state_write(state_path, &s);
        if (r < 0 && first == 0)
                first = r;
        if (ret_changes)
                *ret_changes = c;
        return first < 0 ? first : restored;
}

void panic_trigger_state_done(PanicTriggerState *s) {
        free(s->timeout);
        free(s->admin);
        free(s->off_sysctl);
        *s = (PanicTriggerState) {};
}

int panic_trigger_state_read(const char *root, const char *state_path, PanicTrigger t, PanicTriggerState *ret) {
        _cleanup_(saved_state_done) SavedState saved = {};
        const PanicTriggerInfo *info = panic_trigger_info(t);
        PanicTriggerState s = { .active = true };
        int r;

        assert_return(root && info && ret, -EINVAL);
        if (state_path && saved_state_read(state_path, &saved) < 0)
                saved = (SavedState) {};
        for (const char *const *n = info->sysctls; *n; n++) {
                _cleanup_free_ char *now = NULL, *source = NULL, *value = NULL;
                Saved *e;
                r = sysctl_read(root, *n, &now);
                if (r == -ENOENT || r == -ENOTDIR)
                        continue;
                if (r < 0)
                        goto fail;
                s.present = true;
                e = saved_find(&saved, *n);
                if (e && strcmp(e->after, now) == 0)
                        s.by_kdumpd = true;
                if (strcmp(now, "1") != 0) {
                        s.active = false;
                        if (!s.off_sysctl && asprintf(&s.off_sysctl, "%s = %s", *n, now) < 0)
                                goto oom;
                }
                r = sysctl_config_find(root, *n, &source, &value);
                if (r < 0)
                        goto fail;
                if (r > 0 && !s.admin && asprintf(&s.admin, "%s = %s in %s", *n, value, source) < 0)
                        goto oom;
        }
        if (t == PANIC_TRIGGER_HUNG_TASK) {
                r = sysctl_read(root, PANIC_SYSCTL_HUNG_TASK_TIMEOUT, &s.timeout);
                if (r < 0 && r != -ENOENT)
                        goto fail;
                /* A timeout of 0 turns the detector off. */
                if (s.timeout && strcmp(s.timeout, "0") == 0) {
                        s.active = false;
                        if (!s.off_sysctl &&
                            asprintf(&s.off_sysctl, "%s = 0", PANIC_SYSCTL_HUNG_TASK_TIMEOUT) < 0)
                                goto oom;
                }
        }
        s.active = s.active && s.present;
        *ret = s;
        return 0;
oom:
        r = -ENOMEM;
fail:
        panic_trigger_state_done(&s);
        return r;
}
