# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A broken kdump.conf saved in the running guest (no systemctl): kdumpd
# refuses it with FILE:LINE, keeps the capture kernel loaded and stays
# up, and kdumpctl status says the last reload failed; the fixed file
# (a new path) re-arms by itself, and the crash dumps there.
SCENARIO_DESC="broken kdump.conf saved (no systemctl): refused, still armed, status says why; the fix re-arms; dump under the fixed path"
DUMP_DIR=/var/crash/fixed
EXPECT_SERIAL=("VMTEST: broken-edit-refused rc=0" "VMTEST: broken-edit-file-line rc=0"
               "VMTEST: broken-edit-still-armed rc=0" "VMTEST: broken-edit-daemon-active rc=0"
               "VMTEST: broken-edit-status-says-why rc=0" "VMTEST: broken-edit-fixed-rearmed rc=0"
               "VMTEST: broken-edit-status-fixed rc=0")
