/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "capture-boot.h"

#include <errno.h>
#include <stdlib.h>
#include <sysexits.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "crash-record.h"
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

/* The capture program left a trace of this boot (it failed, and then
 * mount_root_run_init brought us here): it now says where the dump went,
 * so that the next boot makes one record of the two. Its why stays: that
 * failure is why the dump is here. (A dump that failed here too is found
 * by its directory, a record of its own.) */
static void capture_boot_trace(const ArmOptions *o, const char *dir) {
        _cleanup_(crash_record_done) CrashRecord t = {};
        _cleanup_free_ char *store = NULL, *boot_id = NULL;
        int r;

        if (asprintf(&store, "%s/" CRASH_STORE_DIR, o->state_dir) < 0)
                return (void) log_oom();
        r = crash_boot_id(&boot_id);
        if (r < 0)
                return (void) log_warning_errno(r, "Cannot read this boot's ID; the dump is found by its directory: %m");
        if (crash_trace_read(store, boot_id, &t) < 0)
                t = (CrashRecord) {};
        t.dump = CRASH_DUMP_DIR;
        t.complete = true;
        if (crash_record_set(&t.location, dir) < 0 || crash_record_set(&t.trace, boot_id) < 0)
                return (void) log_oom();
        r = crash_trace_write(store, &t);
        if (r < 0)
                log_warning_errno(r, "Cannot write the trace of this capture boot in \"%s\": %m", store);
}

int capture_boot_run(const ArmOptions *o) {
        _cleanup_(arm_inputs_done) ArmInputs in = {};
        KdumpAction a;
        int r;

        /* Ready at once: the dump takes as long as the memory, and no start
         * timeout may cut it short. */
        sd_notify(false, "READY=1\nSTATUS=Capture boot: saving the crashed kernel's memory…");
        _cleanup_free_ char *dir = NULL;
        r = arm_inputs_load(o, &in);
        if (r >= 0)
                r = capture_boot_save(in.config, CAPTURE_BOOT_VMCORE, &dir);
        if (dir)
                capture_boot_trace(o, dir);
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
