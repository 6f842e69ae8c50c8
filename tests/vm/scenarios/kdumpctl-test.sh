# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# kdumpctl test is how an admin proves kdump works: it refuses without a
# terminal or when nothing is armed, and with --yes it crashes the guest
# itself (the harness's own sysrq write never comes). On the next boot
# kdumpd's journal entry (MESSAGE_ID 109ef012…) says the dump is complete.
SCENARIO_DESC="kdumpctl test --yes crashes the guest; the next boot's journal entry reports the dump complete"
DUMP_DIR=/var/crash
EXPECT_AFTER_BOOT=yes
CRASH_BY_PRECRASH=yes
EXPECT_SERIAL=("VMTEST: kdumpctl-test-refuses-without-tty rc=0" "VMTEST: kdumpctl-test-refuses-unarmed rc=0"
               "VMTEST: kdumpctl-test-rearmed rc=0" "VMTEST: kdumpctl-test-crashing")
EXPECT_AFTER_SERIAL=("VMTEST: kdumpctl-test-reported-complete rc=0")
