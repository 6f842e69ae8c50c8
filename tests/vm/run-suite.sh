#!/usr/bin/env bash
# The real-crash suite: each scenario boots a Debian 12 guest with our build
# installed, arms kdump in it, panics it with sysrq, lets our capture kernel
# save the dump, and then checks the dump on the host. Prints PASS/FAIL per
# scenario and ends with "N passed, N failed".
#
# usage: run-suite.sh [SCENARIO...]        (default: every scenarios/*.sh)
# env:   KDUMPD_VM_CACHE   guest image cache (default /var/cache/kdumpd-vm)
#        KDUMPD_VM_JOBS    guests at once (default 2)
#        KDUMPD_VM_KEEP=1  keep the work directory
#        VM_CRASHKERNEL    crashkernel= for the guest (default 96M)
#        CI=true           a missing tool is a failure, never a skip
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$here/lib.sh"

vm_check_tools || exit $?

mapfile -t scenarios < <(
    if [ $# -gt 0 ]; then printf '%s\n' "$@"
    else for f in "$here"/scenarios/*.sh; do basename "$f" .sh; done; fi
)

work=$(mktemp -d /var/tmp/kdumpd-vm.XXXXXX)
[ "${KDUMPD_VM_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
echo "vm: work directory $work"

base=$(vm_base_image) || { echo "vm: FAIL: could not build the guest image"; echo "0 passed, ${#scenarios[@]} failed"; exit 1; }
vm_install_build "$base" "$work" || { echo "vm: FAIL: could not install our build into the guest"; echo "0 passed, ${#scenarios[@]} failed"; exit 1; }

jobs=${KDUMPD_VM_JOBS:-2}
running=0
for s in "${scenarios[@]}"; do
    if [ ! -f "$here/scenarios/$s.sh" ]; then
        echo "vm: no scenario \"$s\"" >&2
        echo "FAIL" >"$work/$s.result"
        continue
    fi
    vm_run_scenario "$base" "$work" "$s" >"$work/$s.out" 2>&1 &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

passed=0 failed=0
for s in "${scenarios[@]}"; do
    [ -f "$work/$s.out" ] && sed "s/^/[$s] /" "$work/$s.out"
    if [ "$(cat "$work/$s.result" 2>/dev/null)" = PASS ]; then
        passed=$((passed + 1))
        echo "PASS: $s"
    else
        failed=$((failed + 1))
        echo "FAIL: $s"
        if [ -f "$work/$s.serial" ]; then
            echo "---- last lines of $s's serial console ----"
            tail -n 60 "$work/$s.serial"
            echo "----"
        fi
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
