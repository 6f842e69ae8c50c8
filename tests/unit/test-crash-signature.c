/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/shared/basic/crash-signature.h on kernel logs as the kernel wrote
 * them (tests/unit/dmesg/: vmcore-dmesg.txt of real crashes in the vm
 * suite's guests, cut to the crash), and what makes two signatures the
 * same. */
#include "crash-signature.h"
#include "dmesg-scan.h"
#include "tests.h"

static void signature_of(const char *name, CrashSignature *ret) {
        _cleanup_free_ char *path = NULL;
        _cleanup_strv_free_ char **lines = NULL;

        ASSERT_TRUE(asprintf(&path, "%s/dmesg/%s", test_srcdir(), name) > 0);
        lines = ASSERT_NOT_NULL(dmesg_read_lines(path));
        test_set_context("%s", name);
        ASSERT_OK(crash_signature_parse(lines, ret));
        ASSERT_EQ(strlen(ASSERT_NOT_NULL(ret->id)), 16);
        fprintf(stderr, "%s: kind=%s cause=\"%s\" function=%s module=%s comm=%s pid=%s taint=\"%s\" id=%s\n", name,
                ret->kind, strempty(ret->cause), strempty(ret->function), strempty(ret->module), strempty(ret->comm),
                strempty(ret->pid), strempty(ret->taint), ret->id);
        for (char **f = ret->frames; f && *f; f++)
                fprintf(stderr, "  %s\n", *f);
}

TEST(sysrq) {
        _cleanup_(crash_signature_done) CrashSignature s = {};
        signature_of("sysrq.txt", &s);
        ASSERT_STREQ(s.kind, "sysrq");
        ASSERT_STREQ(s.cause, "sysrq: Trigger a crash");
        ASSERT_NULL(s.function);
        ASSERT_STREQ(s.comm, "vmtest-guest.sh");
        ASSERT_STREQ(s.pid, "337");
        ASSERT_STREQ(s.taint, "");
        ASSERT_STRV_EQ(s.frames, STRV_MAKE("sysrq_handle_crash", "__handle_sysrq", "write_sysrq_trigger",
                                           "proc_reg_write", "vfs_write", "ksys_write"));
}

/* The same crash on Debian 12's kernel: another release, other offsets,
 * no caller IDs in the log; the same signature. */
TEST(sysrq_across_kernels) {
        _cleanup_(crash_signature_done) CrashSignature a = {}, b = {};
        signature_of("sysrq.txt", &a);
        signature_of("sysrq-6.1.txt", &b);
        ASSERT_STREQ(b.comm, "vmtest-guest.sh");
        ASSERT_STREQ(a.id, b.id);
}

/* QEMU's monitor "nmi" on an idle Debian 13 guest with unknown_nmi_panic:
 * the panic runs in NMI context on the idle task (caller "C0", not a
 * task). The frames are the NMI's own, not where the CPU happened to be. */
TEST(nmi) {
        _cleanup_(crash_signature_done) CrashSignature s = {};
        signature_of("nmi.txt", &s);
        ASSERT_STREQ(s.kind, "nmi");
        ASSERT_STREQ(s.cause, "Uhhuh. NMI received for unknown reason 21 on CPU 0.");
        ASSERT_NULL(s.function);
        ASSERT_STREQ(s.comm, "swapper/0");
        ASSERT_STREQ(s.pid, "0");
        ASSERT_STRV_EQ(s.frames, STRV_MAKE("unknown_nmi_error", "exc_nmi", "end_repeat_nmi"));
}

/* A writer blocked on a frozen ext4 past hung_task_timeout (Debian 13):
 * the task is the one that hung, not khungtaskd that panicked, and the
 * frames its stack without the scheduler. */
TEST(hung_task) {
        _cleanup_(crash_signature_done) CrashSignature s = {};
        signature_of("hung-task.txt", &s);
        ASSERT_STREQ(s.kind, "hung-task");
        ASSERT_STREQ(s.cause, "INFO: task frozenwrite:1066 blocked for more than 10 seconds.");
        ASSERT_STREQ(s.comm, "frozenwrite");
        ASSERT_STREQ(s.pid, "1066");
        ASSERT_STREQ(s.taint, "");
        ASSERT_STRV_EQ(s.frames, STRV_MAKE("percpu_rwsem_wait", "__percpu_down_read", "mnt_want_write", "path_openat",
                                           "do_filp_open", "do_sys_openat2"));
}

/* Kinds differ, so do IDs; the task and the seconds do not count. */
TEST(different_crashes_differ) {
        _cleanup_(crash_signature_done) CrashSignature a = {}, b = {}, c = {};
        signature_of("sysrq.txt", &a);
        signature_of("nmi.txt", &b);
        signature_of("hung-task.txt", &c);
        ASSERT_STRNE(a.id, b.id);
        ASSERT_STRNE(b.id, c.id);
        free(c.comm);
        c.comm = strdup("other");
        free(c.cause);
        c.cause = strdup("INFO: task other:7 blocked for more than 120 seconds.");
        _cleanup_free_ char *id = NULL;
        ASSERT_OK(crash_signature_id(&c, &id));
        ASSERT_STREQ(id, c.id);
}

/* The vm suite's test module oopses in its init with panic_on_oops (Debian
 * 13): the oops kexecs before any panic line, so the log ends with the
 * oops. The function loses its ".constprop.0"; the module and the taint of
 * an unsigned out-of-tree module are named. */
TEST(oops_without_panic_line) {
        _cleanup_(crash_signature_done) CrashSignature s = {};
        signature_of("oops.txt", &s);
        ASSERT_STREQ(s.kind, "oops");
        ASSERT_STREQ(s.cause, "BUG: kernel NULL pointer dereference, address: 0000000000000000");
        ASSERT_STREQ(s.function, "kdumpd_test_oops_write");
        ASSERT_STREQ(s.module, "kdumpd_test_oops");
        ASSERT_STREQ(s.comm, "insmod");
        ASSERT_STREQ(s.pid, "1015");
        ASSERT_STREQ(s.taint, "GOE");
        ASSERT_STRV_EQ(s.frames, STRV_MAKE("kdumpd_test_oops_write [kdumpd_test_oops]", "kdumpd_test_oops_init [kdumpd_test_oops]",
                                           "do_one_initcall", "do_init_module", "init_module_from_file",
                                           "idempotent_init_module"));
}
