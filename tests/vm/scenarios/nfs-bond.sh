# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Two NICs bonded active-backup by the guest's systemd-networkd, each on
# its own tap, which a bridge in the namespace joins; the setup makes the
# first NIC the primary (active) slave. Right before the crash its link is
# cut: the running bond fails over, and the capture's bond, made again
# from the plan with that primary, must reach the NFS server over the
# other slave.
SCENARIO_DESC="nfs4 over bond0 (active-backup, two NICs), the primary's link cut before the crash"
NET=yes
NET_LAYOUT=bond
NET_NETWORKD=(nfs-bond.netdev 10-nfs-bond-slave0.network 11-nfs-bond-slave1.network 20-nfs-bond.network)
NET_GUEST_WAIT="10.213.0.2/24"
NFS_VERSIONS="4"
CHECK=nfs
DUMP_DIR=/var/crash
VM_COLD_BOOT=yes
HOST_ACTION=net_cut_first_nic
EXPECT_SERIAL=("VMTEST: setup rc=0" "VMTEST: bond-plan rc=0" "VMTEST: bond-failed-over rc=0" "kdump: created bond bond0"
               "kdump: network up: bond0")
# NFS's floor, as for the other NFS scenarios; this one dumped with 104M
# too (the bond's module costs less than a step).
VM_CRASHKERNEL=112M
