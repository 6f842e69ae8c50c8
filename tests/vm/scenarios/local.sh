# The default: no target, dump to /var/crash on the root filesystem, and
# reboot afterwards; the guest then boots again and must re-arm by itself.
SCENARIO_DESC="local path /var/crash, defaults, reboot, re-armed on the next boot"
DUMP_DIR=/var/crash
EXPECT_AFTER_BOOT=yes
# The one scenario that also runs the driver's stop, start and broken
# reload sequence (every other scenario is lean).
LEAN=no
# local.precrash: kdumpctl reload and rebuild wait for kdumpd and say it
# armed; status names an input changed since the build.
EXPECT_SERIAL=("VMTEST: kdumpctl-reload rc=0" "VMTEST: kdumpctl-rebuild rc=0" "VMTEST: kdumpctl-status-changed rc=0")
# local.after: the next boot's journal entry about the dump says complete.
EXPECT_AFTER_SERIAL=("VMTEST: local-reported-complete rc=0")
