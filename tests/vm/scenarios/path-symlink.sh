# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# path through a symbolic link (issue 16, finding 2): /var/crash ->
# /srv/crash on the root filesystem. The capture kernel mounts the root
# filesystem on its own mount point, where an absolute link points into
# the initramfs: a dump there is lost at the reboot, yet said to be saved.
# mkdumprd resolves the link when it builds the image, and the capture
# follows none: the dump must be on the disk, in /srv/crash.
SCENARIO_DESC="path /var/crash, a symlink to /srv/crash: the dump lands in /srv/crash on the disk"
DUMP_DIR=/srv/crash
EXPECT_SERIAL=("VMTEST: path-symlink-made rc=0")
