#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The reload soak: the real kdumpd, kdumpd-arm and kdumpctl of a build
# tree, with only the kernel and dracut faked, re-armed RELOADS times from
# random edits of kdump.conf and kdumpd.conf while kdumpctl status runs all
# along. The edits are valid, broken (syntax, values, a collector that is
# not installed), valid but failing to build (dracut_args --soak-fail), or
# valid but refused by the kernel after it freed what was loaded (a
# command line with soak.refuse).
#
#   kexec_file_load(2)  kexec-fake.c, LD_PRELOADed: it keeps a copy of the
#                       loaded image and its command line, and the fake
#                       /sys/kernel/kexec_crash_loaded beside them
#   dracut              fake-dracut: a small image with what image-check.c
#                       requires and the baked kdump.conf
#   the kernel's files  a temporary root (/sys/kernel/kexec_crash_*, /proc,
#                       /boot/vmlinuz-*): KDUMPD_ROOT, see kdumpd(8)
#   the dump target     ext4 on a loop device, in a mount namespace of this
#                       test, whose sysfs entry is made to look like a disk
#                       (the capture image rightly refuses loop devices);
#                       without loop devices, a directory on the host's own
#                       root filesystem
#
# An edit is saved (rename or in place) and then signalled with
# "kdumpctl reload --pid" in the background, a bare SIGHUP, or nothing (the
# inotify watch). Edits come in rounds; a round ends with either a
# "kdumpctl reload --pid" that is waited for, or a wait until kdumpd has
# seen the last save (its 2 s debounce). Then:
#   - kdumpctl said "armed" (0) exactly when both files are valid and load,
#     "not re-armed" (1) otherwise; the background ones said one of the two;
#   - the loaded image's baked kdump.conf and the loaded command line are
#     the current files' when both are good; otherwise those of a good pair
#     saved in this round or loaded after the last one; the image in the
#     state directory is the loaded one;
#   - a capture kernel is loaded; the fake kernel saw no unload and no
#     refusal but those asked for, and after each of those the arming
#     loaded the previous image again; kdumpctl status said "armed", or
#     "not armed" only in such a moment.
# At the end kdumpd's descriptors must not have grown and its RSS only a
# little; SIGTERM unloads, and kdumpd exits 0 (LeakSanitizer makes a leak
# a failure of kdumpd, kdumpd-arm or kdumpctl).
#
# usage: run-soak.sh [RELOADS]                (default 1000)
# env:   KDUMPD_BUILD_DIR  the meson build directory (default: build in the tree)
#        SOAK_SEED         the random seed (default: the clock; printed)
#        SOAK_KEEP=1       keep the temporary directory (it is kept on failure)
#        CC                the compiler for the kexec fake (default cc)
# Root only, as kdumpd (exit 77, a skip, otherwise). Ends with
# "soak: N reloads in S s ... passed" or "soak: FAIL: ...".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
reloads=${1:-1000}
case $reloads in '' | *[!0-9]*) echo "usage: run-soak.sh [RELOADS]" >&2; exit 2 ;; esac
build=$(cd "${KDUMPD_BUILD_DIR:-$top/build}" 2>/dev/null && pwd) || { echo "soak: no build directory" >&2; exit 2; }
kdumpd=$build/src/kdumpd/kdumpd
arm=$build/src/kdumpd-arm/kdumpd-arm
kdumpctl=$build/src/kdumpctl/kdumpctl

