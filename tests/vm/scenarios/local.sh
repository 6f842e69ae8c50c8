# The default: no target, dump to /var/crash on the root filesystem, and
# reboot afterwards; the guest then boots again and must re-arm by itself.
SCENARIO_DESC="local path /var/crash, defaults, reboot, re-armed on the next boot"
DUMP_DIR=/var/crash
EXPECT_AFTER_BOOT=yes
