/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* src/kexec-core/capture-cmdline.h: the capture kernel's command line made
 * from the running one. */
#include <stdbool.h>

#include "capture-cmdline.h"
#include "tests.h"

/* Splits a built command line back into parameters: blanks outside double
 * quotes separate them, as in the kernel's parser. Fails the test on an
 * empty parameter (two blanks in a row) or a blank at either end. */
static char **params_of(const char *cmdline) {
        _cleanup_strv_free_ char **l = NULL;
        const char *s = cmdline;

        ASSERT_TRUE(cmdline[0] != ' ');
        while (*s) {
                const char *p = s;
                bool quoted = false;
                for (; *p && (quoted || *p != ' '); p++)
                        if (*p == '"')
                                quoted = !quoted;
                ASSERT_TRUE(p > s);
                _cleanup_free_ char *w = ASSERT_NOT_NULL(strndup(s, p - s));
                ASSERT_OK(strv_extend(&l, w));
                s = *p ? p + 1 : p;
                ASSERT_TRUE(!(*p && !*s)); /* no trailing blank */
        }
        if (!l)
                l = ASSERT_NOT_NULL(calloc(1, sizeof(char *)));
        return TAKE_PTR(l);
}

static unsigned count(char * const *l, const char *param) {
        unsigned n = 0;
        for (; *l; l++)
                n += strcmp(*l, param) == 0;
        return n;
}

/* Parameters named name (name or name=…) */
static unsigned count_named(char * const *l, const char *name) {
        size_t len = strlen(name);
        unsigned n = 0;
        for (; *l; l++)
                n += strncmp(*l, name, len) == 0 && ((*l)[len] == 0 || (*l)[len] == '=');
        return n;
}

static ssize_t index_of(char * const *l, const char *param) {
        for (ssize_t i = 0; l[i]; i++)
                if (strcmp(l[i], param) == 0)
                        return i;
        return -1;
}

static char **build(const char *running, char * const *append, char * const *remove) {
        _cleanup_free_ char *s = NULL;
        ASSERT_OK(capture_cmdline_build(running, append, remove, &s));
        ASSERT_NOT_NULL(s);
        return params_of(s);
}

static const char *const generic[] = {
        "irqpoll", "nr_cpus=1", "reset_devices", "cgroup_disable=memory", "panic=10", "audit=0",
        "cryptomgr.notests",
};

static void assert_required_once(char * const *l) {
        for (size_t i = 0; i < ELEMENTSOF(generic); i++)
                ASSERT_EQ(count(l, generic[i]), 1);
        for (const char *const *a = capture_cmdline_arch_params; *a; a++) {
                _cleanup_free_ char *name = ASSERT_NOT_NULL(strndup(*a, strcspn(*a, "=")));
                ASSERT_EQ(count(l, *a), 1);
                ASSERT_EQ(count_named(l, name), 1);
        }
}

TEST(typical_fedora_cmdline) {
        _cleanup_strv_free_ char **l = build(
                "BOOT_IMAGE=(hd0,gpt2)/vmlinuz-6.5.6-300.fc39.x86_64 root=UUID=4d2a0d4b-2d85-4f9e-8d0e-7c5e8f0f1c1b "
                "ro rootflags=subvol=root crashkernel=512M-2G:64M,2G-64G:256M rhgb quiet console=ttyS0,115200\n",
                NULL, NULL);

        ASSERT_EQ(count(l, "root=UUID=4d2a0d4b-2d85-4f9e-8d0e-7c5e8f0f1c1b"), 1);
        ASSERT_EQ(count(l, "ro"), 1);
        ASSERT_EQ(count(l, "rootflags=subvol=root"), 1);
        ASSERT_EQ(count(l, "console=ttyS0,115200"), 1);
        ASSERT_EQ(count_named(l, "crashkernel"), 0);
        ASSERT_EQ(count_named(l, "BOOT_IMAGE"), 0);
        ASSERT_EQ(count_named(l, "rhgb"), 0);
        ASSERT_EQ(count_named(l, "quiet"), 0);
        assert_required_once(l);
        /* The running kernel's parameters come first, in their order. */
        ASSERT_LT(index_of(l, "root=UUID=4d2a0d4b-2d85-4f9e-8d0e-7c5e8f0f1c1b"), index_of(l, "ro"));
        ASSERT_LT(index_of(l, "console=ttyS0,115200"), index_of(l, "irqpoll"));
}