skip() { echo "soak: SKIP: $1"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "kdumpd runs as root"
for p in "$kdumpd" "$arm" "$kdumpctl"; do [ -x "$p" ] || { echo "soak: FAIL: $p is not built"; exit 1; }; done
for c in cpio unshare "${CC:-cc}"; do command -v "$c" >/dev/null || skip "$c is not installed"; done

# A mount namespace of our own: the dump target's mount and its dressed-up
# sysfs entry are seen by nothing else, and go when the test ends.
if [ -z "${SOAK_IN_NAMESPACE:-}" ]; then
    unshare --mount true 2>/dev/null || skip "no mount namespace here"
    SOAK_IN_NAMESPACE=1 exec unshare --mount --propagation private "$0" "$@"
fi

seed=${SOAK_SEED:-$(date +%s)}
RANDOM=$seed
T=$(mktemp -d /var/tmp/kdumpd-soak.XXXXXX) || exit 1
kver=$(uname -r)
daemon_pid=
status_pid=
failed=0

fail() {
    echo "soak: FAIL: $*"
    failed=1
}

cleanup() {
    [ -n "$status_pid" ] && kill "$status_pid" 2>/dev/null
    [ -n "$daemon_pid" ] && kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
    umount -l "$T/dumps" 2>/dev/null
    if [ "$failed" -ne 0 ] || [ -n "${SOAK_KEEP:-}" ]; then
        echo "soak: logs kept in $T (kdumpd.log, kexec/events, status.log)"
    else
        rm -rf "$T"
    fi
}
trap cleanup EXIT

# --- the fake machine -------------------------------------------------------
R=$T/root
mkdir -p "$R/sys/kernel" "$R/proc" "$R/boot" "$R/kexec" "$T/state" "$T/run" "$T/bin" "$T/etc" "$T/dumps" || exit 1
echo 0 >"$R/sys/kernel/kexec_crash_loaded"
echo $((256 << 20)) >"$R/sys/kernel/kexec_crash_size"
echo "BOOT_IMAGE=/boot/vmlinuz-$kver root=/dev/vda1 ro quiet crashkernel=256M" >"$R/proc/cmdline"
printf '  10000000-1fffffff : Crash kernel\n' >"$R/proc/iomem"
cp /proc/cpuinfo /proc/meminfo "$R/proc/"
head -c 65536 /dev/urandom >"$R/boot/vmlinuz-$kver"
ln -s "$here/fake-dracut" "$T/bin/dracut"
"${CC:-cc}" -shared -fPIC -O2 -o "$T/kexec-fake.so" "$here/kexec-fake.c" -ldl ||
    { fail "the kexec fake does not build"; exit 1; }

# The dump target: ext4 on a loop device, dressed as a plain disk in sysfs
# (an empty directory with its dev and size in place of loopN's, which has
# a "loop" entry); else a directory on whatever holds $T.
target="a directory on the host's filesystem"
if truncate -s 64M "$T/disk.img" && mkfs.ext4 -q -F "$T/disk.img" 2>/dev/null &&
    mount -o loop "$T/disk.img" "$T/dumps" 2>/dev/null; then
    dev=$(findmnt -no SOURCE "$T/dumps")
    sysdir=$(readlink -f "/sys/class/block/${dev#/dev/}")
    if ! mkdir -p "$T/fakesys/slaves" || ! cp "$sysdir/dev" "$sysdir/size" "$T/fakesys/" ||
        ! mount --bind "$T/fakesys" "$sysdir"; then
        fail "cannot dress $dev as a disk"
        exit 1
    fi
    target="ext4 on $dev"
fi
for i in 0 1 2 3 4; do mkdir -p "$T/dumps/p$i"; done

# --- the edits ------------------------------------------------------------
collectors=("makedumpfile -l --message-level 7 -d 31" "makedumpfile -c -d 31" "makedumpfile -l -d 1"
            "makedumpfile -p --message-level 1 -d 17")
actions=(reboot halt poweroff)
conf_valid=1 conf_expect='' set_valid=1 set_expect=''
# What a valid kdump.conf of this round, or the one loaded before it, says:
# "P|C|F|G" (path, collector, failure and final action) and "soak.mark=M".
declare -A cand_conf cand_set

conf_write_valid() {
    local p=$((RANDOM % 5)) c=$((RANDOM % ${#collectors[@]})) f=$((RANDOM % 3)) g=$((RANDOM % 3))
    conf_text="path $T/dumps/p$p
core_collector ${collectors[c]}
failure_action ${actions[f]}
final_action ${actions[g]}
"
    # A comment changes the file but not the image; a few values, so that
    # a file comes back as it was now and then.
    [ $((RANDOM % 2)) -eq 0 ] && conf_text="# soak edit $((RANDOM % 4))
$conf_text"
    conf_valid=1 conf_expect="p$p|${collectors[c]}|${actions[f]}|${actions[g]}"
}

conf_write_broken() {
    conf_write_valid
    local broken
    case $((RANDOM % 8)) in
        0) broken="pathh /nowhere" ;;
        1) broken='core_collector "makedumpfile -d 31' ;;
        2) broken="path relative/dir" ;;
        3) broken="path $T/dumps/p1" ;;                # a second path
        4) broken="failure_action explode" ;;
        5) broken="link_delay soon" ;;
        6) broken="core_collector makedumpfile-not-installed -d 31"; conf_text=${conf_text/core_collector/#} ;;
        7) broken="dracut_args --soak-fail" ;;                 # a valid file whose build fails
    esac
    conf_text+="$broken
