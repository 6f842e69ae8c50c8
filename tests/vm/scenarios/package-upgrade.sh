# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# The package upgraded the way an admin does it: a guest armed with an
# older kdumpd package (the same tree built as version 0.0.1) gets the new
# one with "apt install ./kdumpd_….deb". Afterwards it is armed again by
# itself (the new daemon with the new arming helper), the admin's
# kdump.conf edit is still there, and a crash is dumped. How long no
# capture kernel was loaded during the upgrade is measured.
SCENARIO_DESC="apt install of the new package over an older one: armed again by itself, kdump.conf edit kept, crash dumped"
PACKAGE_OLD_VERSION=0.0.1
DUMP_DIR=/var/crash/upgraded
EXPECT_SERIAL=("VMTEST: package-upgrade-old-installed rc=0" "VMTEST: package-upgrade-installed rc=0"
               "VMTEST: package-upgrade-armed-again rc=0" "VMTEST: package-upgrade-edit-kept rc=0")
