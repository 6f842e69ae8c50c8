# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A good dump, then final_action poweroff: the capture kernel powers the
# machine off (QEMU ends by itself with "reboot: Power down").
SCENARIO_DESC="local dump, final_action poweroff: powered off"
DUMP_DIR=/var/crash
EXPECT_END=poweroff
EXPECT_SERIAL=("kdump: poweroff.")
