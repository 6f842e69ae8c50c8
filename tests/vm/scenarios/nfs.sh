# NFSv3 target: the test's server speaks NFSv3 only (nfs-ganesha with
# rpcbind in the scenario's network namespace); the dump goes to the
# export's /var/crash. The host reads it back from the export.
SCENARIO_DESC="nfs 10.213.0.1:/export (NFSv3-only server), path /var/crash"
NET=yes
NFS_VERSIONS="3"
CHECK=nfs
DUMP_DIR=/var/crash
