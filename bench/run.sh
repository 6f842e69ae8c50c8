#!/usr/bin/env bash
# kdumpd against Debian's kdump-tools, measured so that a skeptic can check
# it: both sides in guests from the same Debian 12 recipe, two guests at once
# (ours and the peer's of the same probe, so both see the same host load),
# the same collector settings, the same milestones read the same way from
# the serial consoles, several runs with min/median/max, and every dump
# checked; a run whose dump is invalid is reported and never averaged in.
# Writes bench/RESULTS.md (and the table in bench/README.md) and prints it.
#
# usage: sudo bench/run.sh          (one command on a fresh Debian 12 machine)
# env:   RUNS=3                    runs per side and collector setting
#        SETTINGS="default shared" default: each side's own collector;
#                                  shared: makedumpfile -l -d 31 for both
#        MEMORY=1024               guest MiB of those runs
#        CRASHKERNEL=192M          crashkernel= of every timed run, both sides
#        SEARCH=yes                smallest working crashkernel= per side
#        SIZES_SEARCH="1024 4096"  guest MiB searched (64M up in 16M steps, to 256M)
#        SCALING=yes               panic -> vmcore whole against guest memory
#        SIZES_SCALING="1024 2048 4096 8192"  (a size runs only when the
#                                  host has 1.5x its memory available)
#        SCALING_RUNS=1            runs per side and size
#        CHOICES=yes               ours only, the choices behind our defaults:
#                                  the image as dracut's xz instead of our zstd,
#                                  the capture kernel with its crypto self-tests,
#                                  and the collector's compression (lzo, zlib,
#                                  none), each CHOICES_RUNS=2 times
#        KDUMPD_VM_KEEP=1          keep the work directory (/var/tmp/kdumpd-bench.*)
# See bench/README.md for what is measured and how long it takes.
set -uo pipefail
export LC_ALL=C

top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/tests/vm

RUNS=${RUNS:-3}
SETTINGS=${SETTINGS:-default shared}
MEMORY=${MEMORY:-1024}
CRASHKERNEL=${CRASHKERNEL:-192M}
SEARCH=${SEARCH:-yes}
SIZES_SEARCH=${SIZES_SEARCH:-1024 4096}
SEARCH_FROM=${SEARCH_FROM:-64}
SEARCH_STEP=${SEARCH_STEP:-16}
SEARCH_CAP=${SEARCH_CAP:-256}
SCALING=${SCALING:-yes}
SIZES_SCALING=${SIZES_SCALING:-1024 2048 4096 8192}
SCALING_RUNS=${SCALING_RUNS:-1}
CHOICES=${CHOICES:-yes}
CHOICES_RUNS=${CHOICES_RUNS:-2}
PROBE_TIMEOUT=${PROBE_TIMEOUT:-900}
RESULTS=${RESULTS:-$top/bench/RESULTS.md}
UPDATE_README=${UPDATE_README:-yes}

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $(date +%H:%M:%S) $*" >&2; }

