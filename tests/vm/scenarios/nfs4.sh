# NFSv4 target: the server speaks NFSv4 only; the dump goes to /dumps in
# the export, made beforehand.
SCENARIO_DESC="nfs4 10.213.0.1:/export (NFSv4-only server), path /dumps"
NET=yes
NFS_VERSIONS="4"
NFS_MKDIRS=(dumps)
CHECK=nfs
DUMP_DIR=/dumps
