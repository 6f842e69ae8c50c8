/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/basic/panic-triggers.h and sysctl-config.h against a fake
 * /proc/sys (regular files) under a root: which sysctls a set of triggers
 * writes, what is written down and put back, and the two rules that keep
 * kdumpd from fighting the admin: a sysctl.d file's sysctl is never
 * written, a value someone changed is never put back. */
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "fileio.h"
#include "panic-triggers.h"
#include "sysctl-config.h"
#include "tests.h"

static const char *const all_sysctls[] = {
        "kernel/panic_on_oops",      "kernel/unknown_nmi_panic", "kernel/panic_on_unrecovered_nmi",
        "kernel/panic_on_io_nmi",    "kernel/hardlockup_panic",  "kernel/softlockup_panic",
        "kernel/hung_task_panic",    "kernel/panic_on_warn",     "kernel/panic_on_rcu_stall",
};

/* A root with every sysctl at 0 and the hung task timeout at 120, as a
 * Debian kernel boots; and a run directory for the state. */
static const char *fake_root(void) {
        const char *root = test_tmpdir();
        for (size_t i = 0; i < ELEMENTSOF(all_sysctls); i++) {
                _cleanup_free_ char *rel = NULL;
                ASSERT_TRUE(asprintf(&rel, "proc/sys/%s", all_sysctls[i]) > 0);
                free(test_write_file(root, rel, "0\n"));
        }
        free(test_write_file(root, "proc/sys/kernel/hung_task_timeout_secs", "120\n"));
        free(test_write_file(root, "proc/cmdline", "root=/dev/vda ro quiet\n"));
        free(test_write_file(root, "run/kdump/.keep", ""));
        return root;
}

static char *state_path(const char *root) {
        return test_path(root, "run/kdump/panic-triggers");
}

static char *value(const char *root, const char *name) {
        char *v = NULL;
        ASSERT_OK(sysctl_read(root, name, &v));
        return v;
}

#define ASSERT_SYSCTL(root, name, want)                                                               \
        do {                                                                                          \
                _cleanup_free_ char *_v_ = value(root, name);                                         \
                ASSERT_STREQ(_v_, want);                                                              \
        } while (0)

static const SysctlChange *change_of(const SysctlChanges *c, const char *name) {
        for (size_t i = 0; i < c->n; i++)
                if (strcmp(c->changes[i].name, name) == 0)
                        return &c->changes[i];
        return NULL;
}

TEST(names) {
        ASSERT_EQ(panic_trigger_from_string("oops"), PANIC_TRIGGER_OOPS);
        ASSERT_EQ(panic_trigger_from_string("hung-task"), PANIC_TRIGGER_HUNG_TASK);
        ASSERT_EQ(panic_trigger_from_string("hung_task"), -EINVAL);
        ASSERT_EQ(panic_trigger_from_string(NULL), -EINVAL);
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++) {
                ASSERT_EQ(panic_trigger_from_string(panic_trigger_to_string(t)), t);
                ASSERT_NOT_NULL(panic_trigger_info(t)->sysctls[0]);
                ASSERT_NOT_NULL(panic_trigger_info(t)->what);
        }
        ASSERT_NULL(panic_trigger_to_string(_PANIC_TRIGGER_MAX));
        _cleanup_free_ char *d = panic_trigger_set_to_string(PANIC_TRIGGERS_DEFAULT);
        ASSERT_STREQ(d, "oops, nmi, hard-lockup");
        _cleanup_free_ char *none = panic_trigger_set_to_string(0);
        ASSERT_STREQ(none, "none");
}

