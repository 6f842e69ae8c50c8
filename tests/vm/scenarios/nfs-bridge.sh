# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# The address on a bridge over the NIC, as on a VM host: br0 from the
# guest's systemd-networkd with the NIC as its port. The capture makes
# br0 again without STP, so no forward delay holds the dump back.
SCENARIO_DESC="nfs4 over br0 (a bridge with the NIC as its port, the address on br0)"
NET=yes
NET_NETWORKD=(nfs-bridge.netdev 10-nfs-bridge-port.network 20-nfs-bridge.network)
NET_GUEST_WAIT="10.213.0.2/24"
NFS_VERSIONS="4"
CHECK=nfs
DUMP_DIR=/var/crash
VM_COLD_BOOT=yes
EXPECT_SERIAL=("VMTEST: bridge-plan rc=0" "kdump: created bridge br0" "kdump: network up: br0")
# NFS's floor, as for the other NFS scenarios; this one dumped with 104M
# too (the bridge's module costs less than a step).
VM_CRASHKERNEL=112M
