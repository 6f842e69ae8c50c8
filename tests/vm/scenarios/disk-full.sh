# The dump does not fit: /var/crash is a 48 MiB filesystem of its own and
# the collector writes an uncompressed dump. The capture must keep what it
# wrote as vmcore-incomplete (never a vmcore), run failure_action, and the
# next boot must say the dump is incomplete and why.
SCENARIO_DESC="/var/crash too small: vmcore-incomplete kept, failure_action, next boot reports it INCOMPLETE"
EXTRA_DISK_LABEL=kdumpsmall
EXTRA_DISK_SIZE=48M
EXPECT_NO_DUMP=yes
EXPECT_INCOMPLETE=yes
DUMP_DIR=/
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("kdump: dump failed in step dump-vmcore" "reboot: Restarting system")
# The reason comes from kexec-dmesg.log, whose space the capture reserved.
EXPECT_AFTER_SERIAL=("is INCOMPLETE (dump failed in step dump-vmcore")
