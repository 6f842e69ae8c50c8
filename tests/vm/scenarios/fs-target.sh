# A dump target named by label on a second disk, a path relative to it,
# hooks (kdump_pre, kdump_post with the dump's status, a pre.d script), and
# an extra binary and module carried into the image.
SCENARIO_DESC="ext4 LABEL= target on a second disk, path /dumps, hooks, extra_bins/extra_modules"
EXTRA_DISK_LABEL=kdumpdisk
DUMP_DIR=/dumps
EXPECT_SERIAL=("VMTEST-CAPTURE: kdump_pre ran" "VMTEST-CAPTURE: pre.d ran"
               "VMTEST-CAPTURE: kdump_post status=0" "Loaded module loop"
               "VMTEST: path-check rc=0" "VMTEST: path-check-after-mkdir rc=0")
