#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# kdumpctl check --offline: files written for another machine (its disk,
# its hooks, its kernel) pass when their language is right, and fail
# only for what is wrong in the language; without --offline the same
# files fail on this machine.
# usage: test-kdumpctl-check.sh KDUMPCTL-BINARY
set -u

kdumpctl=$1
failed=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

expect() {
    local what=$1 want_rc=$2 pattern=$3 rc
    shift 3
    "$kdumpctl" "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    if [ "$rc" -ne "$want_rc" ]; then
        echo "not ok: $what: exit $rc, want $want_rc"; sed 's/^/  /' "$dir/err"; failed=1; return
    fi
    if [ -n "$pattern" ] && ! grep -q -- "$pattern" "$dir/out" "$dir/err"; then
        echo "not ok: $what: no \"$pattern\" in the output"; sed 's/^/  /' "$dir/out" "$dir/err"; failed=1; return
    fi
    echo "ok: $what"
}

cat >"$dir/other.conf" <<'CONF'
ext4 UUID=0badc0de-0000-4000-8000-000000000000
path /var/crash
core_collector makedumpfile -l -d 31
kdump_pre /usr/local/lib/other-machine/pre-hook
extra_modules no_such_module_anywhere
CONF
printf 'kernel = 0.0.0-other-machine\n' >"$dir/other-settings.conf"
printf 'pth /var/crash\n' >"$dir/typo.conf"
printf 'capture_cpus = many\n' >"$dir/bad-settings.conf"

expect "another machine's files pass offline" 0 "^ext4 UUID=0badc0de" \
    check --offline --config "$dir/other.conf" --settings "$dir/other-settings.conf"
expect "the effective settings are printed offline" 0 '^# kernel = "0.0.0-other-machine"' \
    check --offline --config "$dir/other.conf" --settings "$dir/other-settings.conf"
expect "the same files fail against this machine" 1 "error:" \
    check --config "$dir/other.conf" --settings "$dir/other-settings.conf"
expect "a typo fails offline too" 1 'unknown directive "pth"' \
    check --offline --config "$dir/typo.conf" --settings "$dir/other-settings.conf"
expect "bad settings fail offline too" 1 "bad-settings.conf" \
    check --offline --config "$dir/other.conf" --settings "$dir/bad-settings.conf"
expect "a missing file fails offline" 1 "" \
    check --offline --config "$dir/nonexistent.conf" --settings "$dir/other-settings.conf"
expect "--offline takes no value" 64 "" check --offline=yes --config "$dir/other.conf"
exit $failed
