# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Issue 16 finding 11: a dump on an NFS server left no trace on the machine,
# and the next boot said nothing of it. The capture now mounts the root
# filesystem (it holds /var/lib/kdump) after the dump and writes a trace
# of itself there; the next boot makes a crash record of it and reports it
# in the journal (MESSAGE_ID 109ef012…) with the server's path.
SCENARIO_DESC="nfs 10.213.0.1:/export: the capture leaves a trace on the root fs, the next boot reports the NFS dump"
NET=yes
NFS_VERSIONS="3"
CHECK=nfs
DUMP_DIR=/var/crash
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("kdump: left a trace for the next boot on UUID=")
EXPECT_AFTER_SERIAL=("VMTEST: nfs-reported-journal rc=0" "VMTEST: nfs-reported-record rc=0")
# The NFS client modules (nfs, nfsv4, sunrpc, lockd, …: 6 MB in the kernel)
# do not fit beside the capture program in 96M; 112M is the measured floor.
VM_CRASHKERNEL=112M
