# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A second kernel version installed with dpkg while kdump runs: Debian's
# kernel hooks (/etc/kernel/postinst.d/kdumpd) build its capture image at
# once; the next boot runs that kernel, kdumpd finds its image current and
# loads it without a build, and a crash of that kernel is dumped.
SCENARIO_DESC="dpkg -i of another kernel builds its capture image; booted, it is armed without a build and its crash dumps"
OTHER_KERNEL=yes
DUMP_DIR=/var/crash
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("VMTEST: new-kernel-installed rc=0" "VMTEST: new-kernel-hook-ran rc=0" "VMTEST: new-kernel-image-built rc=0")
EXPECT_AFTER_SERIAL=("VMTEST: new-kernel-running rc=0" "VMTEST: new-kernel-armed-without-build rc=0"
                     "VMTEST: new-kernel-image-unchanged rc=0")
