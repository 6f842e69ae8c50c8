# SSH target whose server changes its host keys after kdump was armed (the
# host does it when the guest says "VMTEST: host-action", right before the
# crash): the capture must refuse the server and save nothing.
SCENARIO_DESC="ssh target, server host key replaced before the crash: no dump, failure reported"
NET=yes
CHECK=none
EXPECT_NO_DUMP=yes
DUMP_DIR=/var/tmp/kdumpd-vmtest/ssh-bad-hostkey
HOST_ACTION=net_rotate_ssh_hostkey
HOST_ACTION_MARKER="VMTEST: host-action"
EXPECT_SERIAL=("VMTEST: propagate rc=0" "host key mismatch for 10.213.0.1"
               "kdump: dump failed in step wait-target")
