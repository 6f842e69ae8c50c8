# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Panic triggers are set while armed and put back on stop: kdumpd.conf
# asks for oops, nmi, soft-lockup and hung-task (timeout 30); a sysctl.d
# file of the admin's sets kernel.softlockup_panic, which kdumpd must
# leave alone. Armed, the sysctls are kdumpd's (but the admin's one) and
# kdumpctl status names them; after "systemctl stop kdump" every one is
# what it was before. No crash: the guest powers off.
SCENARIO_DESC="panic triggers set while armed, the admin's sysctl.d kept, all put back on stop"
NO_CRASH=yes
EXPECT_SERIAL=("VMTEST: triggers-set rc=0" "VMTEST: triggers-status rc=0" "VMTEST: triggers-restored rc=0")
