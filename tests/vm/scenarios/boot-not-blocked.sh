# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# kdump.service enabled before the first boot, no capture image: kdumpd is
# ready as soon as it knows it must build, so multi-user.target is reached
# while dracut runs; the arming ends after it. On the next boot the image is
# current: ready means armed. Both boots' times are printed ("measured:");
# every other scenario's first boot (kdump not enabled yet) gives the
# "disabled" time (multi-user-seconds).
SCENARIO_DESC="first boot with kdump enabled reaches multi-user.target while the image builds; later boots ready = armed"
ENABLE_AT_BOOT=yes
DUMP_DIR=/var/crash
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("VMTEST: boot-not-blocked-multi-user-before-armed rc=0" "VMTEST: boot-not-blocked-ready-before-build-end rc=0"
               "VMTEST: setup rc=0")
EXPECT_AFTER_SERIAL=("VMTEST: boot-not-blocked-later-ready-is-armed rc=0" "VMTEST: boot-not-blocked-start-is-armed rc=0")
