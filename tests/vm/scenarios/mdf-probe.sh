# shellcheck shell=bash disable=SC2034
SCENARIO_DESC="probe: makedumpfile --mem-usage and the exclusion report"
DUMP_DIR=/var/crash
