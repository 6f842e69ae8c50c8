# failure_action dump_to_rootfs: the target (a labelled disk) cannot be
# used because kdump_pre fails; the capture mounts the real root and saves
# the dump to path on it, then runs final_action.
SCENARIO_DESC="kdump_pre fails, failure_action dump_to_rootfs: the dump lands in /var/crash on the root disk"
EXTRA_DISK_LABEL=kdumpdisk
DUMP_ON_ROOT=yes
DUMP_DIR=/var/crash
EXPECT_SERIAL=("VMTEST-CAPTURE: kdump_pre fails" "kdump: dump failed in step pre-hooks"
               "kdump: dump_to_rootfs: saving the dump to the root filesystem"
               "Saved vmcore to /sysroot/var/crash/")
