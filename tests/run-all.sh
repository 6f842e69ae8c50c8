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

# Runs meson suite SUITE (more meson test arguments after it) and sets
# SUITE_ok, SUITE_fail and SUITE_skip from meson's summary. A suite that
# exits non-zero has failed, and one in which nothing ran has too.
meson_suite() {
    local suite=$1 log rc ok fail skip
    shift
    log=$(mktemp)
    meson test -C "$build" --suite "$suite" --print-errorlogs "$@" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    ok=$(awk '/^Ok:/ {print $2}' "$log" | tail -n1)
    fail=$(awk '/^(Fail|Unexpected Pass|Timeout):/ {s += $2} END {print s + 0}' "$log")
    skip=$(awk '/^Skipped:/ {print $2}' "$log" | tail -n1)
    rm -f "$log"
    ok=${ok:-0} skip=${skip:-0}
    [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
    [ $((ok + fail + skip)) -gt 0 ] || fail=1
    printf -v "${suite}_ok" %s "$ok"
    printf -v "${suite}_fail" %s "$fail"
    printf -v "${suite}_skip" %s "$skip"
}

meson_suite unit
# The soak: one meson test, a skip when not run as root.
meson_suite soak

# One count per fuzzer, from run-fuzz.sh's last line "fuzz: N passed, M failed".
fuzz_log=$(mktemp)
tests/fuzz/run-fuzz.sh "${FUZZ_SECONDS:-60}" 2>&1 | tee "$fuzz_log"
fuzz_rc=${PIPESTATUS[0]}
fuzz_ok=0 fuzz_fail=0 fuzz_skip=0
# shellcheck disable=SC2034 # fuzz_skip is read as ${!skip} below
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
meson_suite vm --num-processes "${KDUMPD_VM_JOBS:-2}"

# What failed, at the end where a CI log's tail shows it: each failed
# scenario's "not ok" lines, from meson's full log.
testlog=$build/meson-logs/testlog.txt
if [ "$vm_fail" -gt 0 ] && [ -f "$testlog" ]; then
    echo "---- what failed ----"
    grep -E '^\[[a-z0-9-]+\] (not ok|SKIP)|^FAIL: |^vm: .*(failed|error)' "$testlog" | head -n 80
    echo "----"
fi

passed=0 failed=0 skipped=0
for s in unit soak fuzz vm; do
    ok=${s}_ok fail=${s}_fail skip=${s}_skip
    echo "$s: ${!ok} passed, ${!fail} failed, ${!skip} skipped"
    passed=$((passed + ${!ok})) failed=$((failed + ${!fail})) skipped=$((skipped + ${!skip}))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
