# shellcheck shell=bash disable=SC2034,SC2016 # sourced by lib.sh; $((6*7)) is for the guest's shell
# failure_action shell: a failing kdump_pre leads to a shell on the
# console; the harness types a command and "exit" there, and final_action
# (poweroff) ends the boot after the shell.
SCENARIO_DESC="failure_action shell: commands typed on the console, then final_action poweroff"
DUMP_DIR=/var/crash
EXPECT_NO_DUMP=yes
EXPECT_END=poweroff
CONSOLE_MARKER="kdump: starting a shell on the console"
CONSOLE_INPUT='echo VMTEST-SHELL: $((6*7))\nexit\n'
EXPECT_SERIAL=("kdump: dump failed in step pre-hooks; running failure_action \"shell\""
               "VMTEST-SHELL: 42")
# A shell nobody types into never ends: give up well before VM_TIMEOUT.
CAPTURE_TIMEOUT=180