TEST(apply_defaults_then_restore) {
        const char *root = fake_root();
        _cleanup_free_ char *state = state_path(root), *text = NULL;
        _cleanup_(sysctl_changes_done) SysctlChanges c = {}, back = {};
        PanicTriggersApply a = { .root = root, .state_path = state, .wanted = PANIC_TRIGGERS_DEFAULT };

        ASSERT_OK(panic_triggers_apply(&a, &c));
        ASSERT_SYSCTL(root, "kernel.panic_on_oops", "1");
        ASSERT_SYSCTL(root, "kernel.unknown_nmi_panic", "1");
        ASSERT_SYSCTL(root, "kernel.panic_on_unrecovered_nmi", "1");
        ASSERT_SYSCTL(root, "kernel.panic_on_io_nmi", "1");
        ASSERT_SYSCTL(root, "kernel.hardlockup_panic", "1");
        /* Not asked for: untouched. */
        ASSERT_SYSCTL(root, "kernel.softlockup_panic", "0");
        ASSERT_SYSCTL(root, "kernel.hung_task_panic", "0");
        ASSERT_SYSCTL(root, "kernel.hung_task_timeout_secs", "120");
        ASSERT_EQ(c.n, 5);
        ASSERT_EQ(change_of(&c, "kernel.panic_on_oops")->outcome, SYSCTL_SET);
        ASSERT_EQ(change_of(&c, "kernel.panic_on_oops")->trigger, PANIC_TRIGGER_OOPS);
        ASSERT_STREQ(change_of(&c, "kernel.panic_on_oops")->before, "0");
        ASSERT_NULL(change_of(&c, "kernel.softlockup_panic"));

        text = test_read_file(state);
        ASSERT_CONTAINS(text, "\nkernel.panic_on_oops 0 1\n");
        ASSERT_CONTAINS(text, "\nkernel.hardlockup_panic 0 1\n");
        ASSERT_NOT_CONTAINS(text, "softlockup");

        /* Armed again with the same: nothing to write, the state stays. */
        sysctl_changes_done(&c);
        ASSERT_OK(panic_triggers_apply(&a, &c));
        ASSERT_EQ(change_of(&c, "kernel.panic_on_oops")->outcome, SYSCTL_ALREADY);
        free(text);
        text = test_read_file(state);
        ASSERT_CONTAINS(text, "\nkernel.panic_on_oops 0 1\n");

        ASSERT_EQ(ASSERT_OK(panic_triggers_restore(root, state, &back)), 5);
        ASSERT_SYSCTL(root, "kernel.panic_on_oops", "0");
        ASSERT_SYSCTL(root, "kernel.unknown_nmi_panic", "0");
        ASSERT_SYSCTL(root, "kernel.hardlockup_panic", "0");
        ASSERT_EQ(change_of(&back, "kernel.panic_on_oops")->outcome, SYSCTL_RESTORED);
        ASSERT_EQ(change_of(&back, "kernel.panic_on_oops")->trigger, PANIC_TRIGGER_OOPS);
        ASSERT_TRUE(access(state, F_OK) < 0 && errno == ENOENT);
        /* Nothing saved: nothing to do. */
        ASSERT_EQ(ASSERT_OK(panic_triggers_restore(root, state, NULL)), 0);
}

/* A value the kernel had already (the admin's, or a boot parameter) is
 * not kdumpd's: not written down, not put back. */
TEST(already_on_is_not_ours) {
        const char *root = fake_root();
        _cleanup_free_ char *state = state_path(root);
        PanicTriggersApply a = { .root = root, .state_path = state,
                                 .wanted = PANIC_TRIGGER_BIT(PANIC_TRIGGER_OOPS) };

        ASSERT_OK(sysctl_write(root, "kernel.panic_on_oops", "1"));
        ASSERT_OK(panic_triggers_apply(&a, NULL));
        ASSERT_TRUE(access(state, F_OK) < 0);
        ASSERT_EQ(ASSERT_OK(panic_triggers_restore(root, state, NULL)), 0);
        ASSERT_SYSCTL(root, "kernel.panic_on_oops", "1");
}