"
    conf_valid=0 conf_expect=''
}

set_write() {
    local m=$((RANDOM % 5))
    set_valid=1 set_expect="soak.mark=$m"
    set_text="capture_cmdline_append = { \"soak.mark=$m\" }
"
    if [ $((RANDOM % 6)) -eq 0 ]; then
        # Valid, but the fake kernel refuses to load it (after freeing
        # what was loaded, as a kernel does): the previous one must be
        # loaded again.
        set_valid=0 set_expect=''
        set_text="capture_cmdline_append = { \"soak.mark=$m\", \"soak.refuse\" }
"
    elif [ $((RANDOM % 4)) -eq 0 ]; then
        set_valid=0 set_expect=''
        case $((RANDOM % 3)) in
            0) set_text+="capture_cpus = 0
" ;;
            1) set_text+="nope = 1
" ;;
            2) set_text="capture_cmdline_append = { \"nr_cpus=2\" }
" ;;
        esac
    fi
}

# Saves text to path: as an editor that renames, or in place; in place,
# the file is empty for a moment (O_TRUNC), and an arming that reads it
# then takes the defaults, which are valid. in_place says which it was.
save() {
    local path=$1 text=$2
    if [ $((RANDOM % 10)) -lt 7 ]; then
        in_place=0
        printf '%s' "$text" >"$path.tmp" && mv -f "$path.tmp" "$path"
    else
        in_place=1
        printf '%s' "$text" >"$path"
    fi
}

# What an empty kdump.conf and kdumpd.conf load: /var/crash (where it can
# be a dump target), and no mark on the command line.
empty_conf="|makedumpfile -l --message-level 7 -d 31|reboot|reboot" empty_set=none

edit() {
    if [ $((RANDOM % 100)) -lt 15 ]; then
        set_write
        save "$T/etc/kdumpd.conf" "$set_text"
        [ "$in_place" -eq 0 ] || cand_set[$empty_set]=1
    else
        if [ $((RANDOM % 100)) -lt 60 ]; then conf_write_valid; else conf_write_broken; fi
        save "$T/etc/kdump.conf" "$conf_text"
        [ "$in_place" -eq 0 ] || cand_conf[$empty_conf]=1
    fi
    [ "$conf_valid" -eq 1 ] && cand_conf[$conf_expect]=1
    [ "$set_valid" -eq 1 ] && cand_set[$set_expect]=1
    edits=$((edits + 1))
}

# --- what kdumpd, kdumpctl and the fake kernel say ------------------------
export KDUMPD_STATE_FILE=$T/run/state KDUMPD_ROOT=$R
ctl() {
    "$kdumpctl" "$@"
}

state_get() { # KEY
    sed -n "s/^$1=//p" "$KDUMPD_STATE_FILE" 2>/dev/null
}

# The loaded image's kdump.conf as "P|C|F|G", and the command line's mark.
loaded_conf() {
    local baked
    baked=$(cpio -i --quiet --to-stdout etc/kdump.conf <"$R/kexec/initrd" 2>/dev/null) || return 1
    local p c f g
    p=$(sed -n 's|^path .*/\(p[0-9]\)$|\1|p' <<<"$baked")
    c=$(sed -n 's/^core_collector //p' <<<"$baked")
    f=$(sed -n 's/^failure_action //p' <<<"$baked")
    g=$(sed -n 's/^final_action //p' <<<"$baked")
    echo "$p|$c|$f|$g"
}

loaded_mark() {
    grep -o 'soak\.mark=[0-9]*' "$R/kexec/cmdline" 2>/dev/null || echo "$empty_set"
}

