# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Two sysrq crashes on one guest: the boot after the first capture arms
# and crashes again; the boot after the second one lists both, oldest
# first, says the signature was seen twice, and kdumpctl list --json
# parses (python3 or jq, where the guest has one).
SCENARIO_DESC="two crashes: kdumpctl list shows both in order, info says seen twice, --json parses"
DUMP_DIR=/var/crash
CRASHES=2
EXPECT_AFTER_SERIAL=("VMTEST: history-list rc=0" "VMTEST: history-info rc=0" "VMTEST: history-json rc=0"
                     "VMTEST: history-dmesg rc=0")
VM_TEST_TIMEOUT=1500