# The parameters, checked before anything runs.
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a number >= 1"
[[ $SCALING_RUNS =~ ^[1-9][0-9]*$ ]] || die "SCALING_RUNS must be a number >= 1"
[[ $CHOICES_RUNS =~ ^[1-9][0-9]*$ ]] || die "CHOICES_RUNS must be a number >= 1"
read -r -a settings <<<"$SETTINGS"
[ ${#settings[@]} -gt 0 ] || die "SETTINGS is empty"
for s in "${settings[@]}"; do [[ $s =~ ^(default|shared)$ ]] || die "SETTINGS: \"$s\" is neither default nor shared"; done
for v in SEARCH SCALING CHOICES UPDATE_README; do [[ ${!v} =~ ^(yes|no)$ ]] || die "$v must be yes or no"; done
read -r -a sizes_search <<<"$SIZES_SEARCH"
read -r -a sizes_scaling <<<"$SIZES_SCALING"
for v in "$MEMORY" "$SEARCH_FROM" "$SEARCH_STEP" "$SEARCH_CAP" "$PROBE_TIMEOUT" "${sizes_search[@]}" "${sizes_scaling[@]}"; do
    [[ $v =~ ^[1-9][0-9]*$ ]] || die "not a number: \"$v\" (MEMORY, SEARCH_*, PROBE_TIMEOUT, SIZES_*)"
done
[[ $CRASHKERNEL =~ ^[1-9][0-9]*M$ ]] || die "CRASHKERNEL must look like 192M"

# The choices' variants (see the choices runs): "COLLECTOR IMAGE", and
# their tag in the results. IMAGE "selftests" is our zstd image with the
# capture kernel's crypto self-tests on; it runs beside the default.
choice_variants=("shared zstd" "shared selftests" "shared xz" "zlib zstd" "plain zstd")
choice_tag() { echo "${1% *}-${1#* }"; }

# REPORT_FROM=WORKDIR (a work directory kept with KDUMPD_VM_KEEP=1): only
# the report, again, from what that run recorded.
if [ -n "${REPORT_FROM:-}" ]; then
work=$REPORT_FROM
CHOICES=no # a work directory from before the choices runs does not say
# shellcheck source=/dev/null
source "$work/params.sh" || die "no $work/params.sh: not a kept bench work directory"
R=$work/results.tsv
else
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot and QEMU's disks need it)"

"$top/tools/install-deps.sh" || die "installing what the bench needs failed"
# The results in RESULTS.md were measured on Debian 12 guests: the same
# release unless asked for another.
export KDUMPD_VM_DISTRO=${KDUMPD_VM_DISTRO:-debian12}
# shellcheck source-path=SCRIPTDIR source=../tests/vm/lib.sh
source "$here/lib.sh"
vm_check_tools || exit $?

t_begin=$(date +%s)
work=$(mktemp -d /var/tmp/kdumpd-bench.XXXXXX)
# Whatever happens, no guest, console reader or busy loop of ours outlives
# the bench: each is ended by the pid it recorded.
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    local f p
    for p in $(jobs -p); do kill "$p" 2>/dev/null; done
    for f in "$work"/*.tailpid "$work"/ballast.pid; do
        p=$(cat "$f" 2>/dev/null) || continue
        [[ $p =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$p/comm" 2>/dev/null)" =~ ^(tail|bash)$ ]] && kill "$p" 2>/dev/null
    done
    for f in "$work"/*.qemu.pid; do
        [ -e "$f" ] && vm_qemu_pid "$f" >/dev/null && vm_qemu_stop "$work" "$(basename "$f" .qemu.pid)" "$f"
    done
    if [ "${KDUMPD_VM_KEEP:-0}" = 1 ]; then echo "bench: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
log "work directory $work"

base=$(vm_base_image) || die "could not build the guest image"
peerimg=$(vm_cached_image debian12-peer "$top/bench/peer-recipe.sh" "$base") || die "could not build the peer's guest image"
# (mkfs's "Creating regular file" on stdout is not the report's.)
vm_install_build "$base" "$work" >/dev/null || die "could not install our build into the guest"
mv "$work/disk.raw" "$work/ours-fresh.raw"
vm_make_disk "$peerimg" "" "$work/peer-fresh.raw" >/dev/null || die "could not make the peer's disk"

# Each side's collector lines on the console: when its collector starts
# (after the kernel log is saved, for both) and when the vmcore is whole.
# Ours prints "Saved vmcore to" after an fsync; kdump-tools prints "saved
# vmcore in" after its rename and before its sync (in its favour).
col_mark() { if [ "$1" = ours ]; then echo "kdump: dump-vmcore"; else echo "/proc/vmcore | compress"; fi; }
whole_mark() { if [ "$1" = ours ]; then echo "Saved vmcore to"; else echo "saved vmcore in"; fi; }

# Every console line with the host's clock when it arrived.
stamp_lines() {
    local l
    while IFS= read -r l; do printf '%s %s\n' "$EPOCHREALTIME" "${l%$'\r'}"; done
}

# One boot of SIDE's guest NAME (disk $work/NAME.qcow2) through vm_boot;
# $work/NAME.stamps.PHASE gets the console lines stamped as they arrive,
# $work/NAME.start.PHASE the host's clock when QEMU starts.
boot_one() {
    local side=$1 name=$2 phase=$3 mem=$4 ck=$5 limit=$6 append=$7 img=$base rc sp
    [ "$side" = peer ] && img=$peerimg
    local serial=$work/$name.serial.$phase st=$work/$name.stamps.$phase
    : >"$serial"
    { (tail -n +1 -F "$serial" 2>/dev/null & echo $! >"$st.tailpid"; wait) | stamp_lines >"$st"; } &
    sp=$!
    echo "$EPOCHREALTIME" >"$work/$name.start.$phase"
    VM_MEMORY=$mem VM_CRASHKERNEL=$ck VM_TIMEOUT=$limit VM_EXTRA_APPEND=$append \
        vm_boot "$img" "$work" "$name" "$phase" >/dev/null 2>&1
    rc=$?
    sleep 1 # the reader's last lines
    kill "$(cat "$st.tailpid" 2>/dev/null)" 2>/dev/null
    wait "$sp"
    return $rc
}

# A run's disk: a copy-on-write overlay of the fresh disk (the first run)
# or of the warm one (the first run's, armed, after its next boot).
mkdisk() {
    local side=$1 name=$2 back fmt=qcow2
    back=$(cat "$work/$side.warm" 2>/dev/null)
    [ -n "$back" ] || { back=$work/$side-fresh.raw; fmt=raw; }
    : >"$work/$name.times"; : >"$work/$name.serial"
    qemu-img create -q -f qcow2 -b "$back" -F "$fmt" "$work/$name.qcow2"
}

# One side's crash cycle: the crash boot (arm if needed, set the collector,
# panic, capture), and with NEXT=yes the boot after it, up to multi-user.
cycle() {
    local side=$1 name=$2 mem=$3 ck=$4 setting=$5 next=$6 limit=$7 extra=${8:-}
    local append="kdumpd_bench=$side kdumpd_bench_collector=$setting${extra:+ $extra}"
    boot_one "$side" "$name" crash "$mem" "$ck" "$limit" "$append"
    [ "$next" = yes ] || return 0
    grep -qaF "sysrq: Trigger a crash" "$work/$name.serial.crash" || return 0
    grep -q '^exited' "$work/$name.end.crash" 2>/dev/null || return 0
    boot_one "$side" "$name" after "$mem" "$ck" "$VM_TIMEOUT" "$append"
}

# Runs "FN ours ARGS" and "FN peer ARGS" at once. The side that ends first
# is replaced by one busy loop (what a TCG guest at work costs the host)
# until the other ends: neither side ever runs on a quiet host.
busy() { while :; do :; done; }
# Waits for background jobs A and B, a busy loop in the place of the first to end.
both_with_ballast() {
    local a=$1 b=$2 ball
    wait -n "$a" "$b"
    busy &
    ball=$!
    echo "$ball" >"$work/ballast.pid"
    wait "$a" "$b" 2>/dev/null
    kill "$ball" 2>/dev/null
    wait "$ball" 2>/dev/null
    rm -f "$work/ballast.pid"
}
pair() {
    local fn=$1 a b
    shift
    "$fn" ours "$@" &
    a=$!
    "$fn" peer "$@" &
    b=$!
    both_with_ballast "$a" "$b"
}

# Results: one line per fact, "kind tag side run key value" (tab-separated).
R=$work/results.tsv
: >"$R"
rec() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$R"; }

# The dump of run NAME: "valid=yes|no", "bytes=N", "why=..." in
# $work/NAME.verdict. Ours with the vm suite's checker; the peer's by its
# layout (/var/crash/<stamp>/dump.<stamp>, flattened with -F: reassembled
# with makedumpfile -R), then --dump-dmesg must show the sysrq panic.
check_dump() {
    local side=$1 name=$2 valid=no bytes='' why=''
    if ! grep -qaF "sysrq: Trigger a crash" "$work/$name.serial.crash" 2>/dev/null; then
        if grep -qaF "VMTEST: bench-not-armed" "$work/$name.serial.crash" 2>/dev/null; then
            why="not armed (no capture kernel loaded)"
        else
            why="no panic (guest: $(cat "$work/$name.end.crash" 2>/dev/null || echo '?'))"
        fi
    elif [ "$side" = ours ]; then
        if vm_check_dump "$work" "$name" /var/crash "$work/$name.qcow2" >"$work/$name.check" 2>&1; then
            valid=yes
        else
            why=$(grep -m1 '^not ok' "$work/$name.check" | cut -c1-120)
        fi
        bytes=$(stat -c %s "$work/$name.dump/vmcore" 2>/dev/null)
        [ "${KDUMPD_VM_KEEP:-0}" = 1 ] || rm -rf "$work/$name.dump"
    else
        local raw=$work/$name.raw core=$work/$name.vmcore stamp files
        qemu-img convert -O raw "$work/$name.qcow2" "$raw"
        stamp=$(debugfs -R "ls -p /var/crash" "$raw" 2>/dev/null | awk -F/ '$6 ~ /^[0-9]+$/ {print $6}' | sort | tail -n1)
        files=$(debugfs -R "ls -p /var/crash/$stamp" "$raw" 2>/dev/null | awk -F/ 'NF > 5 {print $6}')
        if [ -z "$stamp" ]; then
            why="no dump directory /var/crash/<stamp>"
        elif grep -q incomplete <<<"$files"; then
            why="dump-incomplete left in /var/crash/$stamp"
        elif ! grep -qx "dump.$stamp" <<<"$files"; then
            why="no dump.$stamp in /var/crash/$stamp (makedumpfile failed?): $(echo "$files" | tr '\n' ' ')"
        else
            debugfs -R "dump /var/crash/$stamp/dump.$stamp $core" "$raw" >/dev/null 2>&1
            bytes=$(stat -c %s "$core" 2>/dev/null)
            local readable=$core
            if [ "$(head -c 12 "$core" 2>/dev/null)" = makedumpfile ]; then
                makedumpfile -R "$core.re" <"$core" >"$work/$name.check" 2>&1
                readable=$core.re
            fi
            if makedumpfile --dump-dmesg "$readable" "$work/$name.dmesg" >>"$work/$name.check" 2>&1 &&
                grep -q "sysrq: Trigger a crash" "$work/$name.dmesg"; then
                valid=yes
                echo "ok: /var/crash/$stamp/dump.$stamp: $(grep -m1 'sysrq: Trigger a crash' "$work/$name.dmesg")" >>"$work/$name.check"
            else
                why="the dump's kernel log (makedumpfile --dump-dmesg) has no sysrq panic"
            fi
            rm -f "$core" "$core.re"
        fi
        rm -f "$raw"
    fi
    if [ "$valid" = no ] && grep -qaE "Out of memory|oom-kill|Kernel panic - not syncing: (System is deadlocked on memory|Out of memory)" \
        <(sed -n '/sysrq: Trigger a crash/,$p' "$work/$name.serial.crash" 2>/dev/null); then
        why="${why:+$why; }the capture ran out of memory"
    fi
    [ "$(cat "$work/$name.end.crash" 2>/dev/null)" = timeout ] && why="${why:+$why; }timed out after ${VM_TIMEOUT}s or PROBE_TIMEOUT"
    printf 'valid=%s\nbytes=%s\nwhy=%s\n' "$valid" "$bytes" "$why" >"$work/$name.verdict"
}
verdict() { sed -n "s/^$2=//p" "$work/$1.verdict" 2>/dev/null; }

# The milestones of run NAME, in seconds from the panic, from the stamped
# console lines: the capture kernel's first line (the first "Linux
# version" after the panic), the collector's start, the vmcore whole, the
# crash boot's QEMU exit (vm_boot's record), and the next boot's QEMU start
# to "VMTEST: boot-done" (multi-user.target reached).
measure() {
    local side=$1 name=$2 kind=$3 tag=$4 run=$5 tp tcap tcol tw b0 rel b1 tbd
    read -r tp tcap tcol tw < <(awk -v col="$(col_mark "$side")" -v whole="$(whole_mark "$side")" '
        tp == "" { if (index($0, "sysrq: Trigger a crash")) tp = $1; next }
        tcap == "" && index($0, "Linux version") { tcap = $1 }
        tcol == "" && index($0, col) { tcol = $1 }
        tw == "" && index($0, whole) { tw = $1 }
        END { print (tp == "" ? "-" : tp), (tcap == "" ? "-" : tcap), (tcol == "" ? "-" : tcol), (tw == "" ? "-" : tw) }
    ' "$work/$name.stamps.crash" 2>/dev/null)
    tp=${tp:--} tcap=${tcap:--} tcol=${tcol:--} tw=${tw:--}
    b0=$(cat "$work/$name.start.crash" 2>/dev/null)
    rel=$(awk '$1 == "crash:exit" {print $2}' "$work/$name.times" 2>/dev/null | tail -n1)
    b1=$(cat "$work/$name.start.after" 2>/dev/null)
    tbd=$(awk 'index($0, "VMTEST: boot-done") {print $1; exit}' "$work/$name.stamps.after" 2>/dev/null)
    local k v
    while read -r k v; do
        rec "$kind" "$tag" "$side" "$run" "$k" "$v"
    done < <(awk -v tp="$tp" -v tcap="$tcap" -v tcol="$tcol" -v tw="$tw" \
        -v b0="${b0:--}" -v rel="${rel:--}" -v b1="${b1:--}" -v tbd="${tbd:--}" '
        function d(a, b) { return (a == "-" || b == "-") ? "-" : sprintf("%.2f", b - a) }
        BEGIN {
            texit = (b0 == "-" || rel == "-") ? "-" : b0 + rel
            print "capfirst", d(tp, tcap); print "collector", d(tp, tcol); print "whole", d(tp, tw)
            print "collect", d(tcol, tw); print "exit", d(tp, texit)
            nb = d(b1, tbd); print "nextboot", nb
            e = d(tp, texit); print "back", (e == "-" || nb == "-") ? "-" : sprintf("%.2f", e + nb)
        }')
    rec "$kind" "$tag" "$side" "$run" valid "$(verdict "$name" valid)"
    rec "$kind" "$tag" "$side" "$run" bytes "$(verdict "$name" bytes)"
    rec "$kind" "$tag" "$side" "$run" why "$(verdict "$name" why)"
    # A run whose dump is valid but whose milestones are missing is failed too.
    if [ "$(verdict "$name" valid)" = yes ] && { [ "$tp" = - ] || [ "$tw" = - ]; }; then
        rec "$kind" "$tag" "$side" "$run" valid no
        rec "$kind" "$tag" "$side" "$run" why "panic or vmcore-whole line missing on the console"
    fi
    # The collector as each side ran it (its own console line).
    local cmd
    if [ "$side" = ours ]; then
        cmd=$(grep -aom1 'Saving vmcore with "[^"]*"' "$work/$name.serial.crash" | sed 's/^Saving vmcore with //; s/"//g')
    else
        cmd=$(grep -aom1 'running makedumpfile [^|]*/proc/vmcore | compress' "$work/$name.serial.crash" | sed 's/^running //; s| /proc/vmcore .*$||')
    fi
    [ -n "$cmd" ] && rec "$kind" "$tag" "$side" "$run" cmd "$cmd"
    v=$(grep -aom1 "VMTEST: bench-image-bytes=[0-9]*" "$work/$name.serial.crash" | cut -d= -f2)
    [ -n "$v" ] && rec "$kind" "$tag" "$side" "$run" image "$v"
    # What the guest measured on a fresh disk (first start, idle cost).
    local s=$work/$name.serial.crash
    for k in bench-arm bench-rearm; do
        v=$(grep -aom1 "VMTEST: $k rc=[0-9]* seconds=[0-9.]*" "$s" | sed 's/.*rc=\([0-9]*\) seconds=/\1 /')
        [ -n "$v" ] && rec once - "$side" 1 "$k" "$v"
    done
    for k in bench-initramfs-bytes bench-idle-rss-kb bench-idle-rss-anon-kb bench-idle-threads bench-idle-tasks \
        bench-idle-wakeups-per-min bench-idle-pid; do
        v=$(grep -aom1 "VMTEST: $k=[0-9,]*" "$s" | cut -d= -f2)
        [ -n "$v" ] && rec once - "$side" 1 "$k" "$v"
    done
}

# ---- the main runs: each setting, RUNS times, crash boot + next boot ----
# shellcheck disable=SC2317 # called through pair
main_run() {
    local side=$1 setting=$2 r=$3 name="$1-$2-r$3"
    mkdisk "$side" "$name" || return 1
    cycle "$side" "$name" "$MEMORY" "$CRASHKERNEL" "$setting" yes "$VM_TIMEOUT"
}
first=yes
for setting in "${settings[@]}"; do
    for ((r = 1; r <= RUNS; r++)); do
        log "$setting collector, run $r/$RUNS: ours and the peer's guest at once (${MEMORY} MiB, crashkernel=$CRASHKERNEL)"
        pair main_run "$setting" "$r"
        for side in ours peer; do
            check_dump "$side" "$side-$setting-r$r"
            measure "$side" "$side-$setting-r$r" main "$setting" "$r"
            log "  $side: dump valid=$(verdict "$side-$setting-r$r" valid) $(verdict "$side-$setting-r$r" why)"
        done
        if [ $first = yes ]; then
            # Later runs start from this run's disk: armed at boot.
            for side in ours peer; do echo "$work/$side-$setting-r$r.qcow2" >"$work/$side.warm"; done
            first=no
        fi
    done
done

# ---- the choices behind our defaults: ours only, two variants at once ----
# A variant is "COLLECTOR IMAGE": the collector setting the guest knows
# (shared: -l -d 31, zlib: -c -d 31, plain: -d 31) and the image's
# compression (zstd: ours; xz: dracut_args --compress xz; selftests: ours,
# capture_cmdline_remove cryptomgr.notests). Each starts from the warm disk;
# the guest re-arms (rebuilds for xz) before its crash. Two run at once; an
# odd one out runs beside the busy loop, so the host is as loaded.
# shellcheck disable=SC2317 # called in the background
choice_run() {
    local variant=$1 r=$2 name extra=''
    name=ours-choice-$(choice_tag "$variant")-r$r
    case ${variant#* } in
        xz) extra=kdumpd_bench_image=xz ;;
        selftests) extra=kdumpd_bench_capture=selftests ;;
    esac
    mkdisk ours "$name" || return 1
    cycle ours "$name" "$MEMORY" "$CRASHKERNEL" "${variant% *}" no "$VM_TIMEOUT" "$extra"
}
if [ "$CHOICES" = yes ]; then
    for ((r = 1; r <= CHOICES_RUNS; r++)); do
        for ((i = 0; i < ${#choice_variants[@]}; i += 2)); do
            these=("${choice_variants[@]:i:2}")
            if [ ${#these[@]} = 2 ]; then
                log "choices, run $r/$CHOICES_RUNS: ours as \"${these[0]}\" and as \"${these[1]}\" at once"
                choice_run "${these[0]}" "$r" &
                a=$!
                choice_run "${these[1]}" "$r" &
                b=$!
                both_with_ballast "$a" "$b"
            else
                log "choices, run $r/$CHOICES_RUNS: ours as \"${these[0]}\" beside the busy loop"
                choice_run "${these[0]}" "$r" &
                a=$!
                busy &
                ball=$!
                echo "$ball" >"$work/ballast.pid"
                wait "$a"
                kill "$ball" 2>/dev/null
                wait "$ball" 2>/dev/null
                rm -f "$work/ballast.pid"
            fi
            for v in "${these[@]}"; do
                name=ours-choice-$(choice_tag "$v")-r$r
                check_dump ours "$name"
                measure ours "$name" choice "$(choice_tag "$v")" "$r"
                log "  $v: dump valid=$(verdict "$name" valid) $(verdict "$name" why)"
                [ "${KDUMPD_VM_KEEP:-0}" = 1 ] || rm -f "$work/$name.qcow2"
            done
        done
    done
fi

# ---- crashkernel= search: each side, each size, 64M upwards ----
search_one() {
    local side=$1 size=$2 ck=$SEARCH_FROM name v why out=$work/search.$1.$2
    : >"$out"
    while [ "$ck" -le "$SEARCH_CAP" ]; do
        name=$side-ck$size-${ck}M
        mkdisk "$side" "$name" || return 1
        # panic=10: a capture kernel that panics (out of memory) reboots.
        cycle "$side" "$name" "$size" "${ck}M" default no "$PROBE_TIMEOUT" panic=10
        check_dump "$side" "$name"
        v=$(verdict "$name" valid) why=$(verdict "$name" why)
        printf '%s\t%s\t%s\n' "$ck" "$v" "$why" >>"$out"
        [ "${KDUMPD_VM_KEEP:-0}" = 1 ] || rm -f "$work/$name.qcow2"
        [ "$v" = yes ] && return 0
        ck=$((ck + SEARCH_STEP))
    done
}
if [ "$SEARCH" = yes ]; then
    log "crashkernel= search (${SEARCH_FROM}M up in ${SEARCH_STEP}M steps to ${SEARCH_CAP}M; default collectors) for ${sizes_search[*]} MiB, two guests at a time"
    running=0
    for size in "${sizes_search[@]}"; do
        for side in ours peer; do
            search_one "$side" "$size" &
            running=$((running + 1))
            if [ $running -ge 2 ]; then wait -n; running=$((running - 1)); fi
        done
    done
    wait
fi

# ---- scaling: panic -> vmcore whole against guest memory, shared collector ----
avail_mib=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
scaling_skipped=()
# shellcheck disable=SC2317 # called through pair
scale_run() {
    local side=$1 size=$2 r=$3 name="$1-scale$2-r$3"
    mkdisk "$side" "$name" || return 1
    cycle "$side" "$name" "$size" "$CRASHKERNEL" shared no "$VM_TIMEOUT"
}
if [ "$SCALING" = yes ]; then
    for size in "${sizes_scaling[@]}"; do
        if [ "$avail_mib" -lt $((size * 3 / 2)) ]; then
            scaling_skipped+=("$size")
            log "scaling: ${size} MiB skipped: the host has ${avail_mib} MiB available, less than 1.5x"
            continue
        fi
        if [ "$size" -eq "$MEMORY" ] && [[ " ${settings[*]} " == *" shared "* ]]; then
            log "scaling: ${size} MiB: the main runs at the shared collector"
            continue
        fi
        for ((r = 1; r <= SCALING_RUNS; r++)); do
            log "scaling: ${size} MiB, run $r/$SCALING_RUNS (shared collector, crashkernel=$CRASHKERNEL)"
            pair scale_run "$size" "$r"
            for side in ours peer; do
                check_dump "$side" "$side-scale$size-r$r"
                measure "$side" "$side-scale$size-r$r" scaling "$size" "$r"
                log "  $side: dump valid=$(verdict "$side-scale$size-r$r" valid) $(verdict "$side-scale$size-r$r" why)"
                [ "${KDUMPD_VM_KEEP:-0}" = 1 ] || rm -f "$work/$side-scale$size-r$r.qcow2"
            done
        done
    done
fi
t_end=$(date +%s)
kver=$(cat "$base/kernel-version" 2>/dev/null)
declare -p RUNS SETTINGS MEMORY CRASHKERNEL SEARCH SIZES_SEARCH SEARCH_FROM SEARCH_STEP SEARCH_CAP SCALING \
    SIZES_SCALING SCALING_RUNS CHOICES CHOICES_RUNS choice_variants settings sizes_search sizes_scaling avail_mib scaling_skipped t_begin t_end kver \
    >"$work/params.sh"
fi

# ---------------------------------- report ----------------------------------
# "min median max n" of KEY over the valid runs of KIND TAG SIDE.
stats() {
    awk -F'\t' -v k="$1" -v t="$2" -v s="$3" -v key="$4" '
        $1 == k && $2 == t && $3 == s && $5 == "valid" { ok[$4] = ($6 == "yes") }
        $1 == k && $2 == t && $3 == s && $5 == key && $6 != "" && $6 != "-" { v[$4] = $6 }
        END {
            n = 0
            for (r in v) if (ok[r]) a[++n] = v[r] + 0
            if (!n) { print "- - - 0"; exit }
            for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            med = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
            print a[1], med, a[n], n
        }' "$R"
}
# "median (min-max)" with a scale and a format.
cell() {
    awk -v q="$1" -v sc="${2:-1}" -v f="${3:-%.1f}" 'BEGIN {
        split(q, a, " "); if (a[4] == 0) { print "-"; exit }
        m = sprintf(f, a[2] / sc)
        if (a[4] > 1) m = m sprintf(" (" f "–" f ")", a[1] / sc, a[3] / sc)
        print m }'
}
med() { echo "$1" | awk '$4 > 0 {print $2}'; }
ratio() { awk -v o="$1" -v p="$2" 'BEGIN {if (o != "" && p != "" && o > 0) printf "%.2f", p / o; else print "-"}'; }
nvalid() { awk -F'\t' -v k="$1" -v t="$2" -v s="$3" '$1 == k && $2 == t && $3 == s && $5 == "valid" {ok[$4] = ($6 == "yes")} END {n = 0; m = 0; for (r in ok) {m++; n += ok[r]} print n "/" m}' "$R"; }
once() { awk -F'\t' -v s="$1" -v k="$2" '$1 == "once" && $3 == s && $5 == k {print $6; exit}' "$R"; }
first_cmd() { awk -F'\t' -v k="$1" -v t="$2" -v s="$3" '$1 == k && $2 == t && $3 == s && $5 == "cmd" {print $6; exit}' "$R"; }
commas() { awk -v n="$1" 'BEGIN { if (n == "") { print "-"; exit } s = sprintf("%d", n); o = ""; while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) } print s o }'; }

row() { # LABEL KIND TAG KEY [SCALE FORMAT]
    local so sp
    so=$(stats "$2" "$3" ours "$4"); sp=$(stats "$2" "$3" peer "$4")
    printf '| %s | %s | %s | %s |\n' "$1" "$(cell "$so" "${5:-1}" "${6:-%.1f}")" "$(cell "$sp" "${5:-1}" "${6:-%.1f}")" "$(ratio "$(med "$so")" "$(med "$sp")")"
}

main_table() { # SETTING
    local s=$1
    echo "| $s collector, ${MEMORY} MiB guest, crashkernel=$CRASHKERNEL; seconds, median (min–max) | kdumpd | kdump-tools | peer/ours |"
    echo "|---|---:|---:|---:|"
    row "panic → capture kernel's first line" main "$s" capfirst
    row "panic → collector start" main "$s" collector
    row "**panic → vmcore whole**" main "$s" whole
    row "collector start → vmcore whole" main "$s" collect
    row "panic → crash boot over (QEMU exit)" main "$s" exit
    row "next boot: QEMU start → multi-user.target" main "$s" nextboot
    row "**panic → back at multi-user.target**" main "$s" back
    row "vmcore (MB)" main "$s" bytes 1000000
    printf '| runs with a valid dump | %s | %s | |\n' "$(nvalid main "$s" ours)" "$(nvalid main "$s" peer)"
    # shellcheck disable=SC2016 # Markdown's backquotes
    printf '| collector as run | `%s` | `%s` | |\n' "$(first_cmd main "$s" ours)" "$(first_cmd main "$s" peer)"
}

# panic -> vmcore whole, median, at the shared collector for SIZE MiB.
whole_at() {
    local side=$1 size=$2
    if [ "$size" -eq "$MEMORY" ] && [[ " ${settings[*]} " == *" shared "* ]]; then
        med "$(stats main shared "$side" whole)"
    else
        med "$(stats scaling "$size" "$side" whole)"
    fi
}
# The smallest crashkernel= (MiB) SIDE dumped SIZE with; nothing if none.
floor_of() { awk -F'\t' '$2 == "yes" {print $1; exit}' "$work/search.$1.$2" 2>/dev/null; }
floor_cell() { if [ -n "$1" ]; then echo "${1}M"; else echo "none ≤ ${SEARCH_CAP}M"; fi; }
probes_of() { awk -F'\t' '{w = ($2 == "yes") ? "valid" : ($3 == "" ? "invalid" : $3); printf "%s%sM: %s", (NR > 1 ? "; " : ""), $1, w}' "$work/search.$1.$2" 2>/dev/null; }
verdict_of() { if [ "$1" = 1 ]; then echo "**not met**"; elif [ "$2" = 1 ]; then echo "**not measured** (in this run)"; else echo "**met**"; fi; }
# "95.6" from "RC SECONDS", or what failed.
armed_in() { [ -n "$1" ] || { echo -; return; }; if [ "${1% *}" = 0 ]; then echo "${1#* }"; else echo "failed (rc ${1% *}, ${1#* } s)"; fi; }
# MB/s of SIZE MiB over SECONDS.
rate() { awk -v m="$1" -v c="$2" 'BEGIN {if (c != "" && c > 0) printf "%.0f", m * 1048576 / c / 1000000; else print "-"}'; }

commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=''
[ -n "$(git -C "$top" status --porcelain --untracked-files=no 2>/dev/null)" ] && dirty=" (with uncommitted changes in the working tree)"
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
qemu=$(qemu-system-x86_64 --version | head -n1)
mem_total=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
elapsed=$(( (t_end - t_begin) / 60 ))m$(( (t_end - t_begin) % 60 ))s

{
    echo "# kdumpd against Debian's kdump-tools: results"
    echo
    echo "Written by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); do not edit by hand."
    echo
    echo "- commit: \`$commit\`$dirty"
    echo "- guest kernel: Debian \`$kver\` (both sides, the same guest image plus \`kdump-tools\` for the peer)"
    echo "- host: $cpu, $(nproc) cores, ${mem_total} MiB (${avail_mib} MiB available after the main runs), no KVM: $qemu, TCG, one vCPU per guest"
    echo "- parameters: RUNS=$RUNS SETTINGS=\"$SETTINGS\" MEMORY=$MEMORY CRASHKERNEL=$CRASHKERNEL SEARCH=$SEARCH SIZES_SEARCH=\"$SIZES_SEARCH\" (${SEARCH_FROM}M–${SEARCH_CAP}M, ${SEARCH_STEP}M steps) SCALING=$SCALING SIZES_SCALING=\"$SIZES_SCALING\" SCALING_RUNS=$SCALING_RUNS CHOICES=${CHOICES:-no} CHOICES_RUNS=${CHOICES_RUNS:-}"
    echo "- wall time of this run: $elapsed"
    echo
    echo "Two guests at once, ours and the peer's of the same probe; when one ends first a busy loop takes"
    echo "its place until the other ends. Times are host clock stamps of serial-console lines as they"
    echo "arrive; QEMU exit as vm_boot saw it (polled every 0.2 s). The first run starts from a fresh disk"
    echo "(first start of the service, timed below); later runs and probes start from that run's disk,"
    echo "armed at boot. A run whose dump is invalid is listed below and left out of every number."
    echo
    echo "## Crash to dump to service"
    echo
    for s in "${settings[@]}"; do
        main_table "$s"
        echo
    done
    echo "Collectors: **default** is each side's own: ours \`core_collector\` of"
    echo "\`tests/vm/scenarios/local.kdump.conf\` (kdumpd's default); the peer's MAKEDUMP_ARGS unset in"
    echo "\`/etc/default/kdump-tools\`, so kdump-config's default. **shared** is \`makedumpfile -l -d 31\`"
    echo "for both (the peer's MAKEDUMP_ARGS set in the guest before the crash); kdump-tools always adds"
    echo "\`-F\` (it writes through a pipe), so its vmcore is flattened where ours is not."
    echo "Milestones: the collector's start is ours \"kdump: dump-vmcore\", the peer's \"running makedumpfile"
    echo "… /proc/vmcore | compress\" (both after the kernel log is saved); the vmcore is whole at ours"
    echo "\"Saved vmcore to\" (after an fsync), the peer's \"saved vmcore in\" (before its sync)."
    echo "Back at multi-user.target = panic → crash boot's QEMU exit + the next boot's QEMU start →"
    echo "\"VMTEST: boot-done\" (the test driver runs after multi-user.target)."
    echo
    echo "| first run, fresh disk (guest clock, s) | kdumpd | kdump-tools | peer/ours |"
    echo "|---|---:|---:|---:|"
    ao=$(once ours bench-arm); ap=$(once peer bench-arm); ro=$(once ours bench-rearm); rp=$(once peer bench-rearm)
    echo "| first start: enable --now → armed (incl. the initramfs build) | $(armed_in "$ao") | $(armed_in "$ap") | $(ratio "${ao#* }" "${ap#* }") |"
    echo "| warm restart → armed | $(armed_in "$ro") | $(armed_in "$rp") | $(ratio "${ro#* }" "${rp#* }") |"
    io=$(once ours bench-initramfs-bytes); ip=$(once peer bench-initramfs-bytes)
    echo "| capture initramfs (bytes) | $(commas "$io") | $(commas "$ip") | $(ratio "$io" "$ip") |"
    echo
    echo "## Idle cost while armed"
    echo
    rss=$(once ours bench-idle-rss-kb); wk=$(once ours bench-idle-wakeups-per-min)
    echo "| kdumpd (MainPID), after arming | value |"
    echo "|---|---:|"
    echo "| VmRSS (KiB) | ${rss:--} |"
    echo "| RssAnon (KiB) | $(once ours bench-idle-rss-anon-kb) |"
    echo "| threads; tasks in kdump.service | $(once ours bench-idle-threads); $(once ours bench-idle-tasks) |"
    echo "| wake-ups per minute (context switches of its threads), two 30 s windows | ${wk:--} |"
    echo
    echo "kdump-tools keeps no process while armed (its unit is a oneshot; MainPID $(once peer bench-idle-pid))."
    echo
    if [ "$SEARCH" = yes ]; then
        echo "## Smallest working crashkernel= (default collectors)"
        echo
        echo "Each probe is one crash boot at that size; valid = a dump that passes the checks."
        echo
        echo "| guest | kdumpd | kdump-tools | kdumpd's probes | kdump-tools' probes |"
        echo "|---|---:|---:|---|---|"
        for size in "${sizes_search[@]}"; do
            fo=$(floor_of ours "$size"); fp=$(floor_of peer "$size")
            echo "| ${size} MiB | $(floor_cell "$fo") | $(floor_cell "$fp") | $(probes_of ours "$size") | $(probes_of peer "$size") |"
        done
        echo
    fi
    if [ "$SCALING" = yes ]; then
        echo "## Scaling with guest memory (shared collector, crashkernel=$CRASHKERNEL)"
        echo
        echo "RAM/s: the guest's memory divided by collector start → vmcore whole."
        echo
        echo "| guest | kdumpd panic → vmcore whole (s) | kdump-tools | peer/ours | kdumpd vmcore (MB) | kdump-tools vmcore (MB) | kdumpd RAM/s (MB/s) | kdump-tools RAM/s (MB/s) |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|"
        for size in "${sizes_scaling[@]}"; do
            if [[ " ${scaling_skipped[*]} " == *" $size "* ]]; then
                echo "| ${size} MiB | skipped: ${avail_mib} MiB available < 1.5 × ${size} | | | | | | |"
                continue
            fi
            k=scaling t=$size
            if [ "$size" -eq "$MEMORY" ] && [[ " ${settings[*]} " == *" shared "* ]]; then k=main t=shared; fi
            wo=$(stats $k "$t" ours whole); wp=$(stats $k "$t" peer whole)
            co=$(med "$(stats $k "$t" ours collect)"); cp_=$(med "$(stats $k "$t" peer collect)")
            echo "| ${size} MiB$([ $k = main ] && echo ' (main runs)') | $(cell "$wo") | $(cell "$wp") | $(ratio "$(med "$wo")" "$(med "$wp")") | $(cell "$(stats $k "$t" ours bytes)" 1000000) | $(cell "$(stats $k "$t" peer bytes)" 1000000) | $(rate "$size" "$co") | $(rate "$size" "$cp_") |"
        done
        echo
    fi
    if [ "${CHOICES:-no}" = yes ]; then
        echo "## The choices behind kdumpd's defaults (kdumpd only, ${MEMORY} MiB, crashkernel=$CRASHKERNEL)"
        echo
        echo "Two of these variants at once (an odd one out beside a busy loop), each from the warm disk"
        echo "(re-armed, rebuilt for xz, before its crash); seconds from the panic, median (min–max) of"
        echo "$CHOICES_RUNS runs. The image's compression and the capture kernel's crypto self-tests (off by"
        echo "default: \`cryptomgr.notests\` on its command line) show in panic → collector start (the"
        echo "capture kernel unpacks the image and runs its initcalls before anything else);"
        echo "the collector's in collector start → vmcore whole. Debian's makedumpfile 1.7.2 is built with"
        echo "lzo and zlib, without zstd or snappy; the capture kernel runs on one CPU (nr_cpus=1), so"
        echo "--num-threads has nothing to run on."
        echo
        echo "| variant | image (bytes) | panic → collector start | collector start → vmcore whole | panic → vmcore whole | vmcore (MB) | valid runs |"
        echo "|---|---:|---:|---:|---:|---:|---:|"
        for v in "${choice_variants[@]}"; do
            t=$(choice_tag "$v")
            # shellcheck disable=SC2016 # Markdown's backquotes
            case ${v% *} in
                shared) c='`-l -d 31` (lzo)' ;; zlib) c='`-c -d 31` (zlib)' ;; plain) c='`-d 31` (no compression)' ;; *) c=${v% *} ;;
            esac
            case ${v#* } in
                zstd) im="mkdumprd's zstd (default)" ;;
                selftests) im="mkdumprd's zstd, capture kernel with its crypto self-tests (\`capture_cmdline_remove = { \"cryptomgr.notests\" }\`)" ;;
                *) im="dracut's xz (\`dracut_args --compress xz\`)" ;;
            esac
            echo "| $c, image $im | $(commas "$(med "$(stats choice "$t" ours image)")") | $(cell "$(stats choice "$t" ours collector)") | $(cell "$(stats choice "$t" ours collect)") | $(cell "$(stats choice "$t" ours whole)") | $(cell "$(stats choice "$t" ours bytes)" 1000000) | $(nvalid choice "$t" ours) |"
        done
        echo
    fi
    echo "## Runs that failed (left out of every number)"
    echo
    awk -F'\t' '$1 != "once" && $5 == "valid" {ok[$1 FS $2 FS $3 FS $4] = ($6 == "yes")}
        $1 != "once" && $5 == "why" {why[$1 FS $2 FS $3 FS $4] = $6}
        END {n = 0; for (k in ok) if (!ok[k]) {split(k, a, FS); printf "- %s %s, %s, run %s: %s\n", a[1], a[2], a[3], a[4], why[k]; n++}
             if (!n) print "none"}' "$R" | sort
    echo
    echo "## Goals of issue 8 (from the numbers above)"
    echo
    # Each goal: met when every number it names is measured and within;
    # not met when one measured number is not; else not measured.
    # 1: panic -> vmcore whole <= 0.25x at the shared collector, 1 and 4 GiB.
    fail=0 miss=0 txt=''
    for size in 1024 4096; do
        o=$(whole_at ours $size); p=$(whole_at peer $size)
        if [ -z "$o" ] || [ -z "$p" ]; then miss=1; txt+=" ${size} MiB: not measured;"; continue; fi
        q=$(awk -v o="$o" -v p="$p" 'BEGIN {printf "%.2f", o / p}')
        awk -v q="$q" 'BEGIN {exit !(q <= 0.25)}' || fail=1
        txt+=" ${size} MiB: ours/peer = $q ($o s vs $p s);"
    done
    echo "1. panic → vmcore saved ≤ 0.25× kdump-tools' at the same collector settings, 1 and 4 GiB: $(verdict_of $fail $miss) —${txt%;}"
    # 2: panic -> back at multi-user.target <= 0.5x, every setting run.
    fail=0 miss=0 txt=''
    for s in "${settings[@]}"; do
        o=$(med "$(stats main "$s" ours back)"); p=$(med "$(stats main "$s" peer back)")
        if [ -z "$o" ] || [ -z "$p" ]; then miss=1; txt+=" $s collector: not measured;"; continue; fi
        q=$(awk -v o="$o" -v p="$p" 'BEGIN {printf "%.2f", o / p}')
        awk -v q="$q" 'BEGIN {exit !(q <= 0.5)}' || fail=1
        txt+=" $s collector: ours/peer = $q ($o s vs $p s);"
    done
    echo "2. panic → back at multi-user.target ≤ 0.5× kdump-tools': $(verdict_of $fail $miss) —${txt%;}"
    # 3: crashkernel= floor <= the peer's at every size searched; <= 96M at 1 and 4 GiB.
    fail=0 miss=0 txt=''
    if [ "$SEARCH" = yes ]; then
        for size in "${sizes_search[@]}"; do
            fo=$(floor_of ours "$size"); fp=$(floor_of peer "$size")
            txt+=" ${size} MiB: ours $(floor_cell "$fo"), peer $(floor_cell "$fp");"
            if [ -z "$fo" ]; then fail=1; continue; fi
            if [ -n "$fp" ] && [ "$fo" -gt "$fp" ]; then fail=1; fi
            if { [ "$size" = 1024 ] || [ "$size" = 4096 ]; } && [ "$fo" -gt 96 ]; then fail=1; fi
        done
    fi
    for size in 1024 4096; do
        [ "$SEARCH" = yes ] && [[ " ${sizes_search[*]} " == *" $size "* ]] || { miss=1; txt+=" ${size} MiB: not searched;"; }
    done
    echo "3. smallest crashkernel= ≤ kdump-tools' at every size, and 96M at 1 and 4 GiB (default configuration): $(verdict_of $fail $miss) —${txt%;}"
    # 4: the capture initramfs of a disk target <= 2.5 MB.
    fail=0 miss=0
    if [ -n "$io" ] && [ "$io" -gt 0 ]; then [ "$io" -le 2500000 ] || fail=1; else miss=1; fi
    echo "4. capture initramfs ≤ 2.5 MB (2,500,000 bytes) for disk targets: $(verdict_of $fail $miss) — $(commas "$io") bytes (local /var/crash)"
    # 5: idle kdumpd: RSS <= 4 MB, no wake-up in either 30 s window.
    fail=0 miss=0
    if [ -n "$rss" ] && [ -n "$wk" ]; then
        { [ $((rss * 1024)) -le 4000000 ] && [ "$wk" = "0,0" ]; } || fail=1
    else
        miss=1
    fi
    echo "5. idle kdumpd: RSS ≤ 4 MB (4,000,000 bytes) and no periodic wake-ups: $(verdict_of $fail $miss) — VmRSS ${rss:-?} KiB, wake-ups per minute ${wk:-?} (two 30 s windows)"
} >"$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS"

