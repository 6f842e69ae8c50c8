#!/usr/bin/env bash
# kdumpd against Debian's kdump-tools, side by side in one run: two guests
# from the same Debian 12 recipe boot at the same time with the same
# crashkernel=, each enables its kdump service (first start, with the
# initramfs build, then a warm restart), panics with sysrq, and saves the
# dump to /var/crash on its root disk. Times come from the serial consoles
# (host clock) and from the guests (their uptime); the dumps are checked
# with makedumpfile --dump-dmesg. Prints a table with peer/ours ratios.
#
# usage: sudo bench/crash-vs-kdump-tools.sh      (env as tests/vm/run-suite.sh)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/tests/vm
source "$here/lib.sh"
vm_check_tools || exit $?

work=$(mktemp -d /var/tmp/kdumpd-bench.XXXXXX)
[ "${KDUMPD_VM_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
echo "bench: work directory $work, crashkernel=$VM_CRASHKERNEL, ${VM_MEMORY} MiB guests"

base=$(vm_base_image) || exit 1
peer=$(vm_cached_image debian12-peer "$top/bench/peer-recipe.sh" "$base") || exit 1
vm_install_build "$base" "$work" || exit 1          # ours: $work/disk.raw
vm_make_disk "$peer" "" "$work/peer-disk.raw" || exit 1

qemu-img create -q -f qcow2 -b "$work/disk.raw" -F raw "$work/ours.qcow2" || exit 1
qemu-img create -q -f qcow2 -b "$work/peer-disk.raw" -F raw "$work/peer.qcow2" || exit 1
: >"$work/ours.times"; : >"$work/peer.times"; : >"$work/ours.serial"; : >"$work/peer.serial"

VM_EXTRA_APPEND=kdumpd_bench=ours vm_boot "$base" "$work" ours crash &
VM_EXTRA_APPEND=kdumpd_bench=peer vm_boot "$peer" "$work" peer crash &
wait

# A marker's time since QEMU started, from vm_boot's record.
t() { awk -v m="crash:$2" 'index($0, m " ") == 1 {print $NF}' "$work/$1.times" | head -n1; }
# A "VMTEST: key=value" or "… seconds=N" the guest reported.
g() { grep -ao "VMTEST: $2[^ ]*\( rc=[0-9]*\)\? *\(seconds=[0-9.]*\)\?" "$work/$1.serial" | head -n1 | grep -o "${3:-seconds}=[0-9.]*" | cut -d= -f2; }
sub() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v o="$1" -v p="$2" 'BEGIN {if (o > 0) printf "%.2f", p / o; else print "-"}'; }

# Dump checks: ours with the suite's checker; the peer's by its layout
# (/var/crash/<stamp>/dump.<stamp>).
ok_ours=FAIL ok_peer=FAIL
vm_check_dump "$work" ours /var/crash "$work/ours.qcow2" >"$work/ours.check" 2>&1 && ok_ours=valid
qemu-img convert -O raw "$work/peer.qcow2" "$work/peer.raw"
stamp=$(debugfs -R "ls -p /var/crash" "$work/peer.raw" 2>/dev/null | awk -F/ '$6 ~ /^[0-9]+$/ {print $6}' | tail -n1)
peer_core=
if [ -n "$stamp" ]; then
    debugfs -R "dump /var/crash/$stamp/dump.$stamp $work/peer.vmcore" "$work/peer.raw" >/dev/null 2>&1
    # kdump-tools writes makedumpfile's flattened format (-F): reassemble it.
    if makedumpfile -R "$work/peer.vmcore.elf" <"$work/peer.vmcore" >/dev/null 2>&1 &&
        makedumpfile --dump-dmesg "$work/peer.vmcore.elf" "$work/peer.dmesg" >/dev/null 2>&1 &&
        grep -q "sysrq: Trigger a crash" "$work/peer.dmesg"; then
        ok_peer=valid
    fi
    peer_core=$(stat -c %s "$work/peer.vmcore" 2>/dev/null)
fi
rm -f "$work/peer.raw"
ours_core=$(stat -c %s "$work/ours.dump/vmcore" 2>/dev/null)

declare -A O P
O[arm]=$(g ours bench-arm); P[arm]=$(g peer bench-arm)
O[rearm]=$(g ours bench-rearm); P[rearm]=$(g peer bench-rearm)
O[capture]=$(sub "$(t ours 'sysrq: Trigger a crash')" "$(t ours 'kdump: capture kernel started')")
P[capture]=$(sub "$(t peer 'sysrq: Trigger a crash')" "$(t peer 'running makedumpfile --dump-dmesg')")
O[saved]=$(sub "$(t ours 'sysrq: Trigger a crash')" "$(t ours 'Saved vmcore to')")
P[saved]=$(sub "$(t peer 'sysrq: Trigger a crash')" "$(t peer 'saved vmcore in')")
O[cycle]=$(t ours exit); P[cycle]=$(t peer exit)
O[img]=$(g ours bench-initramfs-bytes= bench-initramfs-bytes); P[img]=$(g peer bench-initramfs-bytes= bench-initramfs-bytes)

printf '\n%-44s %14s %14s %10s\n' "" "kdumpd" "kdump-tools" "peer/ours"
row() { printf '%-44s %14s %14s %10s\n' "$1" "${2:--}" "${3:--}" "$(ratio "$2" "$3" || echo -)"; }
row "first start, armed (s, incl. initramfs build)" "${O[arm]}" "${P[arm]}"
row "warm restart, armed again (s)" "${O[rearm]}" "${P[rearm]}"
row "panic -> capture userspace at work (s)" "${O[capture]}" "${P[capture]}"
row "panic -> vmcore saved (s)" "${O[saved]}" "${P[saved]}"
row "boot + arm + panic + save, QEMU start->exit (s)" "${O[cycle]}" "${P[cycle]}"
row "capture initramfs (bytes)" "${O[img]}" "${P[img]}"
row "vmcore (bytes)" "$ours_core" "$peer_core"
printf '%-44s %14s %14s\n' "dump (makedumpfile --dump-dmesg shows the panic)" "$ok_ours" "$ok_peer"
echo "(each side's default collector: kdumpd makedumpfile -l -d 31, kdump-tools makedumpfile -F -c -d 31)"
[ "$ok_ours" = valid ]
