# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# An ordinary machine with a network dump target: its address comes from
# its own systemd-networkd, kdump.service is enabled, and the NIC's link is
# down at power-on until 60 s after kdump.service started (a late switch
# port, DHCP that takes a minute). kdumpd must not fail: it waits, says in
# kdumpctl status what it waits for, and arms once the link is up, without
# a restart. The next boot (link up, networkd a moment after kdumpd)
# arms again with the image built on the first.
SCENARIO_DESC="nfs4 target, networkd address, link down until 60 s after kdump started: waits, then arms; next boot too"
NET=yes
NET_LINK_DOWN=yes
NFS_VERSIONS="4"
CHECK=nfs
DUMP_DIR=/var/crash
ENABLE_AT_BOOT=yes
EXPECT_AFTER_BOOT=yes
HOST_ACTION=vm_link_up
HOST_ACTION_MARKER="VMTEST: host-action"
EXPECT_SERIAL=("VMTEST: net-late-waiting rc=0" "VMTEST: net-late-armed-after-link-up rc=0"
               "VMTEST: net-late-same-daemon rc=0" "VMTEST: setup rc=0")
EXPECT_AFTER_SERIAL=("VMTEST: net-late-next-boot rc=0")
# The NFS client modules (nfs, nfsv4, sunrpc, lockd, …: 6 MB in the kernel)
# do not fit beside the capture program in 96M; 112M is the measured floor.
VM_CRASHKERNEL=112M
