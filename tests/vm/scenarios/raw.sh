# Raw target: an empty second disk with no filesystem. The capture writes
# makedumpfile's flattened stream to /dev/vdb (-F is added to the
# collector) and reboots; on that next boot kdumpd restores it into
# /var/crash on the root disk, with vmcore-dmesg.txt, and marks the stream
# as restored: a restart of kdump finds nothing new. Before all that,
# kdumpctl check refuses the root disk (ext4) as a raw target.
SCENARIO_DESC="raw /dev/vdb (empty second disk), restored by kdumpd into /var/crash on the next boot, once"
EXTRA_DISK_RAW=512M
DUMP_ON_ROOT=yes
DUMP_DIR=/var/crash
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("VMTEST: raw-check-refuses-fs rc=0" "VMTEST: raw-check-empty rc=0"
               "Saved the flattened vmcore to /dev/vdb")
EXPECT_AFTER_SERIAL=("VMTEST: raw-restored-one rc=0" "VMTEST: raw-stream-marked rc=0"
                     "VMTEST: raw-harvested-once rc=0" "VMTEST: raw-nothing-new-logged rc=0")