/* Reloaded with fewer triggers: those dropped are put back now. */
TEST(apply_fewer_restores_dropped) {
        const char *root = fake_root();
        _cleanup_free_ char *state = state_path(root), *text = NULL;
        _cleanup_(sysctl_changes_done) SysctlChanges c = {};
        PanicTriggersApply a = {
                .root = root,
                .state_path = state,
                .wanted = PANIC_TRIGGER_BIT(PANIC_TRIGGER_OOPS) | PANIC_TRIGGER_BIT(PANIC_TRIGGER_HUNG_TASK),
                .hung_task_timeout = 30,
        };

        ASSERT_OK(panic_triggers_apply(&a, NULL));
        ASSERT_SYSCTL(root, "kernel.hung_task_panic", "1");
        ASSERT_SYSCTL(root, "kernel.hung_task_timeout_secs", "30");
        a.wanted = PANIC_TRIGGER_BIT(PANIC_TRIGGER_OOPS);
        ASSERT_OK(panic_triggers_apply(&a, &c));
        ASSERT_SYSCTL(root, "kernel.hung_task_panic", "0");
        ASSERT_SYSCTL(root, "kernel.hung_task_timeout_secs", "120");
        ASSERT_EQ(change_of(&c, "kernel.hung_task_timeout_secs")->outcome, SYSCTL_RESTORED);
        ASSERT_SYSCTL(root, "kernel.panic_on_oops", "1");
        text = test_read_file(state);
        ASSERT_NOT_CONTAINS(text, "hung_task");
        ASSERT_CONTAINS(text, "kernel.panic_on_oops 0 1");

        /* Without a timeout of its own, hung-task keeps the kernel's. */
        a.wanted |= PANIC_TRIGGER_BIT(PANIC_TRIGGER_HUNG_TASK);
        a.hung_task_timeout = 0;
        ASSERT_OK(panic_triggers_apply(&a, NULL));
        ASSERT_SYSCTL(root, "kernel.hung_task_panic", "1");
        ASSERT_SYSCTL(root, "kernel.hung_task_timeout_secs", "120");
}

/* Someone set a value after kdumpd did: it stays theirs. */
TEST(changed_since_is_left_alone) {
        const char *root = fake_root();
        _cleanup_free_ char *state = state_path(root);
        _cleanup_(sysctl_changes_done) SysctlChanges c = {}, back = {};
        PanicTriggersApply a = { .root = root, .state_path = state, .wanted = PANIC_TRIGGERS_DEFAULT };

        ASSERT_OK(panic_triggers_apply(&a, NULL));
        ASSERT_OK(sysctl_write(root, "kernel.panic_on_oops", "0")); /* sysctl -w */
        ASSERT_OK(panic_triggers_apply(&a, &c));
        ASSERT_EQ(change_of(&c, "kernel.panic_on_oops")->outcome, SYSCTL_CHANGED);
        ASSERT_SYSCTL(root, "kernel.panic_on_oops", "0");

        /* On unload too: only kdumpd's own values are put back. */
        ASSERT_OK(sysctl_write(root, "kernel.hardlockup_panic", "2"));
        ASSERT_EQ(ASSERT_OK(panic_triggers_restore(root, state, &back)), 3);
        ASSERT_EQ(change_of(&back, "kernel.hardlockup_panic")->outcome, SYSCTL_CHANGED);
        ASSERT_SYSCTL(root, "kernel.hardlockup_panic", "2");
        ASSERT_SYSCTL(root, "kernel.unknown_nmi_panic", "0");
}

/* A sysctl.d file that sets a trigger's sysctl: never written. */
TEST(admin_sysctl_d_is_respected) {
        const char *root = fake_root();
        _cleanup_free_ char *state = state_path(root);
        _cleanup_(sysctl_changes_done) SysctlChanges c = {}, back = {};
        PanicTriggersApply a = { .root = root, .state_path = state, .wanted = PANIC_TRIGGERS_DEFAULT };

        free(test_write_file(root, "etc/sysctl.d/90-no-oops-panic.conf",
                             "# ours\n  kernel.panic_on_oops = 0  \nkernel.pid_max=4194304\n"));
        ASSERT_OK(panic_triggers_apply(&a, &c));
        const SysctlChange *o = change_of(&c, "kernel.panic_on_oops");
        ASSERT_EQ(o->outcome, SYSCTL_ADMIN);
        ASSERT_STREQ(o->source, "/etc/sysctl.d/90-no-oops-panic.conf");
        ASSERT_SYSCTL(root, "kernel.panic_on_oops", "0");
        ASSERT_SYSCTL(root, "kernel.hardlockup_panic", "1");

        /* A file written while armed: kdumpd does not put back a sysctl
         * the machine's configuration sets now. */
        free(test_write_file(root, "etc/sysctl.d/91-hard.conf", "kernel/hardlockup_panic=1\n"));
        ASSERT_EQ(ASSERT_OK(panic_triggers_restore(root, state, &back)), 3);
        ASSERT_EQ(change_of(&back, "kernel.hardlockup_panic")->outcome, SYSCTL_ADMIN);
        ASSERT_SYSCTL(root, "kernel.hardlockup_panic", "1");
        ASSERT_SYSCTL(root, "kernel.unknown_nmi_panic", "0");
}

