# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A good dump, then final_action halt: the capture kernel halts (QEMU keeps
# running, which tells a halt from a power-off) and the dump is checked
# like the local scenario's.
SCENARIO_DESC="local dump, final_action halt: halted, not powered off"
DUMP_DIR=/var/crash
EXPECT_END=halt
EXPECT_SERIAL=("kdump: halt.")
