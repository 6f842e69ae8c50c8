# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# kdump.conf edited in the running guest with no systemctl call: kdumpd's
# watch on /etc sees the rename, rebuilds and re-arms by itself, and the
# crash after it dumps to the new path.
SCENARIO_DESC="path edited in /etc/kdump.conf (sed -i, no systemctl): re-armed by the watch, dump under the new path"
DUMP_DIR=/var/crash/edited
EXPECT_SERIAL=("VMTEST: live-edit-rearmed rc=0" "VMTEST: live-edit-status rc=0")
