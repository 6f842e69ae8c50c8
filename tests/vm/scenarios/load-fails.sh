# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Loads that fail after the kernel freed what was loaded: kdump.conf gains
# a new path and a 128 MiB incompressible file in the image (dracut_args),
# more than the 96M crash region holds; then, with kdump.conf as it was,
# kdumpd.conf makes the capture command line too long (the image is up to
# date). Each time kdumpd loads the previous capture kernel again and
# leaves its image on disk untouched; the crash dumps as the old
# configuration says (/var/crash, not the new path).
SCENARIO_DESC="an image too big for the crash region, then a command line too long: each load fails, the previous capture kernel is loaded again, its image kept; dump per the old config"
DUMP_DIR=/var/crash
EXPECT_SERIAL=()
for step in big cmdline; do
    EXPECT_SERIAL+=("VMTEST: load-fails-$step-load-failed rc=0" "VMTEST: load-fails-$step-previous-reloaded rc=0"
                    "VMTEST: load-fails-$step-crash-loaded rc=0" "VMTEST: load-fails-$step-image-kept rc=0"
                    "VMTEST: load-fails-$step-no-build-left rc=0" "VMTEST: load-fails-$step-status rc=0")
done
unset step
EXPECT_SERIAL+=("VMTEST: load-fails-conf-restored rc=0")
# Not from kdumpd's word: the capture kernel that ran was the one loaded
# before both changes (its command line has none of the padding, no dump
# went to the new path).
EXPECT_CAPTURE_CMDLINE_LACKS=vmtest_pad
EXPECT_NO_DUMP_UNDER=/var/crash/new
