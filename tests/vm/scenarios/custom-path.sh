# A path of the admin's choosing, another collector level, poweroff after
# the dump (final_action).
SCENARIO_DESC="path /srv/dumps, core_collector -c -d 17, final_action poweroff"
DUMP_DIR=/srv/dumps
EXPECT_AFTER_BOOT=no
