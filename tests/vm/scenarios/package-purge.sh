# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# The package removed, then purged, on an armed machine: remove stops the
# service and unloads the capture kernel; purge leaves nothing of kdumpd
# behind (each path checked is listed on the console). No crash: the
# guest powers off at the end.
SCENARIO_DESC="apt remove unloads the capture kernel; apt purge leaves nothing of kdumpd"
NO_CRASH=yes
EXPECT_SERIAL=("VMTEST: package-purge-removed-unloaded rc=0" "VMTEST: package-purge-nothing-left rc=0")
