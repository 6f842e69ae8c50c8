# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# The first arming after boot finds its inputs changed (as after a library
# update) and the rebuild fails (a dracut that fails, put in its place by
# the first boot). Issue 16, finding 4a: kdumpd returned before any load,
# and the image on disk, which would have worked, was never loaded. Now
# it is loaded, kdumpctl status says the image is stale and why, and the
# crash on that boot is dumped with it.
SCENARIO_DESC="first arming after boot, inputs changed and dracut failing: the previous image is loaded (stale), the crash dumps"
DUMP_DIR=/var/crash
CRASH_ON_NEXT_BOOT=yes
EXPECT_SERIAL=("VMTEST: rebuild-fails-input-changed rc=0" "VMTEST: rebuild-fails-dracut-broken rc=0")
EXPECT_AFTER_SERIAL=("VMTEST: rebuild-fails-armed-stale rc=0" "VMTEST: rebuild-fails-image-kept rc=0")
