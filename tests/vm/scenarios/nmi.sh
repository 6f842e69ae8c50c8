# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A machine that an NMI stops: the nmi trigger is on by default; the
# guest, armed, asks the host for an NMI (QEMU's monitor "nmi", as a BMC's
# "inject NMI"), which the kernel claims for no reason and so panics on.
# The next boot's kdumpctl info names the NMI panic.
SCENARIO_DESC="an NMI from QEMU's monitor panics the armed guest (nmi trigger); info names it"
DUMP_DIR=/var/crash
CRASH_BY_PRECRASH=yes
EXPECT_PANIC="NMI: Not continuing"
HOST_ACTION=vm_nmi
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("VMTEST: nmi-trigger-set rc=0")
EXPECT_AFTER_SERIAL=("VMTEST: nmi-info rc=0")
# The panic runs in NMI context, where printk only fills the ring buffer:
# the kexec comes before any console flush, so the panic line is only in
# the dump's kernel log (which the dump check reads).
EXPECT_PANIC_ON_CONSOLE=no
