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
