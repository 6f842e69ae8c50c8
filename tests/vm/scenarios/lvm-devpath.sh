# An LVM target named by its /dev/VG/LV link: in the capture kernel there
# is no udev to make it; lvm (with udev_rules = 0) makes the link and
# libdevmapper the /dev/mapper node. The volume group as in "lvm".
SCENARIO_DESC="ext4 /dev/kdump-vg/crash-lv (an LVM volume by its link), path /dumps; snapshot and plain dm targets refused"
EXTRA_DISK_RAW=1G
DUMP_DIR=/dumps
DUMP_FS_AT=lvm-lv
EXPECT_SERIAL=("VMTEST: lvm-setup rc=0" "Activated LVM volume \"kdump-vg/crash-lv\""
               "Mounted dump target /dev/kdump-vg/crash-lv" "VMTEST: refused-snapshot rc=0"
               "VMTEST: refused-origin rc=0" "VMTEST: refused-dm rc=0" "VMTEST: lvm-accepted-again rc=0")
# As in "lvm".
VM_CRASHKERNEL=112M
