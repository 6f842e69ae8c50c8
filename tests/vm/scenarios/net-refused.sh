# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Armed over the NIC, then the route to the NFS server moves to a team
# device (an unsupported link): the rebuild is refused at build time with
# FILE:LINE and the reason, and what was loaded stays loaded. The crash
# proves it: the image armed before dumps over the NIC.
SCENARIO_DESC="nfs4; the route moves to team0: refused at build time, the loaded capture kernel stays"
NET=yes
NFS_VERSIONS="4"
CHECK=nfs
DUMP_DIR=/var/crash
EXPECT_SERIAL=("VMTEST: refused rc=0" "VMTEST: still-loaded rc=0")
VM_CRASHKERNEL=112M