TEST(sysctl_config_rules) {
        const char *root = test_tmpdir();
        _cleanup_free_ char *src = NULL, *val = NULL;

        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.panic_on_oops", &src, &val)), 0);
        ASSERT_NULL(src);

        /* A vendor file, hidden by a file of its name in /etc. */
        free(test_write_file(root, "usr/lib/sysctl.d/50-vendor.conf", "kernel.panic_on_oops = 1\n"));
        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.panic_on_oops", &src, &val)), 1);
        ASSERT_STREQ(src, "/usr/lib/sysctl.d/50-vendor.conf");
        ASSERT_STREQ(val, "1");
        free(src), free(val), src = val = NULL;
        free(test_write_file(root, "etc/sysctl.d/50-vendor.conf", "# nothing\n"));
        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.panic_on_oops", &src, &val)), 0);

        /* The kernel command line, then files in the order of their
         * names: the last one wins; '-', '/' and globs as systemd reads them. */
        free(test_write_file(root, "proc/cmdline", "ro sysctl.kernel.softlockup_panic=1 quiet\n"));
        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.softlockup_panic", &src, &val)), 1);
        ASSERT_STREQ(src, "the kernel command line");
        free(src), free(val), src = val = NULL;
        free(test_write_file(root, "run/sysctl.d/10-a.conf", "-kernel/softlockup_panic = 0\n"));
        free(test_write_file(root, "etc/sysctl.d/20-b.conf", "; comment\nkernel.*lockup_panic=2\n"));
        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.softlockup_panic", &src, &val)), 1);
        ASSERT_STREQ(src, "/etc/sysctl.d/20-b.conf");
        ASSERT_STREQ(val, "2");
        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.hardlockup_panic", NULL, NULL)), 1);
        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.panic_on_warn", NULL, NULL)), 0);
        /* Not a .conf file: not read. */
        free(test_write_file(root, "etc/sysctl.d/README", "kernel.panic_on_warn = 1\n"));
        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.panic_on_warn", NULL, NULL)), 0);
        free(test_write_file(root, "etc/sysctl.conf", "kernel.panic_on_warn = 1\n"));
        ASSERT_EQ(ASSERT_OK(sysctl_config_find(root, "kernel.panic_on_warn", NULL, NULL)), 1);
}

/* The NMI sysctls exist on x86 only; hardlockup_panic only with the
 * hard lockup detector built in. */
TEST(missing_sysctls_are_skipped) {
        const char *root = fake_root();
        _cleanup_free_ char *state = state_path(root), *p = test_path(root, "proc/sys/kernel/panic_on_io_nmi");
        _cleanup_(sysctl_changes_done) SysctlChanges c = {};
        _cleanup_(panic_trigger_state_done) PanicTriggerState st = {};
        PanicTriggersApply a = { .root = root, .state_path = state, .wanted = PANIC_TRIGGERS_DEFAULT };

        ASSERT_EQ(unlink(p), 0);
        ASSERT_OK(panic_triggers_apply(&a, &c));
        ASSERT_EQ(change_of(&c, "kernel.panic_on_io_nmi")->outcome, SYSCTL_MISSING);
        ASSERT_SYSCTL(root, "kernel.unknown_nmi_panic", "1");
        ASSERT_TRUE(access(p, F_OK) < 0); /* never created */
        ASSERT_OK(panic_trigger_state_read(root, state, PANIC_TRIGGER_NMI, &st));
        ASSERT_TRUE(st.present && st.active && st.by_kdumpd);
}

