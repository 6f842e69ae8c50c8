# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# The guest reaches the ssh server on VLAN 100 only: its NIC carries no
# address, vlan100 (systemd-networkd) does. The host kernel has no 802.1Q:
# the far end strips and adds the tag in userspace (tests/vm/vlan-tagger.c)
# and drops every frame that is not on VLAN 100.
SCENARIO_DESC="ssh over vlan100 (802.1Q on the NIC), the server on that VLAN only"
NET=yes
NET_LAYOUT=vlan
NET_NETWORKD=(ssh-vlan.netdev 10-ssh-vlan-nic.network 20-ssh-vlan.network)
NET_GUEST_WAIT="10.213.0.2/24"
CHECK=ssh
DUMP_DIR=/var/tmp/kdumpd-vmtest/ssh-vlan
VM_COLD_BOOT=yes
EXPECT_SERIAL=("VMTEST: propagate rc=0" "VMTEST: vlan-plan rc=0" "kdump: created vlan vlan100"
               "kdump: network up: vlan100")
