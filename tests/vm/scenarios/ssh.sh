# SSH target: the guest's admin installs the kdump key for the dump user
# with `kdumpctl propagate` (logging in with the admin's own key), the
# capture sends a flattened vmcore over ssh; the host reassembles it.
SCENARIO_DESC="ssh kdumpvm@10.213.0.1, path /var/tmp/kdumpd-vmtest/ssh, kdumpctl propagate"
NET=yes
CHECK=ssh
DUMP_DIR=/var/tmp/kdumpd-vmtest/ssh
EXPECT_SERIAL=("VMTEST: check-before-propagate rc=0" "VMTEST: propagate rc=0" "VMTEST: key-mode-600 rc=0"
               "VMTEST: check-after-propagate rc=0")