# The README shows the latest main table(s), between its markers.
if [ "$UPDATE_README" = yes ] && grep -q '^<!-- bench-results:begin -->$' "$top/bench/README.md"; then
    {
        echo "Latest \`bench/run.sh\` ($(date -u +%Y-%m-%d), commit \`$commit\`$dirty; RUNS=$RUNS; the whole report, with the"
        echo "crashkernel= search, scaling, idle cost and the goals, is in [RESULTS.md](RESULTS.md)):"
        echo
        for s in "${settings[@]}"; do main_table "$s"; echo; done
    } >"$work/readme-table"
    awk -v f="$work/readme-table" '
        /^<!-- bench-results:begin -->$/ {print; while ((getline l < f) > 0) print l; skip = 1; next}
        /^<!-- bench-results:end -->$/ {skip = 0}
        !skip' "$top/bench/README.md" >"$work/README.md" && cat "$work/README.md" >"$top/bench/README.md"
fi

cat "$RESULTS"
echo
echo "bench: wrote $RESULTS ($elapsed)"
# Failure when a side produced no valid dump at all in the main runs.
for s in "${settings[@]}"; do
    for side in ours peer; do
        [ "$(nvalid main "$s" "$side" | cut -d/ -f1)" -gt 0 ] || exit 1
    done
done
exit 0
