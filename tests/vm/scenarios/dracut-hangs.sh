# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A build that hangs (issue 16, finding 4c): dracut ran without a
# deadline, and a hung build stayed "building" forever. Here dracut_args
# add a dracut module whose install() never returns (as a third-party
# module waiting on a dead network mount would), with build_timeout = 30 in
# kdumpd.conf: the build is stopped after 30 s, the reload reported as
# failed with why, nothing of it left behind, and the previous capture
# kernel stays loaded: the crash dumps as before.
SCENARIO_DESC="a dracut module hangs: stopped at build_timeout, reported, previous capture kernel kept, the crash dumps"
DUMP_DIR=/var/crash
EXPECT_SERIAL=("VMTEST: dracut-hangs-timeout-set rc=0" "VMTEST: dracut-hangs-stopped rc=0"
               "VMTEST: dracut-hangs-still-loaded rc=0" "VMTEST: dracut-hangs-nothing-left rc=0"
               "VMTEST: dracut-hangs-restored rc=0")
