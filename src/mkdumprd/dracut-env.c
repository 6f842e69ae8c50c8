/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dracut-env.h"

#include <errno.h>

#include "macro.h"
#include "strv.h"

#define VAR(name, field, meaning) { name, offsetof(DracutEnv, field), meaning }

static const DracutEnvVar vars[] = {
        VAR("KDUMP_TARGET_DEVICE", target_device, "the dump target's block device; its drivers go in (empty: nfs, ssh)"),
        VAR("KDUMP_TARGET_FSTYPE", target_fstype, "the target's filesystem type, a module too (empty: raw)"),
        VAR("KDUMP_TARGET_DISKS", target_disks, "an LVM target's physical volumes, nodes split by spaces"),
        VAR("KDUMP_LVM_PLAN", lvm_plan, "an LVM target: the file that names the volume, /etc/kdump/lvm"),
        VAR("KDUMP_COLLECTOR", collector, "the core collector's program, installed beside makedumpfile"),
        VAR("KDUMP_TARGET_TYPE", target_type, "the target's kind: path, filesystem, raw, nfs or ssh"),
        VAR("KDUMP_NET_DIR", net_dir, "nfs, ssh: the directory with net, and ssh's known_hosts, id_dropbear"),
        VAR("KDUMP_NET_MODULES", net_modules, "nfs, ssh: the interface's drivers and NFS's modules"),
        VAR("KDUMP_PRE", pre, "kdump_pre: a hook, installed at its path"),
        VAR("KDUMP_POST", post, "kdump_post: a hook, installed at its path"),
        VAR("KDUMP_EMERGENCY", emergency, "kdump_emergency: a hook, installed at its path"),
        VAR("KDUMP_EXTRA_BINS", extra_bins, "extra_bins: programs and files to install, one a line"),
        VAR("KDUMP_EXTRA_MODULES", extra_modules, "extra_modules: kernel modules to install and load"),
        VAR("KDUMP_HOOK_FILES", hook_files, "the programs of /etc/kdump/*.d, one a line, installed at their paths"),
        VAR("KDUMP_MODPROBE_CONF", modprobe_conf, "modprobe.d lines: kdump.conf's options, blacklist; NFS's client ID"),
        VAR("KDUMP_ROOT_DEVICE", root_device, "an action mounts the real root: its device, whose drivers go in"),
        VAR("KDUMP_ROOT_FSTYPE", root_fstype, "the real root's filesystem type"),
        VAR("KDUMP_ROOT_SPEC", root_spec, "\"SPEC FSTYPE PATH\": the real root for /etc/kdump/root"),
        VAR("KDUMP_TRACE_DEVICE", trace_device, "the device of the state directory's filesystem, whose drivers go in"),
        VAR("KDUMP_TRACE_FSTYPE", trace_fstype, "that filesystem's type"),
        VAR("KDUMP_TRACE_SPEC", trace_spec, "\"SPEC FSTYPE STORE\": where the capture's trace goes, for /etc/kdump/trace"),
        VAR("KDUMP_SHELL", shell, "\"1\": failure_action shell: busybox or dash as /bin/sh"),
        VAR("KDUMP_COLLECTOR_NOTE", collector_note, "what the core collector was measured to miss, for /etc/kdump/collector-note"),
        VAR("KDUMP_NET_DHCP", net_dhcp, "\"1\": the route's address came from DHCP: busybox (udhcpc) and its lease script"),
};

const DracutEnvVar *dracut_env_vars(size_t *ret_n) {
        *ret_n = ELEMENTSOF(vars);
        return vars;
}

int dracut_env_strv(const DracutEnv *e, char ***ret) {
        _cleanup_strv_free_ char **env = NULL;

        for (size_t i = 0; i < ELEMENTSOF(vars); i++) {
                const char *value = *(const char *const *) ((const char *) e + vars[i].offset);
                if (strv_extendf(&env, "%s=%s", vars[i].name, strempty(value)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(env);
        return 0;
}
