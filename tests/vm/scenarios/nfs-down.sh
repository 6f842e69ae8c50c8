# NFS target whose server goes away after kdump was armed (the host stops
# ganesha and rpcbind when the guest says "VMTEST: host-action", right
# before the crash): the capture must give up after disk_timeout, report
# the failure, and reboot.
SCENARIO_DESC="nfs4 target, server stopped before the crash: no dump, failure after disk_timeout"
NET=yes
NFS_VERSIONS="4"
CHECK=none
EXPECT_NO_DUMP=yes
DUMP_DIR=/var/crash
HOST_ACTION=net_stop_nfs
HOST_ACTION_MARKER="VMTEST: host-action"
EXPECT_SERIAL=("VMTEST: check-warns-server-down rc=0" "kdump: dump failed in step wait-target")
# disk_timeout 30 (nfs-down.kdump.conf): module loading and the network
# take a few seconds under TCG before the waiting starts.
EXPECT_FAIL_SECONDS="29 45"
# The NFS client modules (nfs, nfsv4, sunrpc, lockd, …: 6 MB in the kernel)
# do not fit beside the capture program in 96M; 112M is the measured floor.
VM_CRASHKERNEL=112M
