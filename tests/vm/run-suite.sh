#!/usr/bin/env bash
# The real-crash suite: each scenario boots a Debian 13 guest (Debian 12 with
# KDUMPD_VM_DISTRO=debian12) with our package installed (or restores one
# saved at multi-user.target), arms kdump in it,
# panics it with sysrq, lets our capture kernel save the dump, and then
# checks the dump on the host. Prints PASS/FAIL/SKIP per scenario and ends
# with "N passed, N failed, N skipped". tests/vm/README.md has the whole.
#
# usage: run-suite.sh [SCENARIO...]   (default: every scenarios/*.sh)
#        run-suite.sh --list          the scenarios, one a line, with the
#                                     seconds each may take (meson's timeout)
# env:   KDUMPD_VM_CACHE    guest image cache (default /var/cache/kdumpd-vm)
#        KDUMPD_VM_SETUP    built trees, disks and profiles (default
#                           /var/tmp/kdumpd-vm-setup)
#        KDUMPD_VM_JOBS     guests at once (default 2)
#        KDUMPD_VM_KEEP=1   keep the work directory
#        KDUMPD_VM_SNAPSHOTS=0  boot every guest instead of restoring profiles
#        KDUMPD_VM_DISTRO   debian13 (default) or debian12
#        VM_CRASHKERNEL, VM_MEMORY  the defaults for scenarios (96M, 1024)
#        VM_TIMEOUT         seconds one guest boot may take (default 1500)
#        CI=true            a missing tool is a failure, never a skip
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2034 # top: used by lib.sh
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

if [ "${1:-}" = --list ]; then
    for f in "$here"/scenarios/*.sh; do
        n=$(basename "$f" .sh)
        t=$(sed -n 's/^VM_TEST_TIMEOUT=\([0-9]*\).*/\1/p' "$f" | tail -n1)
        echo "$n ${t:-900}"
    done
    exit 0
fi

vm_check_tools || exit $?

mapfile -t scenarios < <(
    if [ $# -gt 0 ]; then printf '%s\n' "$@"
    else for f in "$here"/scenarios/*.sh; do basename "$f" .sh; done; fi
)

# Network scenarios need more of the host; without it they are skipped
# (outside CI) or fail (in CI), and the others still run.
net_missing=$(net_missing_tools | tr '\n' ' ')

work=$(mktemp -d /var/tmp/kdumpd-vm.XXXXXX)
# Whatever happens, no server and no namespace outlives the suite.
cleanup() {
    local p
    for p in $(jobs -p); do kill "$p" 2>/dev/null; done
    net_teardown_all "$work"
    [ "${KDUMPD_VM_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
echo "vm: work directory $work"

base=$(vm_base_image) || { echo "vm: FAIL: could not build the guest image"; echo "0 passed, ${#scenarios[@]} failed, 0 skipped"; exit 1; }
vm_install_build "$base" "$work" || { echo "vm: FAIL: could not install our build into the guest"; echo "0 passed, ${#scenarios[@]} failed, 0 skipped"; exit 1; }

# One scenario in the background, its report in $work/NAME.out, its
# result in $work/NAME.result (PASS or SKIP; nothing is a failure).
run_one() {
    local s=$1 t0
    t0=$(vm_now)
    if [ ! -f "$here/scenarios/$s.sh" ]; then
        echo "not ok: no scenario \"$s\"" >"$work/$s.out"
        return
    fi
    if [ -n "$net_missing" ] && grep -qx 'NET=yes' "$here/scenarios/$s.sh"; then
        if [ "${CI:-}" = true ]; then
            echo "not ok: missing on this host for network scenarios: $net_missing" >"$work/$s.out"
        else
            echo "SKIP: this host cannot serve network targets: missing $net_missing" >"$work/$s.out"
            echo SKIP >"$work/$s.result"
        fi
        return
    fi
    vm_run_scenario "$base" "$work" "$s" >"$work/$s.out" 2>&1
    echo "scenario-seconds: $(vm_since "$t0")" >>"$work/$s.out"
}

jobs=${KDUMPD_VM_JOBS:-2}
running=0
for s in "${scenarios[@]}"; do
    run_one "$s" &
    running=$((running + 1))
    if [ $running -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
done
wait

passed=0 failed=0 skipped=0
for s in "${scenarios[@]}"; do
    [ -f "$work/$s.out" ] && sed "s/^/[$s] /" "$work/$s.out"
    result=$(cat "$work/$s.result" 2>/dev/null)
    secs=$(sed -n 's/^scenario-seconds: //p' "$work/$s.out" 2>/dev/null)
    if [ "$result" = PASS ]; then
        passed=$((passed + 1))
        echo "PASS: $s (${secs:-?} s)"
    elif [ "$result" = SKIP ]; then
        skipped=$((skipped + 1))
        echo "SKIP: $s"
    else
        failed=$((failed + 1))
        echo "FAIL: $s (${secs:-?} s)"
        if [ -f "$work/$s.serial" ]; then
            echo "---- last lines of $s's serial console ----"
            tail -n 60 "$work/$s.serial"
            echo "----"
        fi
    fi
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || exit 1
# Nothing ran but skips: meson's SKIP.
[ "$passed" -eq 0 ] && [ "$skipped" -gt 0 ] && exit 77
exit 0