TEST(crashkernel_and_friends_dropped) {
        _cleanup_strv_free_ char **l = build(
                "root=/dev/vda1 crashkernel=256M,high crashkernel=128M,low hugepages=64 hugepagesz=2M "
                "default_hugepagesz=1G hugetlb_cma=4G cma=64M resume=/dev/vda2 resume_offset=4096 noresume "
                "init=/sbin/init rdinit=/init initrd=/initrd.img mem=8G memmap=1G$4G nr_cpus=16 maxcpus=8 "
                "possible_cpus=32 kexec_jump_back_entry=0x1000 numa_balancing=enable panic=0 splash",
                NULL, NULL);
        static const char *const gone[] = {
                "crashkernel", "hugepages", "hugepagesz", "default_hugepagesz", "hugetlb_cma", "cma",
                "resume", "resume_offset", "noresume", "init", "rdinit", "initrd", "mem", "memmap",
                "maxcpus", "possible_cpus", "kexec_jump_back_entry", "numa_balancing", "splash",
        };

        for (size_t i = 0; i < ELEMENTSOF(gone); i++)
                ASSERT_EQ(count_named(l, gone[i]), 0);
        /* nr_cpus and panic are replaced by the capture values. */
        ASSERT_EQ(count_named(l, "nr_cpus"), 1);
        ASSERT_EQ(count_named(l, "panic"), 1);
        ASSERT_EQ(count(l, "root=/dev/vda1"), 1);
        assert_required_once(l);
}

TEST(names_match_exactly) {
        /* Dropping "init" or "mem" must not take "initcall_debug" or
         * "memhp_default_state" with it. */
        _cleanup_strv_free_ char **l = build(
                "initcall_debug memhp_default_state=online panic_on_warn=1 crashkernelx=1 quietly "
                "rd.lvm.lv=vg/root",
                NULL, NULL);

        ASSERT_EQ(count(l, "initcall_debug"), 1);
        ASSERT_EQ(count(l, "memhp_default_state=online"), 1);
        ASSERT_EQ(count(l, "panic_on_warn=1"), 1);
        ASSERT_EQ(count(l, "crashkernelx=1"), 1);
        ASSERT_EQ(count(l, "quietly"), 1);
        ASSERT_EQ(count(l, "rd.lvm.lv=vg/root"), 1);
}

TEST(required_added_once) {
        /* Already present, or present with another value: still once, with
         * the capture value. */
        _cleanup_strv_free_ char **l = build("irqpoll reset_devices audit=1 nr_cpus=4 panic=0 root=/dev/sda1",
                                            NULL, NULL);

        assert_required_once(l);
        ASSERT_EQ(count(l, "audit=1"), 0);
        ASSERT_EQ(count_named(l, "audit"), 1);
        ASSERT_EQ(count(l, "nr_cpus=4"), 0);
}

TEST(empty_and_blank_running) {
        _cleanup_strv_free_ char **a = build("", NULL, NULL);
        _cleanup_strv_free_ char **b = build(" \t \n", NULL, NULL);
        size_t n_arch = 0;

        for (const char *const *p = capture_cmdline_arch_params; *p; p++)
                n_arch++;
        assert_required_once(a);
        ASSERT_EQ(strv_length(a), ELEMENTSOF(generic) + n_arch);
        ASSERT_STRV_EQ(a, b);
}

TEST(blanks_normalised) {
        _cleanup_free_ char *s = NULL;

        ASSERT_OK(capture_cmdline_build("  root=/dev/sda1\t\tro   console=tty0 \n", NULL, NULL, &s));
        ASSERT_NOT_CONTAINS(s, "  ");
        ASSERT_NOT_CONTAINS(s, "\t");
        ASSERT_NOT_CONTAINS(s, "\n");
        ASSERT_TRUE(strncmp(s, "root=/dev/sda1 ro console=tty0 ", 31) == 0);
}

