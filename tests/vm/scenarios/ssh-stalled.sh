# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# SSH target whose server stops reading in the middle of the dump: when the
# capture says "kdump: dump-vmcore" the host stops the server's remote
# `cat > …/vmcore-incomplete` once it has written something. sshd still
# answers dbclient's keepalives, so only the stall watchdog can tell: with
# dump_stall_timeout = 30 in kdumpd.conf the capture stops the collector
# and the client after 30 s without progress and ends in failure_action
# (reboot, where final_action is poweroff), not at the collector's deadline
# (600 s plus 1 s per 4 MiB, about 15 min here: CAPTURE_TIMEOUT fails that).
SCENARIO_DESC="ssh server stops reading mid-dump: dump_stall_timeout 30 stops the collector, failure_action"
NET=yes
CHECK=ssh
EXPECT_NO_DUMP=yes
DUMP_DIR=/var/tmp/kdumpd-vmtest/ssh-stalled
HOST_ACTION=net_stall_ssh_dump
HOST_ACTION_MARKER="kdump: dump-vmcore"
EXPECT_SERIAL=("VMTEST: propagate rc=0" "VMTEST: stall-timeout-set rc=0"
               "kdump: no progress for 30 s: the dump target stopped taking data"
               "kdump: dump failed in step dump-vmcore; running failure_action \"reboot\"")
# From the capture program's start: the network, the ssh server and
# vmcore-dmesg.txt (2-5 s under TCG), then 30 s without progress.
EXPECT_FAIL_SECONDS="30 90"
CAPTURE_TIMEOUT=300
