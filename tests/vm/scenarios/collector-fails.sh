# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# The core collector fails half-way at crash time (the real makedumpfile
# under a 1 MiB file-size limit, as on a target that fills up), although
# every build-time check passes: kdump_post gets the failure, the partial
# file stays vmcore-incomplete, and failure_action (reboot), not
# final_action (poweroff), ends the boot.
SCENARIO_DESC="core_collector fails at crash time: kdump_post sees it, vmcore-incomplete, failure_action reboot"
DUMP_DIR=/var/crash
EXPECT_NO_DUMP=yes
EXPECT_INCOMPLETE=yes
EXPECT_END=reboot
EXPECT_SERIAL=("core_collector \"/usr/local/sbin/vmtest-small-collector -l --message-level 7 -d 31\" failed with exit status"
               "kdump: dump failed in step dump-vmcore; running failure_action \"reboot\""
               "VMTEST-CAPTURE: kdump_post saw a failed dump"
               "VMTEST-CAPTURE: kdump_emergency ran")
