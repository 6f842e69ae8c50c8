# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A kdump_pre hook that fails: the capture must stop before writing
# anything, run the kdump_emergency hook, and take failure_action (reboot).
SCENARIO_DESC="kdump_pre exits 1: no dump, kdump_emergency runs, failure_action reboot"
DUMP_DIR=/var/crash
EXPECT_NO_DUMP=yes
EXPECT_END=reboot
EXPECT_SERIAL=("VMTEST-CAPTURE: kdump_pre ran, exiting 1"
               "kdump: dump failed in step pre-hooks; running failure_action \"reboot\""
               "VMTEST-CAPTURE: kdump_emergency ran")
