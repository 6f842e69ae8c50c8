# NFSv4 target over IPv6: the server speaks NFSv4 only; the dump goes to
# /dumps in the export, made beforehand, in a directory named after the
# guest's IPv6 address.
SCENARIO_DESC="nfs4 [fd21:3::1]:/export (NFSv4-only server, IPv6), path /dumps"
NET=yes
NFS_VERSIONS="4"
NFS_MKDIRS=(dumps)
CHECK=nfs
DUMP_DIR=/dumps
DUMP_HOST=fd21:3::2
# The NFS client modules (nfs, nfsv4, sunrpc, lockd, …: 6 MB in the kernel)
# do not fit beside the capture program in 96M; 112M is the measured floor.
VM_CRASHKERNEL=112M