sample() { # NAME -> "FDS RSS_KB"; what the descriptors are in $T/fds.NAME
    ls -l "/proc/$daemon_pid/fd" >"$T/fds.$1" 2>&1
    echo "$(find "/proc/$daemon_pid/fd" -mindepth 1 -maxdepth 1 | wc -l) $(awk '/^VmRSS:/ {print $2}' "/proc/$daemon_pid/status")"
}

# Every load the fake kernel refused after freeing what was loaded was
# followed by a load from the same arming (kdumpd-arm's pid): nothing stays
# unloaded. Only when kdumpd is idle.
events_check() {
    local bad
    bad=$(awk '$1 == "freed" {open[$2] = NR} $1 == "load" {delete open[$2]}
               END {for (p in open) printf " %s (line %d)", p, open[p]}' "$R/kexec/events")
    [ -z "$bad" ] || fail "round $rounds: an arming left nothing loaded after a refused load:$bad"
}

# kdumpd has taken in every save: past the debounce of the last one, and
# idle (a final phase, the same generation twice).
quiesce() {
    local since=$1 deadline=$((SECONDS + 60)) g1 g2
    while [ "$(date +%s%N)" -lt $((since + 3000000000)) ]; do sleep 0.1; done
    while [ $SECONDS -lt $deadline ]; do
        g1=$(state_get GENERATION)
        case $(state_get PHASE) in armed | failed) ;; *) sleep 0.1; continue ;; esac
        sleep 0.3
        g2=$(state_get GENERATION)
        case $(state_get PHASE) in armed | failed) [ "$g1" = "$g2" ] && return 0 ;; esac
    done
    fail "kdumpd did not settle within a minute"
    return 1
}

# The checks after a round, tried up to TRIES times half a second apart
# (what kdumpd does after the round may still be under way). WANT_CONF and
# WANT_SET empty: one of the candidates.
check_round() {
    local want_conf=$1 want_set=$2 tries=${3:-1} got_conf got_set loaded i
    for ((i = 0; i < tries; i++)); do
        [ "$i" -eq 0 ] || sleep 0.5
        got_conf=$(loaded_conf) got_set=$(loaded_mark) loaded=$(cat "$R/sys/kernel/kexec_crash_loaded")
        [ "$loaded" = 1 ] || continue
        cmp -s "$R/kexec/initrd" "$T/state/initramfs-$kver.img" || continue
        if [ -n "$want_conf" ]; then
            [ "$got_conf" = "$want_conf" ] && [ "$got_set" = "$want_set" ] && break
        elif [ -n "${cand_conf[$got_conf]:-}" ] && [ -n "${cand_set[$got_set]:-}" ]; then
            break
        fi
    done
    if [ "$i" -eq "$tries" ]; then
        if [ "$loaded" != 1 ]; then
            fail "round $rounds: nothing is loaded"
        elif ! cmp -s "$R/kexec/initrd" "$T/state/initramfs-$kver.img"; then
            fail "round $rounds: the image in the state directory is not the loaded one"
        else
            fail "round $rounds: loaded \"$got_conf\" \"$got_set\"; expected ${want_conf:+\"$want_conf\" \"$want_set\"}${want_conf:-one of: ${!cand_conf[*]} / ${!cand_set[*]}}"
        fi
        return 1
    fi
    [ "$(state_get ARMED)" = 1 ] || fail "round $rounds: the state file says not armed"
    grep -qvE '^(load|freed|refused [0-9]+ as asked)' "$R/kexec/events" &&
        fail "round $rounds: the kernel saw: $(grep -vE '^(load|freed|refused [0-9]+ as asked)' "$R/kexec/events" | head -n 3)"
    kill -0 "$daemon_pid" 2>/dev/null || fail "round $rounds: kdumpd is gone"
    # The next round's candidates: what is loaded now.
    cand_conf=([$got_conf]=1) cand_set=([$got_set]=1)
    return $failed
}

