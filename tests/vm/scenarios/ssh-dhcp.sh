# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# The guest's address comes from a DHCP server in the namespace (dnsmasq):
# 10.213.0.50 while kdump arms. Right before the crash the server is told
# to give 10.213.0.60 instead; the capture asks DHCP again (busybox's
# udhcpc) and the dump lands under the new address.
SCENARIO_DESC="ssh, the address from DHCP; the server gives another one at crash time"
NET=yes
NET_DHCP="10.213.0.50 10.213.0.60"
NET_NETWORKD=(10-ssh-dhcp.network)
NET_GUEST_WAIT="10.213.0.50/24"
CHECK=ssh
DUMP_DIR=/var/tmp/kdumpd-vmtest/ssh-dhcp
DUMP_HOST=10.213.0.60
VM_COLD_BOOT=yes
HOST_ACTION=net_dhcp_renumber
EXPECT_SERIAL=("VMTEST: propagate rc=0" "VMTEST: dhcp-plan rc=0" "kdump: asking DHCP for an address"
               "kdump: network up: " "10.213.0.60/24 from DHCP")
