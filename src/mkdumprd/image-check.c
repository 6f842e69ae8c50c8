/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "image-check.h"

#include <errno.h>
#include <string.h>

#include "image-paths.h"
#include "initramfs-inspect.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

/* An entry the image must hold: a program found the way the image's PATH
 * finds it (a bare name), or a path (absolute, from the image's root). */
typedef struct Planned {
        const char *what;  /* for the message: "kdump_post", "extra_bins" */
        const char *entry; /* "/usr/bin/true", "dbclient" */
        bool executable;
} Planned;

static bool image_has(const InitramfsInfo *info, const Planned *p) {
        const InitramfsEntry *e;

        if (!strchr(p->entry, '/'))
                return initramfs_info_find_program(info, p->entry) != NULL;
        e = initramfs_info_resolve(info, p->entry + strspn(p->entry, "/"));
        return e && (!p->executable || initramfs_entry_is_executable(e));
}

/* Everything the build asked the dracut module for, as a list. */
static int planned_entries(const ImagePlan *plan, Planned **ret, size_t *ret_n) {
        _cleanup_free_ Planned *l = NULL;
        size_t n = 0, max = 16 + strv_length(plan->hooks) + strv_length(plan->extra_bins);

        l = calloc(max, sizeof(Planned));
        if (!l)
                return -ENOMEM;
#define ADD(w, e, x) do { if (e) l[n++] = (Planned) { w, e, x }; } while (0)
        ADD("the capture program", "/init", true);
        ADD("core_collector", plan->collector, true);
        ADD("the dmesg extractor", "makedumpfile", true);
        ADD("the dracut module's installkernel()", "/etc/kdump/module-done.installkernel", false);
        ADD("the dracut module's install()", "/etc/kdump/module-done.install", false);
        ADD("the target's module list", "/etc/kdump/modules", false);
        ADD("kdump_pre", plan->pre, true);
        ADD("kdump_post", plan->post, true);
        ADD("kdump_emergency", plan->emergency, true);
        for (char * const *h = plan->hooks; h && *h; h++)
                ADD("a hook of /etc/kdump/{pre,post,emergency}.d", *h, true);
        for (char * const *b = plan->extra_bins; b && *b; b++)
                ADD("extra_bins", *b, false);
        if (plan->network)
                ADD("the network plan", "/etc/kdump/net", false);
        if (plan->ssh) {
                ADD("the ssh client", "dbclient", true);
                ADD("the ssh key", "/etc/kdump/ssh/id_dropbear", false);
                ADD("the ssh server's host keys", "/etc/kdump/ssh/.ssh/known_hosts", false);
        }
        if (plan->shell)
                ADD("failure_action shell", "/bin/sh", true);
        if (plan->root)
                ADD("the real root's spec", "/etc/kdump/root", false);
        if (plan->lvm) {
                ADD("the LVM plan", "/etc/kdump/lvm", false);
                ADD("lvm", "lvm", true);
        }
#undef ADD
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

int image_check(const char *image, const ImagePlan *plan, const char *final) {
        _cleanup_(initramfs_info_done) InitramfsInfo info = {};
        _cleanup_free_ Planned *want = NULL;
        size_t n = 0;
        int r;

        assert_return(image && plan && plan->kver && plan->collector && final, -EINVAL);
        r = initramfs_inspect(image, &info);
        if (r == -EOPNOTSUPP) { /* dracut_args chose lz4, bzip2, …: the kernel may read it, this check cannot */
                log_warning("The capture initramfs for %s is compressed in a way kdumpd cannot read back: whether it "
                            "holds what the build put in is not checked.", plan->kver);
                return 0;
        }
        if (r < 0)
                return log_error_errno(r == -ENOMEM ? r : -ENOEXEC,
                                       "error: the capture initramfs dracut built (\"%s\") cannot be read back (%s); "
                                       "the previous one is kept.", image, strerror(-r));
        if (planned_entries(plan, &want, &n) < 0)
                return log_oom();
        for (size_t i = 0; i < n; i++) {
                if (image_has(&info, &want[i]))
                        continue;
                if (streq_ptr(want[i].entry, "/init"))
                        return log_error_errno(-ENOEXEC, "error: the capture initramfs dracut built for %s has no "
                                               "executable /init (the capture program, %s): dracut's kdump module did "
                                               "not install it (see dracut's messages above); the previous one is kept.",
                                               plan->kver, CAPTURE_PROGRAM_PATH);
                if (want[i].entry == plan->collector)
                        return log_error_errno(-ENOEXEC, "error: the capture initramfs dracut built for %s has no core "
                                               "collector \"%s\" in /usr/bin, /usr/sbin, /bin or /sbin; the previous "
                                               "one is kept. Is it installed on this machine?",
                                               plan->kver, basename(plan->collector));
                return log_error_errno(-ENOEXEC, "error: the capture initramfs dracut built for %s lacks %s (\"%s\"): "
                                       "a step of dracut's kdump module failed (see dracut's messages above), and the "
                                       "image would fail after a crash; the previous one is kept.",
                                       plan->kver, want[i].what, want[i].entry);
        }
        log_info("Capture initramfs for %s built: %.1f MiB packed, %.1f MiB unpacked, %zu entries, all %zu the build "
                 "planned among them; it replaces \"%s\" once it is loaded.", plan->kver,
                 info.packed_size / 1048576.0, info.unpacked_size / 1048576.0, info.n_entries, n, final);
        return 0;
}
