# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# An oops in a module, with the oops trigger (on by default): the test
# module (tests/vm/oops-module, built once against the guest kernel's
# headers and cached) writes through a NULL pointer when loaded. The
# next boot's kdumpctl info names the faulting function and the module.
SCENARIO_DESC="an oops in a test module panics the guest (oops trigger); info names function and module"
DUMP_DIR=/var/crash
TEST_MODULE=yes
CRASH_BY_PRECRASH=yes
# With panic_on_oops the oops itself kexecs into the capture kernel
# (oops_end() calls crash_kexec() before its panic("Fatal exception")):
# the oops's first line is the last word of the dead kernel.
EXPECT_PANIC="BUG: kernel NULL pointer dereference"
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("VMTEST: oops-trigger-set rc=0" "RIP: 0010:kdumpd_test_oops_write")
EXPECT_AFTER_SERIAL=("VMTEST: oops-info rc=0")
