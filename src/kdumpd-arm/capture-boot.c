/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "capture-boot.h"

#include <errno.h>
#include <stdlib.h>
#include <sysexits.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "dump-writer.h"
#include "log.h"
#include "macro.h"
#include "spawn.h"

int capture_boot_save(const KdumpConfig *config, const char *vmcore, char **ret_dir) {
        _cleanup_free_ char *dir = NULL;
        const char *path = kdump_config_path(config), *collector = kdump_config_core_collector(config);
        int r;

        assert_return(config && vmcore, -EINVAL);
        /* As the capture program names a local dump. */
        r = dump_dir_create(path, "127.0.0.1", time(NULL), &dir);
        if (r < 0)
                return log_error_errno(r, "Cannot create a dump directory in \"%s\": %m", path);
        log_notice("Capture boot: saving the crashed kernel's memory to %s.", dir);
        r = dump_save_dmesg(vmcore, dir, 0);
        if (r != 0)
                log_warning("Could not save vmcore-dmesg.txt (%s %d); going on with the vmcore.",
                            r < 0 ? "error" : "exit status", r < 0 ? -r : r);
        r = dump_save_vmcore(vmcore, dir, kdump_config_core_collector_argv(config), 0, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to save the vmcore in %s: %m", dir);
        if (r > 0) {
                log_error("core_collector \"%s\" failed with exit status %d; %s/vmcore-incomplete is what there is.",
                          collector, r, dir);
                return -EPROTO;
        }
        log_notice("Capture boot: saved vmcore to %s/vmcore.", dir);
        if (ret_dir)
                *ret_dir = TAKE_PTR(dir);
        return 0;
}

int capture_boot_run(const ArmOptions *o) {
        _cleanup_(arm_inputs_done) ArmInputs in = {};
        KdumpAction a;
        int r;

        /* Ready at once: the dump takes as long as the memory, and no start
         * timeout may cut it short. */
        sd_notify(false, "READY=1\nSTATUS=Capture boot: saving the crashed kernel's memory…");
        r = arm_inputs_load(o, &in);
        if (r >= 0)
                r = capture_boot_save(in.config, CAPTURE_BOOT_VMCORE, NULL);
        a = r >= 0 ? kdump_config_final_action(in.config) : KDUMP_ACTION_REBOOT;
        if (r < 0 && in.config) {
                KdumpAction f = kdump_config_failure_action(in.config);
                if (f == KDUMP_ACTION_HALT || f == KDUMP_ACTION_POWEROFF)
                        a = f;
        }
        sd_notifyf(false, "STATUS=Capture boot: %s; %s.", r >= 0 ? "dump saved" : "dump failed",
                   kdump_action_to_string(a));
        if (a != KDUMP_ACTION_REBOOT && a != KDUMP_ACTION_HALT && a != KDUMP_ACTION_POWEROFF)
                a = KDUMP_ACTION_REBOOT;
        char *argv[] = { (char *) "systemctl", (char *) "--no-block", (char *) kdump_action_to_string(a), NULL };
        log_notice("Capture boot done: %s.", kdump_action_to_string(a));
        (void) spawn_and_wait(argv, NULL);
        return r < 0 ? EX_SOFTWARE : EX_OK;
}
