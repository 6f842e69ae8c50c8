#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# kdumpctl reload --pid PID (kdump.service's ExecReload) signals PID: a
# value that kill(2) would take as a process group (above INT_MAX;
# 4294967295 is -1, every process) or PID 1 must be refused with exit 64
# and nothing signalled. Runs in a PID namespace of its own, so that a
# kdumpctl that gets it wrong signals only this test. Root only (SKIP).
# usage: test-kdumpctl-pid.sh KDUMPCTL-BINARY
set -u
kdumpctl=$1
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for a PID namespace"; exit 77; }
unshare --pid --fork --mount-proc true 2>/dev/null || { echo "SKIP: no PID namespace here"; exit 77; }

# shellcheck disable=SC2016 # expanded by the inner shell
unshare --pid --fork --mount-proc bash -c '
    kdumpctl=$1
    failed=0
    # A bystander that must survive every refused --pid.
    sleep 60 &
    bystander=$!
    for pid in 4294967295 2147483648 -1 1 0 +5 12x ""; do
        out=$("$kdumpctl" reload --pid "$pid" 2>&1)
        rc=$?
        if [ $rc -ne 64 ] || ! kill -0 "$bystander" 2>/dev/null; then
            echo "not ok: reload --pid \"$pid\": exit $rc ($out), bystander $(kill -0 "$bystander" 2>/dev/null && echo alive || echo killed)"
            failed=1
        else
            echo "ok: reload --pid \"$pid\" refused: $out"
        fi
    done
    kill "$bystander" 2>/dev/null
    exit $failed
' test-kdumpctl-pid "$kdumpctl"
