# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Issue 16 finding 11: a capture that fails before its dump directory
# exists left nothing, and the next boot said nothing of the crash. Here
# the NFS server is stopped right before the crash (as in nfs-down): the
# capture fails in wait-target, writes its trace on the root filesystem,
# and the next boot reports a crash without a dump and the failed step.
SCENARIO_DESC="nfs4 server stopped before the crash: no dump; the next boot reports the crash and the failed step"
NET=yes
NFS_VERSIONS="4"
CHECK=none
EXPECT_NO_DUMP=yes
DUMP_DIR=/var/crash
HOST_ACTION=net_stop_nfs
HOST_ACTION_MARKER="VMTEST: host-action"
EXPECT_SERIAL=("kdump: dump failed in step wait-target" "kdump: left a trace for the next boot on UUID=")
EXPECT_AFTER_BOOT=yes
EXPECT_AFTER_SERIAL=("VMTEST: nfs-down-reported rc=0")
# The NFS client modules (nfs, nfsv4, sunrpc, lockd, …: 6 MB in the kernel)
# do not fit beside the capture program in 96M; 112M is the measured floor.
VM_CRASHKERNEL=112M
