# NFSv3 target: the test's server speaks NFSv3 only (nfs-ganesha with
# rpcbind in the scenario's network namespace); the dump goes to the
# export's /var/crash. The host reads it back from the export.
SCENARIO_DESC="nfs 10.213.0.1:/export (NFSv3-only server), path /var/crash"
NET=yes
NFS_VERSIONS="3"
CHECK=nfs
DUMP_DIR=/var/crash
# The NFS client modules (nfs, nfsv4, sunrpc, lockd, …: 6 MB in the kernel)
# do not fit beside the capture program in 96M; 112M is the measured floor.
VM_CRASHKERNEL=112M