TEST(append_replaces_same_name) {
        _cleanup_strv_free_ char **l = build("root=/dev/sda1 console=tty0 loglevel=3",
                                            STRV_MAKE("console=ttyS1,115200", "nr_cpus=2", "loglevel=7 foo=bar"),
                                            NULL);

        ASSERT_EQ(count_named(l, "console"), 1);
        ASSERT_EQ(count(l, "console=ttyS1,115200"), 1);
        /* append wins over the generic set too. */
        ASSERT_EQ(count_named(l, "nr_cpus"), 1);
        ASSERT_EQ(count(l, "nr_cpus=2"), 1);
        /* One append entry may hold several parameters. */
        ASSERT_EQ(count(l, "loglevel=7"), 1);
        ASSERT_EQ(count_named(l, "loglevel"), 1);
        ASSERT_EQ(count(l, "foo=bar"), 1);
}

TEST(append_adds_new_and_keeps_flags_once) {
        _cleanup_strv_free_ char **l = build("root=/dev/sda1", STRV_MAKE("irqpoll", "rd.debug", "rd.debug"), NULL);

        ASSERT_EQ(count(l, "irqpoll"), 1);
        ASSERT_EQ(count(l, "rd.debug"), 1);
        /* Appended last. */
        ASSERT_EQ(index_of(l, "rd.debug"), (ssize_t) strv_length(l) - 1);
}

TEST(remove_by_name) {
        _cleanup_strv_free_ char **l = build("root=/dev/mapper/vg-root rd.lvm.lv=vg/root rd.lvm.lv=vg/swap ro "
                                            "rd.luks.uuid=abcd selinux=0",
                                            NULL, STRV_MAKE("rd.lvm.lv", "selinux", "ro"));

        ASSERT_EQ(count_named(l, "rd.lvm.lv"), 0);
        ASSERT_EQ(count_named(l, "selinux"), 0);
        ASSERT_EQ(count_named(l, "ro"), 0);
        ASSERT_EQ(count(l, "rd.luks.uuid=abcd"), 1);
        ASSERT_EQ(count(l, "root=/dev/mapper/vg-root"), 1);
}

TEST(remove_by_name_and_value) {
        _cleanup_strv_free_ char **l = build("root=/dev/sda1 console=tty0 console=ttyS0,115200 loglevel=3", NULL,
                                            STRV_MAKE("console=tty0", "loglevel=4"));

        ASSERT_EQ(count(l, "console=tty0"), 0);
        ASSERT_EQ(count(l, "console=ttyS0,115200"), 1);
        /* name=value removes only an exact match. */
        ASSERT_EQ(count(l, "loglevel=3"), 1);
}

TEST(remove_does_not_match_prefixes) {
        _cleanup_strv_free_ char **l = build("rd.lvm.lv=vg/root rd.lvm=1 console=tty0", NULL,
                                            STRV_MAKE("rd.lvm", "console=tty"));

        ASSERT_EQ(count(l, "rd.lvm.lv=vg/root"), 1);
        ASSERT_EQ(count_named(l, "rd.lvm"), 0);
        ASSERT_EQ(count(l, "console=tty0"), 1);
}

TEST(quoted_values_intact) {
        _cleanup_strv_free_ char **l = build(
                "root=/dev/sda1 dyndbg=\"module nvme +p\" foo=\"crashkernel=1G quiet\" ro", NULL, NULL);

        ASSERT_EQ(count(l, "dyndbg=\"module nvme +p\""), 1);
        /* Text inside quotes is a value, not parameters to drop. */
        ASSERT_EQ(count(l, "foo=\"crashkernel=1G quiet\""), 1);
        ASSERT_EQ(count(l, "ro"), 1);
        ASSERT_EQ(count_named(l, "crashkernel"), 0);
        ASSERT_EQ(count_named(l, "quiet"), 0);
}

