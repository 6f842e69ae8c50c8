# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A task blocked in state D past hung_task_timeout: kdumpd.conf turns the
# hung-task trigger on with a 10 s timeout; a writer ("frozenwrite", a
# copy of dd) to a frozen ext4 (fsfreeze, on a loop device) blocks in
# the kernel. The hung-task detector panics the guest; the next boot's
# kdumpctl info names the hung task and its stack.
SCENARIO_DESC="a writer blocked on a frozen filesystem past the timeout (hung-task trigger); info names it"
DUMP_DIR=/var/crash
CRASH_BY_PRECRASH=yes
EXPECT_PANIC="hung_task: blocked tasks"
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("VMTEST: hung-task-frozen rc=0")
EXPECT_AFTER_SERIAL=("VMTEST: hung-task-info rc=0")