# kdumpctl status all along: it must read the state file kdumpd replaces
# under it, and say "armed" (exit 0); "not armed" (3) only in the moment
# between a refused load and the previous one loaded again (counted).
status_loop() {
    local n=0 out rc
    while :; do
        if [ $((n % 2)) -eq 0 ]; then out=$(ctl status 2>&1); else out=$(ctl status --json 2>&1); fi
        rc=$?
        if [ $rc -eq 3 ]; then
            echo "$n" >>"$T/status-not-armed"
        elif [ $rc -ne 0 ] || grep -q "cannot be read" <<<"$out"; then
            printf 'status exit %d:\n%s\n' "$rc" "$out" >>"$T/status-failures"
        fi
        n=$((n + 1))
        echo "$n" >"$T/status-count"
        sleep 0.05
    done
}

# --- the run --------------------------------------------------------------
conf_write_valid
printf '%s' "$conf_text" >"$T/etc/kdump.conf"
set_valid=1 set_expect="soak.mark=0"
printf 'capture_cmdline_append = { "soak.mark=0" }\n' >"$T/etc/kdumpd.conf"

echo "soak: seed $seed, $reloads reloads, dump target $target, in $T"
start=$SECONDS
# A small quarantine: RSS then shows what is allocated, not what ASan
# keeps of what was freed. The fake is not built with ASan: it comes
# first in the link order.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=1:verify_asan_link_order=0:abort_on_error=0}
KDUMPD_ARM_PROGRAM=$arm KDUMPD_STATE_DIR=$T/state KEXEC_FAKE_ROOT=$R KEXEC_FAKE_REFUSE=soak.refuse PATH="$T/bin:$PATH" \
    LD_PRELOAD=$T/kexec-fake.so "$kdumpd" --config "$T/etc/kdump.conf" --settings "$T/etc/kdumpd.conf" \
    >"$T/kdumpd.log" 2>&1 &
daemon_pid=$!

for ((i = 0; i < 600; i++)); do
    [ "$(state_get PHASE)" = armed ] && break
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
done
if [ "$(state_get PHASE)" != armed ]; then
    tail -n 30 "$T/kdumpd.log"
    fail "kdumpd did not arm: $(state_get PHASE) $(state_get REASON)"
    exit 1
fi
cand_conf=([$conf_expect]=1) cand_set=([$set_expect]=1)
rounds=0
check_round "$conf_expect" "$set_expect" || exit 1
first_gen=$(state_get GENERATION)
read -r fds_armed rss_armed <<<"$(sample armed)"
# A first save through the watch: the event loop makes its timer then.
# From here on nothing kdumpd holds should grow.
touch "$T/etc/kdump.conf"
quiesce "$(date +%s%N)" || exit 1
read -r fds0 rss0 <<<"$(sample start)"
echo "soak: armed after $((SECONDS - start)) s; kdumpd: $fds_armed fds, RSS $rss_armed KiB; after a first reload $fds0 fds, RSS $rss0 KiB"

status_loop >"$T/status.log" 2>&1 &
status_pid=$!

