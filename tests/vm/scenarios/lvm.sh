# /var/crash on an LVM logical volume, the layout installers make (RHEL by
# default): the default configuration, path /var/crash, and the capture
# image activates the logical volume with lvm, without udev. The names have
# dashes, which LVM doubles in the dm name (kdump--vg-crash--lv).
SCENARIO_DESC="path /var/crash on an LVM volume (kdump-vg/crash-lv on an empty second disk), default config"
EXTRA_DISK_RAW=1G
DUMP_DIR=/
# The guest prints where the LV lies on the disk (lvm.setup); the host
# reads the dump from there.
DUMP_FS_AT=lvm-lv
EXPECT_SERIAL=("VMTEST: lvm-setup rc=0" "VMTEST: lvm-vg-agrees rc=0"
               "Activated LVM volume \"kdump-vg/crash-lv\"")
# lvm and its libraries add about 8.7 MB unpacked (2.9 MB xz) to the image:
# the capture kernel ran out of memory unpacking it at 100M always and at
# 104M once in three boots; 112M is the measured floor that holds (96M
# does for a plain disk).
VM_CRASHKERNEL=112M
