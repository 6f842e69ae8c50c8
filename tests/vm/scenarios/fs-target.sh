# A dump target named by label on a second disk, a path relative to it,
# hooks (kdump_pre, kdump_post with the dump's status, pre.d and post.d
# scripts), an extra binary (run by kdump_post) and an extra module.
SCENARIO_DESC="ext4 LABEL= target on a second disk, path /dumps, hooks, extra_bins/extra_modules"
EXTRA_DISK_LABEL=kdumpdisk
DUMP_DIR=/dumps
EXPECT_SERIAL=("VMTEST-CAPTURE: kdump_pre ran" "VMTEST-CAPTURE: pre.d ran"
               "VMTEST-CAPTURE: kdump_post status=0" "VMTEST-CAPTURE: post.d ran"
               "VMTEST-CAPTURE: extra_bins /usr/bin/true ran" "Loaded module loop"
               "VMTEST: path-check rc=0" "VMTEST: path-check-after-mkdir rc=0")
