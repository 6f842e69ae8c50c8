#!/usr/bin/env bash
# The whole test suite: unit tests (meson suite "unit"), a short run of the
# reload soak (meson suite "soak", tests/soak), a short run of every
# parser's fuzzer (tests/fuzz, FUZZ_SECONDS shared out, default 60), and
# the real-crash scenarios in QEMU (meson suite "vm", tests/vm). Ends with
# "N passed, N failed, N skipped" over all of them.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

tools/install-deps.sh || { echo "run-all: installing dependencies failed"; exit 1; }

build=${BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Dwerror=true -Db_sanitize=address,undefined || exit 1
fi
ninja -C "$build" || { echo "run-all: build failed"; echo "0 passed, 1 failed"; exit 1; }

unit_log=$(mktemp)
meson test -C "$build" --suite unit --print-errorlogs 2>&1 | tee "$unit_log"
unit_ok=$(awk '/^Ok:/ {print $2}' "$unit_log" | tail -n1)
unit_fail=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $2} END {print s + 0}' "$unit_log")
unit_skip=$(awk '/^Skipped:/ {print $2}' "$unit_log" | tail -n1)
rm -f "$unit_log"
unit_ok=${unit_ok:-0}
[ "$unit_ok" -gt 0 ] || unit_fail=$((unit_fail + 1))   # no unit test ran: that is a failure

# The soak: one meson test, a skip when not run as root.
soak_log=$(mktemp)
meson test -C "$build" --suite soak --print-errorlogs 2>&1 | tee "$soak_log"
soak_rc=${PIPESTATUS[0]}
soak_ok=$(awk '/^Ok:/ {print $2}' "$soak_log" | tail -n1)
soak_fail=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $2} END {print s + 0}' "$soak_log")
soak_skip=$(awk '/^Skipped:/ {print $2}' "$soak_log" | tail -n1)
rm -f "$soak_log"
soak_ok=${soak_ok:-0} soak_skip=${soak_skip:-0}
[ "$soak_rc" -ne 0 ] && [ "$soak_fail" -eq 0 ] && soak_fail=1
[ $((soak_ok + soak_fail + soak_skip)) -gt 0 ] || soak_fail=1

# One count per fuzzer, from run-fuzz.sh's last line "fuzz: N passed, M failed".
fuzz_log=$(mktemp)
tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-60}" 2>&1 | tee "$fuzz_log"
fuzz_rc=${PIPESTATUS[0]}
fuzz_ok=0 fuzz_fail=0 fuzz_skip=0
if [ "$fuzz_rc" -eq 77 ]; then fuzz_skip=1
elif counts=$(sed -n 's/^fuzz: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$fuzz_log" | tail -n1) &&
    [ -n "$counts" ]; then
    read -r fuzz_ok fuzz_fail <<<"$counts"
    [ "$fuzz_rc" -ne 0 ] && [ "$fuzz_fail" -eq 0 ] && fuzz_fail=1
    [ "$fuzz_rc" -eq 0 ] && [ "$fuzz_ok" -eq 0 ] && fuzz_fail=1 # no fuzzer ran
else fuzz_fail=1; fi
rm -f "$fuzz_log"

# The vm suite: one meson test per scenario (tests/vm/meson.build), two
# guests at once; meson prints each scenario's time as it ends.
vm_log=$(mktemp)
meson test -C "$build" --suite vm --num-processes "${KDUMPD_VM_JOBS:-2}" --print-errorlogs 2>&1 | tee "$vm_log"
vm_rc=${PIPESTATUS[0]}
vm_ok=$(awk '/^Ok:/ {print $2}' "$vm_log" | tail -n1)
vm_fail=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $2} END {print s + 0}' "$vm_log")
vm_skip=$(awk '/^Skipped:/ {print $2}' "$vm_log" | tail -n1)
rm -f "$vm_log"
vm_ok=${vm_ok:-0} vm_skip=${vm_skip:-0}
[ "$vm_rc" -ne 0 ] && [ "$vm_fail" -eq 0 ] && vm_fail=1
[ $((vm_ok + vm_fail + vm_skip)) -gt 0 ] || vm_fail=1 # no scenario ran: that is a failure

echo "unit: ${unit_ok} passed, ${unit_fail} failed, ${unit_skip:-0} skipped"
echo "soak: ${soak_ok} passed, ${soak_fail} failed, ${soak_skip} skipped"
echo "fuzz: ${fuzz_ok} passed, ${fuzz_fail} failed, ${fuzz_skip} skipped"
echo "vm: ${vm_ok} passed, ${vm_fail} failed, ${vm_skip} skipped"
echo "$((unit_ok + soak_ok + fuzz_ok + vm_ok)) passed, $((unit_fail + soak_fail + fuzz_fail + vm_fail)) failed, $(( ${unit_skip:-0} + soak_skip + fuzz_skip + vm_skip )) skipped"
[ $((unit_fail + soak_fail + fuzz_fail + vm_fail)) -eq 0 ]
