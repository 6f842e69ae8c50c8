/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "capture-cmdline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "strv.h"

/* Parameters of the running kernel that are wrong in a capture boot: the
 * reservation itself, memory and CPU layouts the small region cannot hold,
 * and boot-flow switches that belong to the first boot. The second line is
 * what takes memory the crash region does not have (a 96 MiB capture
 * kernel has about 15 MiB free at its start): debugging allocators and
 * their metadata, a big log buffer, a bounce-buffer pool, trace buffers,
 * memory set aside for movable or huge pages. */
static const char *const dropped[] = {
        "crashkernel", "hugepages", "hugepagesz", "default_hugepagesz", "hugetlb_cma", "cma",
        "slub_debug", "slab_debug", "log_buf_len", "swiotlb", "page_owner", "debug_pagealloc", "kmemleak",
        "trace_buf_size", "trace_event", "ftrace", "kernelcore", "movablecore", "page_poison",
        "init_on_free", "kasan", "kfence.sample_interval",
        "resume", "resume_offset", "noresume", "init", "rdinit", "initrd", "BOOT_IMAGE",
        "mem", "memmap", "nr_cpus", "maxcpus", "possible_cpus", "kexec_jump_back_entry",
        "disable_cpu_apicid", "numa_balancing", "panic", "quiet", "splash", "rhgb", NULL,
};

/* What every capture boot needs: one CPU, devices reset and interrupts
 * polled because the dead kernel left them mid-flight, no memory cgroup
 * accounting, and a reboot rather than a hang if the capture kernel panics.
 * cryptomgr.notests: the crypto self-tests ran when the machine booted; in
 * the capture they were the longest initcall (0.68 s of 2.75 s under TCG,
 * with initcall_debug), before the collector. A kernel in FIPS mode runs
 * them anyway; capture_cmdline_remove takes it off. */
static const char *const generic_params[] = {
        "irqpoll", "nr_cpus=1", "reset_devices", "cgroup_disable=memory", "panic=10", "audit=0",
        "cryptomgr.notests", NULL,
};

/* Splits on blanks outside double quotes, as the kernel does. */
static int cmdline_split(const char *s, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        while (*s) {
                s += strspn(s, " \t\n");
                if (!*s)
                        break;
                const char *p = s;
                bool quoted = false;
                for (; *p && (quoted || !strchr(" \t\n", *p)); p++)
                        if (*p == '"')
                                quoted = !quoted;
                _cleanup_free_ char *w = strndup(s, p - s);
                if (!w || strv_extend(&l, w) < 0)
                        return -ENOMEM;
                s = p;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static bool param_has_name(const char *param, const char *name) {
        size_t n = strlen(name);
        return strncmp(param, name, n) == 0 && (param[n] == 0 || param[n] == '=');
}

static bool name_in(const char *param, const char *const *names) {
        for (; names && *names; names++)
                if (param_has_name(param, *names))
                        return true;
        return false;
}

/* remove holds names ("quiet", "rd.lvm.lv") or exact name=value pairs. */
static bool removed_by(const char *param, char * const *remove) {
        for (; remove && *remove; remove++) {
                if (strchr(*remove, '=') ? strcmp(param, *remove) == 0 : param_has_name(param, *remove))
                        return true;
        }
        return false;
}

static int param_name(const char *param, char **ret) {
        char *n = strndup(param, strcspn(param, "="));
        if (!n)
                return -ENOMEM;
        *ret = n;
        return 0;
}

/* Adds param, replacing an existing one of the same name. */
static int params_set(char ***l, const char *param) {
        _cleanup_free_ char *name = NULL;
        int r = param_name(param, &name);
        if (r < 0)
                return r;
        for (char **i = *l; i && *i; i++)
                if (param_has_name(*i, name) && !strchr(param, '=') == !strchr(*i, '=')) {
                        char *c = strdup(param);
                        if (!c)
                                return -ENOMEM;
                        free(*i);
                        *i = c;
                        return 0;
                }
        return strv_extend(l, param);
}

int capture_cmdline_build(const char *running, char * const *append, char * const *remove, char **ret) {
        _cleanup_strv_free_ char **in = NULL, **out = NULL;
        int r;

        assert_return(running && ret, -EINVAL);

        r = cmdline_split(running, &in);
        if (r < 0)
                return r;
        /* Repeated parameters of the running kernel (console=tty0
         * console=ttyS0) all carry over, in order. */
        for (char **i = in; i && *i; i++) {
                /* After "--" the kernel hands everything to the first boot's
                 * init; nothing there is ours, and whatever we append after
                 * it would never reach the capture kernel. */
                if (strcmp(*i, "--") == 0)
                        break;
                if (name_in(*i, dropped) || removed_by(*i, remove))
                        continue;
                if ((r = strv_extend(&out, *i)) < 0)
                        return r;
        }
        /* The admin's remove list also applies to our own additions. */
        for (const char *const *p = generic_params; *p; p++)
                if (!removed_by(*p, remove) && (r = params_set(&out, *p)) < 0)
                        return r;
        for (const char *const *p = capture_cmdline_arch_params; *p; p++)
                if (!removed_by(*p, remove) && (r = params_set(&out, *p)) < 0)
                        return r;
        for (char * const *p = append; p && *p; p++) {
                _cleanup_strv_free_ char **words = NULL;
                if ((r = cmdline_split(*p, &words)) < 0)
                        return r;
                for (char **w = words; w && *w; w++)
                        if ((r = params_set(&out, *w)) < 0)
                                return r;
        }

        char *s = strv_join(out, " ");
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