edits=0 sync_rounds=0 quiet_rounds=0 fds_peak=$fds0 rss_peak=$rss0
bg_pids=()
while [ $(($(state_get GENERATION) - first_gen)) -lt "$reloads" ] && [ "$failed" -eq 0 ]; do
    rounds=$((rounds + 1))
    n=$((1 + RANDOM % 3))
    for ((k = 0; k < n; k++)); do
        edit
        last_save=$(date +%s%N)
        case $((RANDOM % 4)) in
            0) ctl reload --pid "$daemon_pid" >/dev/null 2>&1 & bg_pids+=($!) ;;
            1) kill -HUP "$daemon_pid" ;;
            *) ;; # the inotify watch's
        esac
        [ $((RANDOM % 2)) -eq 0 ] && sleep "0.0$((RANDOM % 10))"
    done
    both_valid=$((conf_valid && set_valid))
    if [ $((RANDOM % 5)) -ne 0 ]; then
        # A reload waited for: kdumpctl's answer is the current files'.
        sync_rounds=$((sync_rounds + 1))
        ctl reload --pid "$daemon_pid" >"$T/reload.out" 2>&1
        rc=$?
        want=$((both_valid ? 0 : 1))
        [ "$rc" -eq "$want" ] || fail "round $rounds: kdumpctl reload exited $rc, not $want: $(cat "$T/reload.out")"
        # Only an arming that follows may still be at work: one the watch
        # started, which a refused load makes visible for a moment.
        tries=1
        grep -q soak.refuse "$T/etc/kdumpd.conf" && tries=10
    else
        quiet_rounds=$((quiet_rounds + 1))
        quiesce "$last_save" || break
        events_check
        tries=20
    fi
    for p in "${bg_pids[@]}"; do
        wait "$p"
        rc=$?
        [ "$rc" -le 1 ] || fail "round $rounds: a background kdumpctl reload exited $rc"
    done
    bg_pids=()
    if [ "$both_valid" -eq 1 ]; then
        check_round "$conf_expect" "$set_expect" "$tries"
    else
        check_round "" "" "$tries"
    fi
    [ -s "$T/status-failures" ] && fail "kdumpctl status: $(head -n 5 "$T/status-failures")"
    if [ $((rounds % 25)) -eq 0 ]; then
        read -r f r <<<"$(sample round)"
        [ "$f" -gt "$fds_peak" ] && fds_peak=$f
        [ "$r" -gt "$rss_peak" ] && rss_peak=$r
        echo "soak: round $rounds, $(($(state_get GENERATION) - first_gen)) reloads, $((SECONDS - start)) s; kdumpd: $f fds, RSS $r KiB"
    fi
done

kill "$status_pid" 2>/dev/null
wait "$status_pid" 2>/dev/null
status_pid=
quiesce "$(date +%s%N)"
events_check
read -r fds1 rss1 <<<"$(sample end)"
done_reloads=$(($(state_get GENERATION) - first_gen))
elapsed=$((SECONDS - start))
loads=$(grep -c '^load ' "$R/kexec/events")
refused=$(grep -c '^refused ' "$R/kexec/events")
not_armed=$(wc -l <"$T/status-not-armed" 2>/dev/null || echo 0)
[ "$not_armed" -eq 0 ] || [ "$refused" -gt 0 ] ||
    fail "kdumpctl status said \"not armed\" $not_armed times, and no load was refused"
builds=$(grep -c 'Building capture initramfs' "$T/kdumpd.log")
echo "soak: $done_reloads reloads in $rounds rounds ($sync_rounds ended by kdumpctl reload, $quiet_rounds by the watch), $edits edits, $builds builds, $loads loads ($refused refused), $(cat "$T/status-count" 2>/dev/null || echo 0) status calls ($not_armed saw a refused load's gap), $elapsed s"
echo "soak: kdumpd: $fds0 fds and RSS $rss0 KiB after the first reload, $fds1 fds and RSS $rss1 KiB at the end (peak $fds_peak fds, $rss_peak KiB)"

[ "$fds1" -le "$fds0" ] || fail "kdumpd holds $((fds1 - fds0)) more descriptors than at the start: $(diff "$T/fds.start" "$T/fds.end" | grep '^[<>]' | grep -v total)"
# A few pages of noise (the allocator's caches); a leak of a few hundred
# bytes a reload shows after a thousand.
[ "$rss1" -le $((rss0 + rss0 / 10 + 2048)) ] || fail "kdumpd's RSS grew from $rss0 to $rss1 KiB"

kill -TERM "$daemon_pid"
wait "$daemon_pid"
rc=$?
daemon_pid=
[ "$rc" -eq 0 ] || fail "kdumpd exited $rc after SIGTERM"
grep -q 'Sanitizer' "$T/kdumpd.log" && fail "a sanitizer spoke: $(grep -m1 -A5 'Sanitizer' "$T/kdumpd.log")"
[ "$(tail -n 1 "$R/kexec/events" | cut -d' ' -f1)" = unload ] || fail "kdumpd did not unload on SIGTERM"
[ "$(cat "$R/sys/kernel/kexec_crash_loaded")" = 0 ] || fail "a capture kernel is still loaded after SIGTERM"

if [ "$failed" -ne 0 ]; then
    tail -n 40 "$T/kdumpd.log"
    echo "soak: FAIL (seed $seed)"
    exit 1
fi
echo "soak: $done_reloads reloads in $elapsed s, passed"