TEST(quoted_values_append_and_remove) {
        _cleanup_strv_free_ char **l = build("root=/dev/sda1 dyndbg=\"module nvme +p\" ro",
                                            STRV_MAKE("opts=\"a b c\" extra=1"), STRV_MAKE("dyndbg"));

        ASSERT_EQ(count_named(l, "dyndbg"), 0);
        ASSERT_EQ(count(l, "opts=\"a b c\""), 1);
        ASSERT_EQ(count(l, "extra=1"), 1);
}

TEST(arguments) {
        char *s = (char *) 0x1;

        ASSERT_ERROR(capture_cmdline_build(NULL, NULL, NULL, &s), EINVAL);
        ASSERT_ERROR(capture_cmdline_build("ro", NULL, NULL, NULL), EINVAL);
        ASSERT_TRUE(s == (char *) 0x1);
}

TEST(init_arguments_after_double_dash_dropped) {
        /* "--" hands the rest to the first boot's init; our additions must
         * come before anything of that, or the capture kernel never sees them. */
        char *append[] = { (char *) "kdump_extra=1", NULL };
        _cleanup_strv_free_ char **l = build("root=/dev/vda console=ttyS0 -- --init-flag single", append, NULL);
        ASSERT_EQ(index_of(l, "--"), -1);
        ASSERT_EQ(index_of(l, "--init-flag"), -1);
        ASSERT_EQ(index_of(l, "single"), -1);
        ASSERT_GE(index_of(l, "console=ttyS0"), 0);
        ASSERT_GE(index_of(l, "kdump_extra=1"), 0);
        assert_required_once(l);
}

TEST(memory_hungry_debug_options_dropped) {
        _cleanup_strv_free_ char **l = build(
                "root=/dev/vda1 slub_debug=FZPU slab_debug log_buf_len=16M swiotlb=65536 page_owner=on "
                "debug_pagealloc=on kmemleak=on trace_buf_size=64M kernelcore=4G movablecore=2G "
                "init_on_free=1 kfence.sample_interval=100 disable_cpu_apicid=3 console=ttyS0",
                NULL, NULL);
        static const char *const gone[] = {
                "slub_debug", "slab_debug", "log_buf_len", "swiotlb", "page_owner", "debug_pagealloc",
                "kmemleak", "trace_buf_size", "kernelcore", "movablecore", "init_on_free",
                "kfence.sample_interval", "disable_cpu_apicid",
        };

        for (size_t i = 0; i < ELEMENTSOF(gone); i++) {
                test_set_context("%s", gone[i]);
                ASSERT_EQ(count_named(l, gone[i]), 0);
        }
        ASSERT_EQ(count(l, "console=ttyS0"), 1);
        ASSERT_EQ(count(l, "root=/dev/vda1"), 1);
}

/* A cpuinfo of two CPUs whose boot CPU has APIC ID 2 (as on machines
 * whose firmware starts from another core than 0). */
static const char cpuinfo_two[] =
        "processor\t: 0\nvendor_id\t: GenuineIntel\ncore id\t\t: 1\napicid\t\t: 2\ninitial apicid\t: 2\n\n"
        "processor\t: 1\nvendor_id\t: GenuineIntel\ncore id\t\t: 0\napicid\t\t: 0\ninitial apicid\t: 0\n\n";

TEST(more_capture_cpus_name_the_boot_cpu) {
        _cleanup_free_ char *path = test_write_file(test_tmpdir(), "cpuinfo", cpuinfo_two);
        _cleanup_free_ char *param = NULL, *none = NULL, *nofile = NULL;

        ASSERT_OK(capture_cmdline_arch_cpus(path, 1, &none));
        ASSERT_NULL(none);
#if defined(__x86_64__)
        ASSERT_OK(capture_cmdline_arch_cpus(path, 2, &param));
        ASSERT_STREQ(param, "disable_cpu_apicid=2");
        /* No APIC ID for CPU 0 (another kernel's cpuinfo format). */
        _cleanup_free_ char *bare = test_write_file(test_tmpdir(), "bare", "processor\t: 0\n\n");
        ASSERT_EQ(capture_cmdline_arch_cpus(bare, 4, &nofile), -ENODATA);
        ASSERT_NULL(nofile);
#endif
}
