# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# extra_bins with a quoted word and a second program (issue 16, finding
# 1): the dracut module once read the quotes as part of the name, its
# install() stopped half-way, and the image was loaded without what came
# after. Both programs must be in the image and run in the capture (the
# kdump_post hook runs them), and the image holds everything the build
# planned (the module's end marks among them).
SCENARIO_DESC="extra_bins \"/usr/bin/true\" /usr/bin/env: both in the capture image and run by kdump_post"
DUMP_DIR=/var/crash
EXPECT_SERIAL=("VMTEST: extra-bins-in-image rc=0" "VMTEST-CAPTURE: extra_bins true rc=0"
               "VMTEST-CAPTURE: extra_bins env rc=0" "VMTEST-CAPTURE: kdump_post status=0")
