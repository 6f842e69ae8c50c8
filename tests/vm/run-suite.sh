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
#        VM_TIMEOUT        seconds one guest boot may take (default 1500)
#        CI=true           a missing tool is a failure, never a skip
# What a scenario may set (LEAN, EXPECT_NO_DUMP, EXPECT_END, HOST_ACTION,
# CONSOLE_INPUT, ...) is listed above vm_run_scenario in lib.sh. Each guest
# has a QEMU monitor on $work/NAME.mon (socat talks to it).
# Network scenarios (NET=yes) run their guest in a network namespace of
# their own with an NFS and an ssh server (tests/vm/net.sh); they need root,
# nfs-ganesha, rpcbind and openssh-server on the host.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2034 # top: used by lib.sh
top=$(cd "$here/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$here/lib.sh"

vm_check_tools || exit $?

mapfile -t scenarios < <(
    if [ $# -gt 0 ]; then printf '%s\n' "$@"
    else for f in "$here"/scenarios/*.sh; do basename "$f" .sh; done; fi
)

# Network scenarios need more of the host; without it they are skipped
# (outside CI) or fail (in CI), and the others still run.
net_missing=$(net_missing_tools | tr '\n' ' ')
net_skip=()
if [ -n "$net_missing" ]; then
    for s in "${scenarios[@]}"; do
        grep -qx 'NET=yes' "$here/scenarios/$s.sh" 2>/dev/null && net_skip+=("$s")
    done
fi

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
    if [[ " ${net_skip[*]} " == *" $s "* ]]; then
        if [ "${CI:-}" = true ]; then
            echo "not ok: missing on this host for network scenarios: $net_missing" >"$work/$s.out"
            echo FAIL >"$work/$s.result"
        else
            echo "SKIP: this host cannot serve network targets: missing $net_missing" >"$work/$s.out"
            echo SKIP >"$work/$s.result"
        fi
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
    result=$(cat "$work/$s.result" 2>/dev/null)
    if [ "$result" = PASS ]; then
        passed=$((passed + 1))
        echo "PASS: $s"
    elif [ "$result" = SKIP ]; then
        echo "SKIP: $s"
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
