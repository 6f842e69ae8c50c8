# failure_action mount_root_run_init: kdump_pre fails; the capture mounts
# the real root, makes it / and starts its init (systemd) in the capture
# kernel; kdumpd there finds /proc/vmcore, saves the dump to path on the
# root filesystem and reboots the machine.
SCENARIO_DESC="kdump_pre fails, failure_action mount_root_run_init: systemd in the capture kernel, kdumpd saves the dump"
EXTRA_DISK_LABEL=kdumpdisk
DUMP_ON_ROOT=yes
DUMP_DIR=/var/crash
# systemd, udev and journald run in the capture kernel: more than 96M.
VM_CRASHKERNEL=256M
EXPECT_SERIAL=("VMTEST-CAPTURE: kdump_pre fails" "kdump: dump failed in step pre-hooks"
               "kdump: mount_root_run_init: starting the real root's init"
               "Capture boot: saved vmcore to /var/crash/"
               "VMTEST: capture-boot: the real root's init runs in the capture kernel"
               "reboot: Restarting system")
# The only scenario at 256M: a profile saved for it alone would not pay.
VM_COLD_BOOT=yes
