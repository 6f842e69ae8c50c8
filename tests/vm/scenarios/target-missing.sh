# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# The dump disk (ext4 LABEL=kdumpdisk, a second disk) is hot-unplugged
# after kdump was armed (the host does it through the QEMU monitor when
# the guest says "VMTEST: host-action"): the capture waits disk_timeout
# (20 s) for it, runs kdump_emergency, and reboots.
SCENARIO_DESC="ext4 LABEL= target unplugged before the crash: failure after disk_timeout 20"
EXTRA_DISK_LABEL=kdumpdisk
DUMP_DIR=/dumps
EXPECT_NO_DUMP=yes
EXPECT_END=reboot
HOST_ACTION=vm_unplug_disk2
HOST_ACTION_MARKER="VMTEST: host-action"
EXPECT_SERIAL=("VMTEST: precrash: vdb is gone"
               "kdump: Dump target LABEL=kdumpdisk did not appear within disk_timeout"
               "kdump: dump failed in step wait-target; running failure_action \"reboot\""
               "VMTEST-CAPTURE: kdump_emergency ran" "VMTEST-CAPTURE: emergency.d ran")
# From the capture program's start: module loading (a second or two under
# TCG), then disk_timeout.
EXPECT_FAIL_SECONDS="19 28"