TEST(state_for_status) {
        const char *root = fake_root();
        _cleanup_free_ char *state = state_path(root);
        _cleanup_(panic_trigger_state_done) PanicTriggerState oops = {}, hung = {}, soft = {}, warn = {};
        PanicTriggersApply a = { .root = root, .state_path = state,
                                 .wanted = PANIC_TRIGGER_BIT(PANIC_TRIGGER_OOPS) };

        free(test_write_file(root, "etc/sysctl.d/90-admin.conf", "kernel.softlockup_panic = 0\n"));
        ASSERT_OK(sysctl_write(root, "kernel.hung_task_panic", "1"));
        ASSERT_OK(sysctl_write(root, "kernel.panic_on_warn", "1"));
        ASSERT_OK(sysctl_write(root, "kernel.hung_task_timeout_secs", "0"));
        ASSERT_OK(panic_triggers_apply(&a, NULL));

        ASSERT_OK(panic_trigger_state_read(root, state, PANIC_TRIGGER_OOPS, &oops));
        ASSERT_TRUE(oops.present && oops.active && oops.by_kdumpd);
        ASSERT_NULL(oops.admin);
        ASSERT_OK(panic_trigger_state_read(root, state, PANIC_TRIGGER_SOFT_LOCKUP, &soft));
        ASSERT_TRUE(soft.present && !soft.active && !soft.by_kdumpd);
        ASSERT_STREQ(soft.admin, "kernel.softlockup_panic = 0 in /etc/sysctl.d/90-admin.conf");
        ASSERT_STREQ(soft.off_sysctl, "kernel.softlockup_panic = 0");
        /* hung_task_panic = 1 with the detector off is no trigger. */
        ASSERT_OK(panic_trigger_state_read(root, state, PANIC_TRIGGER_HUNG_TASK, &hung));
        ASSERT_FALSE(hung.active);
        ASSERT_STREQ(hung.timeout, "0");
        ASSERT_STREQ(hung.off_sysctl, "kernel.hung_task_timeout_secs = 0");
        /* The machine's own, not kdumpd's. */
        ASSERT_OK(panic_trigger_state_read(root, state, PANIC_TRIGGER_WARN, &warn));
        ASSERT_TRUE(warn.active && !warn.by_kdumpd);
}

/* A state file that is damaged is read as far as it goes. */
TEST(state_file_damaged) {
        const char *root = fake_root();
        _cleanup_free_ char *state = state_path(root);

        ASSERT_OK(sysctl_write(root, "kernel.panic_on_oops", "1"));
        free(test_write_file(root, "run/kdump/panic-triggers",
                             "# comment\ngarbage\nkernel.panic_on_oops 0 1\nkernel.x 1 2 3\n"));
        ASSERT_EQ(ASSERT_OK(panic_triggers_restore(root, state, NULL)), 1);
        ASSERT_SYSCTL(root, "kernel.panic_on_oops", "0");
}

/* kdump.service keeps /proc/sys read-only but for these: each sysctl a
 * trigger writes must be there, or kdumpd gets EROFS in the real unit. */
TEST(unit_file_lets_every_sysctl_be_written) {
        _cleanup_free_ char *path = NULL, *unit = NULL;

        ASSERT_TRUE(asprintf(&path, "%s/../../units/kdump.service.in", test_srcdir()) > 0);
        unit = test_read_file(path);
        ASSERT_CONTAINS(unit, "\nProtectKernelTunables=yes\n");
        for (PanicTrigger t = 0; t < _PANIC_TRIGGER_MAX; t++)
                for (const char *const *n = panic_trigger_info(t)->sysctls; *n; n++) {
                        _cleanup_free_ char *want = NULL;
                        ASSERT_TRUE(asprintf(&want, "-/proc/sys/%s", *n) > 0);
                        for (char *p = want + strlen("-/proc/sys/"); *p; p++)
                                if (*p == '.')
                                        *p = '/';
                        test_set_context("%s", want);
                        ASSERT_CONTAINS(unit, want);
                }
        ASSERT_CONTAINS(unit, "-/proc/sys/kernel/hung_task_timeout_secs");
}

TEST(describe) {
        SysctlChange c = { .name = (char *) "kernel.panic_on_oops", .trigger = PANIC_TRIGGER_OOPS,
                           .outcome = SYSCTL_ADMIN, .before = (char *) "0", .after = (char *) "0",
                           .source = (char *) "/etc/sysctl.d/90-x.conf" };
        _cleanup_free_ char *a = NULL, *b = NULL;
        int prio;

        ASSERT_OK(sysctl_change_describe(&c, &prio, &a));
        ASSERT_STREQ(a, "oops: kernel.panic_on_oops left at 0: /etc/sysctl.d/90-x.conf sets it, and kdumpd does "
                        "not override that.");
        ASSERT_EQ(prio, LOG_NOTICE);
        c.outcome = SYSCTL_SET;
        c.after = (char *) "1";
        ASSERT_OK(sysctl_change_describe(&c, &prio, &b));
        ASSERT_STREQ(b, "oops: kernel.panic_on_oops set to 1 (was 0).");
        ASSERT_EQ(prio, LOG_INFO);
}
