# shellcheck shell=bash
# shellcheck disable=SC2154 # $here and $top are set by the sourcing script
# Pieces of the vm suite: tools, the cached guest image, installing our
# build into a guest disk, and running one scenario. Sourced by run-suite.sh
# and demo.sh; expects $here (tests/vm) and $top (the source tree).

VM_CACHE=${KDUMPD_VM_CACHE:-/var/cache/kdumpd-vm}
VM_CRASHKERNEL=${VM_CRASHKERNEL:-96M}
VM_MEMORY=${VM_MEMORY:-1024}
VM_TIMEOUT=${VM_TIMEOUT:-1500}

vm_log() { echo "vm: $*" >&2; }

# shellcheck source-path=SCRIPTDIR source=net.sh
source "$here/net.sh"

# 0: all there; 77: skip (not CI); 1: missing in CI, which is a failure.
vm_check_tools() {
    local missing=() t
    for t in qemu-system-x86_64 qemu-img debootstrap mkfs.ext4 debugfs makedumpfile meson ninja flock; do
        command -v "$t" >/dev/null 2>&1 || missing+=("$t")
    done
    [ "$(id -u)" -eq 0 ] || missing+=("root (debootstrap and chroot need it)")
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "${CI:-}" = true ]; then
        echo "vm: FAIL: missing in CI: ${missing[*]}"
        return 1
    fi
    echo "vm: SKIP: this machine cannot run the vm suite: missing ${missing[*]}"
    return 77
}

# Prints the directory of a cached guest (rootfs/, vmlinuz, initrd.img),
# building it with the recipe (OUTDIR as its argument) when the recipe
# changed or the image is missing. With a parent image, the recipe runs on a
# copy of it. The key is the hash of the recipe's text (and the parent's key).
vm_cached_image() {
    local name=$1 recipe=$2 parent=${3:-} key dir
    key=$( { cat "$recipe"; [ -n "$parent" ] && basename "$parent"; } | sha256sum | cut -c1-16)
    dir=$VM_CACHE/$name-$key
    mkdir -p "$VM_CACHE"
    (
        flock 9
        if [ ! -e "$dir/complete" ]; then
            vm_log "building the guest image $dir (a few minutes)"
            rm -rf "$dir.tmp"
            mkdir -p "$dir.tmp"
            if [ -n "$parent" ]; then
                cp -a "$parent/." "$dir.tmp/" && rm -f "$dir.tmp/complete" || exit 1
            fi
            if ! bash "$recipe" "$dir.tmp" >"$VM_CACHE/build-$key.log" 2>&1; then
                vm_log "image recipe $recipe failed; last lines of $VM_CACHE/build-$key.log:"
                tail -n 30 "$VM_CACHE/build-$key.log" >&2
                exit 1
            fi
            touch "$dir.tmp/complete"
            rm -rf "$dir"
            mv "$dir.tmp" "$dir"
        fi
    ) 9>"$VM_CACHE/.lock" || return 1
    echo "$dir"
}

vm_base_image() {
    vm_cached_image debian12 "$here/image-recipe.sh"
}

# Builds our tree, installs it with meson into a staging dir, and makes
# $work/disk.raw: the cached guest plus our files plus the test driver.
vm_install_build() {
    local base=$1 work=$2
    vm_log "building kdumpd and installing it into the guest"
    # shellcheck disable=SC2015 # the block runs when any step fails
    meson setup "$work/build" "$top" --prefix=/usr --buildtype=debugoptimized -Dtests=false >"$work/meson-setup.log" 2>&1 &&
        ninja -C "$work/build" >"$work/ninja.log" 2>&1 &&
        DESTDIR="$work/stage" meson install -C "$work/build" --no-rebuild >"$work/install.log" 2>&1 || {
        vm_log "build failed:"; tail -n 30 "$work/meson-setup.log" "$work/ninja.log" "$work/install.log" >&2; return 1; }

    # The guest is merged-/usr (/lib -> usr/lib): fold what pkg-config put
    # under /lib (systemd's unit dir on Debian 12) into /usr.
    local d
    for d in lib bin sbin; do
        if [ -d "$work/stage/$d" ] && [ ! -L "$work/stage/$d" ]; then
            mkdir -p "$work/stage/usr/$d"
            cp -a "$work/stage/$d/." "$work/stage/usr/$d/" && rm -rf "${work:?}/stage/$d"
        fi
    done

    vm_make_disk "$base" "$work/stage" "$work/disk.raw"
}

# Makes a guest disk: the cached root tree, then stage (may be empty)
# on top, then the test driver.
vm_make_disk() {
    local base=$1 stage=$2 disk=$3 root
    root=$(mktemp -d "$(dirname "$disk")/root.XXXXXX") && rmdir "$root" || return 1
    # Hard links make the copy instant; every write below replaces files
    # (--remove-destination) so the cache is never modified through them.
    cp -al "$base/rootfs" "$root" || return 1
    if [ -n "$stage" ]; then
        cp -a --remove-destination "$stage/." "$root/" || return 1
    fi
    install -d "$root/usr/local/lib/kdumpd-vmtest/scenarios"
    install -m 0755 "$here/guest/vmtest-guest.sh" "$root/usr/local/lib/kdumpd-vmtest/"
    cp "$here/scenarios/"*.kdump.conf "$root/usr/local/lib/kdumpd-vmtest/scenarios/"
    for f in "$here/scenarios/"*.setup "$here/scenarios/"*.precrash; do
        [ -e "$f" ] && install -m 0755 "$f" "$root/usr/local/lib/kdumpd-vmtest/scenarios/"
    done
    # The admin's key (one per work directory): network scenarios log in
    # with it to the dump user on the test's ssh server (kdumpctl propagate).
    net_admin_key "$(dirname "$disk")" || return 1
    install -d -m 0700 "$root/root/.ssh"
    rm -f "$root/root/.ssh/id_ed25519" "$root/root/.ssh/id_ed25519.pub"
    install -m 0600 "$(dirname "$disk")/admin_ed25519" "$root/root/.ssh/id_ed25519"
    install -m 0644 "$(dirname "$disk")/admin_ed25519.pub" "$root/root/.ssh/id_ed25519.pub"
    install -m 0644 "$here/guest/kdumpd-vmtest.service" "$root/etc/systemd/system/"
    mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
    ln -sf /etc/systemd/system/kdumpd-vmtest.service "$root/etc/systemd/system/multi-user.target.wants/"
    mkfs.ext4 -q -F -L kdumpd-root -d "$root" "$disk" 4G || return 1
    rm -rf "$root"
}

# Seconds since the epoch, with tenths.
vm_now() { date +%s.%1N; }

# Boots the guest once; records when marker lines first appear on the
# serial console into $work/$name.times ("marker seconds-since-start").
# A network scenario (NET=yes, set by vm_run_scenario) boots inside its
# namespace with a virtio-net on the namespace's tap, and its HOST_ACTION
# runs once when HOST_ACTION_MARKER first shows on the console (its output
# in $work/$name.host-action, its exit status in $work/$name.host-action.rc).
vm_boot() {
    local base=$1 work=$2 name=$3 phase=$4
    local serial=$work/$name.serial.$phase
    local extra_disk=
    [ -f "$work/$name.disk2.raw" ] && extra_disk=$work/$name.disk2.raw
    local start pid in_ns=() net_args=(-net none) net_append=
    if [ "${NET:-no}" = yes ]; then
        in_ns=(ip netns exec "$(net_ns "$work" "$name")")
        net_args=("${NET_QEMU_ARGS[@]}")
        net_append=" $NET_GUEST_APPEND"
    fi
    local action=${HOST_ACTION:-} action_marker=${HOST_ACTION_MARKER:-"VMTEST: host-action"}
    : >"$serial"
    start=$(vm_now)
    "${in_ns[@]}" timeout "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m "$VM_MEMORY" -smp 1 \
        -display none -monitor none -serial "file:$serial" -no-reboot "${net_args[@]}" \
        -kernel "$base/vmlinuz" -initrd "$base/initrd.img" \
        -append "root=/dev/vda rw console=ttyS0,115200 crashkernel=$VM_CRASHKERNEL kdumpd_test=$name kdumpd_phase=$phase systemd.journald.forward_to_console=0 systemd.show_status=0$net_append${VM_EXTRA_APPEND:+ $VM_EXTRA_APPEND}" \
        -drive "file=$work/$name.qcow2,if=virtio,format=qcow2" \
        ${extra_disk:+-drive "file=$extra_disk,if=virtio,format=raw"} &
    pid=$!
    local -A seen=()
    local markers=("VMTEST: boot-done" "VMTEST: enable-now" "VMTEST: crash-now" "sysrq: Trigger a crash"
                   "kdump: capture kernel started" "kdump: dump-vmcore" "Saved vmcore to" "VMTEST: after-boot-status"
                   "VMTEST: bench-arm" "running makedumpfile --dump-dmesg" "saved vmcore in"
                   "kdump: dump failed")
    # Polled five times a second; a scan after QEMU ended catches what
    # came in its last moments (stamped with the exit time).
    local alive=1
    while [ $alive -eq 1 ]; do
        kill -0 "$pid" 2>/dev/null || alive=0
        for m in "${markers[@]}"; do
            [ -n "${seen[$m]:-}" ] && continue
            if grep -qF "$m" "$serial"; then
                seen[$m]=1
                echo "$phase:$m $(echo "$start $(vm_now)" | awk '{printf "%.1f", $2 - $1}')" >>"$work/$name.times"
            fi
        done
        if [ -n "$action" ] && [ ! -e "$work/$name.host-action.rc" ] && grep -qF "$action_marker" "$serial"; then
            echo "$phase:host-action $(echo "$start $(vm_now)" | awk '{printf "%.1f", $2 - $1}')" >>"$work/$name.times"
            "$action" "$work" "$name" >"$work/$name.host-action" 2>&1
            echo $? >"$work/$name.host-action.rc"
            echo "$phase:host-action-done $(echo "$start $(vm_now)" | awk '{printf "%.1f", $2 - $1}')" >>"$work/$name.times"
        fi
        [ $alive -eq 1 ] && sleep 0.2
    done
    wait "$pid"
    local rc=$?
    echo "$phase:exit $(echo "$start $(vm_now)" | awk '{printf "%.1f", $2 - $1}')" >>"$work/$name.times"
    cat "$serial" >>"$work/$name.serial"
    return $rc
}

vm_expect_line() {
    local file=$1 text=$2 what=$3
    if grep -qF "$text" "$file"; then
        echo "ok: $what"
    else
        echo "not ok: $what (no \"$text\" on the serial console)"
        return 1
    fi
}

# A scenario is scenarios/NAME.sh (variables below), NAME.kdump.conf (the
# guest's /etc/kdump.conf), and optionally NAME.setup (runs in the guest
# before kdump is enabled) and NAME.precrash (runs in the guest right
# before the crash). Network scenarios (NET=yes, see net.sh) also set
# NFS_VERSIONS, NFS_MKDIRS, CHECK=nfs|ssh|none, EXPECT_NO_DUMP,
# HOST_ACTION and HOST_ACTION_MARKER.
vm_run_scenario() {
    local base=$1 work=$2 name=$3 ok=0 rc
    local SCENARIO_DESC="" DUMP_DIR=/var/crash EXPECT_AFTER_BOOT=no EXTRA_DISK_LABEL="" EXPECT_SERIAL=()
    # shellcheck disable=SC2034 # NFS_VERSIONS, NFS_MKDIRS, EXPECT_NO_DUMP: read by net.sh
    local NET=no NFS_VERSIONS="" NFS_MKDIRS=() CHECK=disk EXPECT_NO_DUMP=no DUMP_HOST=""
    local HOST_ACTION="" HOST_ACTION_MARKER="VMTEST: host-action"
    # shellcheck source=/dev/null
    source "$here/scenarios/$name.sh"
    echo "scenario $name: $SCENARIO_DESC"
    : >"$work/$name.serial"
    : >"$work/$name.times"
    qemu-img create -q -f qcow2 -b "$work/disk.raw" -F raw "$work/$name.qcow2" || return 1
    # A second disk, empty but for a labelled filesystem, for "<fstype> LABEL=" targets.
    if [ -n "$EXTRA_DISK_LABEL" ]; then
        mkfs.ext4 -q -F -L "$EXTRA_DISK_LABEL" "$work/$name.disk2.raw" 1G || return 1
    fi
    if [ "$NET" = yes ] && ! net_setup "$work" "$name"; then
        echo "not ok: could not set up the network namespace and its servers"
        net_teardown "$work" "$name"
        return 1
    fi

    vm_boot "$base" "$work" "$name" crash
    rc=$?
    if [ $rc -eq 124 ]; then
        echo "not ok: the guest did not finish within ${VM_TIMEOUT}s"
        ok=1
    fi
    local s=$work/$name.serial
    vm_expect_line "$s" "VMTEST: enable-now rc=0" "systemctl enable --now kdump succeeded" || ok=1
    vm_expect_line "$s" "VMTEST: status-after-start rc=0" "kdumpctl status says armed (exit 0) after start" || ok=1
    vm_expect_line "$s" "VMTEST: status-after-stop rc=3" "kdumpctl status says not armed (exit 3) after stop" || ok=1
    vm_expect_line "$s" "VMTEST: status-after-restart rc=0" "armed again after start" || ok=1
    vm_expect_line "$s" "sysrq: Trigger a crash" "the guest panicked" || ok=1
    vm_expect_line "$s" "kdump: capture kernel started" "the capture kernel ran our capture program" || ok=1
    vm_expect_line "$s" "VMTEST: broken-config-refused rc=0" "a broken kdump.conf is refused on reload" || ok=1
    vm_expect_line "$s" "VMTEST: status-after-broken-reload rc=0" "still armed after the refused reload" || ok=1
    local e
    for e in "${EXPECT_SERIAL[@]}"; do
        vm_expect_line "$s" "$e" "console shows \"$e\"" || ok=1
    done
    if [ "$NET" = yes ]; then
        vm_expect_line "$s" "VMTEST: net-up rc=0" "the guest's network interface is configured" || ok=1
    fi
    if [ -f "$here/scenarios/$name.precrash" ]; then
        vm_expect_line "$s" "VMTEST: precrash rc=0" "the precrash step succeeded" || ok=1
    fi
    if [ -n "$HOST_ACTION" ]; then
        if [ "$(cat "$work/$name.host-action.rc" 2>/dev/null)" = 0 ]; then
            echo "ok: host action $HOST_ACTION ran on \"$HOST_ACTION_MARKER\""
        else
            echo "not ok: host action $HOST_ACTION: ran: $([ -e "$work/$name.host-action.rc" ] && echo "yes, rc=$(cat "$work/$name.host-action.rc")" || echo no)"
            sed 's/^/  /' "$work/$name.host-action" 2>/dev/null | tail -n 10
            ok=1
        fi
    fi

    if [ "$EXPECT_AFTER_BOOT" = yes ] && [ $ok -eq 0 ]; then
        vm_boot "$base" "$work" "$name" after
        vm_expect_line "$s" "VMTEST: after-boot-active rc=0" "the enabled service is active on the next boot" || ok=1
        vm_expect_line "$s" "VMTEST: after-boot-status rc=0" "armed again on the next boot" || ok=1
    fi

    if [ "$NET" = yes ]; then
        net_check_dump "$work" "$name" "$CHECK" "$DUMP_DIR" || ok=1
        if net_teardown "$work" "$name"; then
            echo "ok: the servers stopped and the namespace is gone"
        else
            echo "not ok: the network namespace could not be cleaned up"; ok=1
        fi
    else
        local disk=$work/$name.qcow2
        [ -n "$EXTRA_DISK_LABEL" ] && disk=$work/$name.disk2.raw
        vm_check_dump "$work" "$name" "$DUMP_DIR" "$disk" || ok=1
    fi

    sed 's/^/time: /' "$work/$name.times"
    grep -ao 'VMTEST: [a-z-]*=[0-9]*' "$s" | sed 's/^VMTEST: /measured: /' | sort -u
    [ $ok -eq 0 ] && echo PASS >"$work/$name.result"
    return $ok
}

# Reads the dump back from the guest's disk without mounting it.
vm_check_dump() {
    local work=$1 name=$2 dumpdir=$3 disk=$4 ok=0
    local out=$work/$name.dump raw=$work/$name.raw
    mkdir -p "$out"
    qemu-img convert -O raw "$disk" "$raw" || return 1
    local listing dir
    listing=$(debugfs -R "ls -p $dumpdir" "$raw" 2>/dev/null)
    dir=$(echo "$listing" | awk -F/ '$6 ~ /^127\.0\.0\.1-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ {print $3 " " $6}' | tail -n1)
    if [ -z "$dir" ]; then
        echo "not ok: no dump directory 127.0.0.1-YYYY-MM-DD-HH:MM:SS in $dumpdir"
        awk '{print "  " $0}' <<<"$listing"
        rm -f "$raw"
        return 1
    fi
    local mode=${dir%% *} d=${dir#* }
    echo "dump directory: $dumpdir/$d"
    vm_expect_mode "dump directory" "$mode" 040700 || ok=1
    local files
    files=$(debugfs -R "ls -p $dumpdir/$d" "$raw" 2>/dev/null)
    for f in vmcore vmcore-dmesg.txt; do
        local m
        m=$(echo "$files" | awk -F/ -v f="$f" '$6 == f {print $3}')
        vm_expect_mode "$f" "$m" 100600 || ok=1
    done
    if echo "$files" | awk -F/ '{print $6}' | grep -q incomplete; then
        echo "not ok: an -incomplete file was left behind"; ok=1
    fi
    debugfs -R "dump $dumpdir/$d/vmcore $out/vmcore" "$raw" >/dev/null 2>&1
    debugfs -R "dump $dumpdir/$d/vmcore-dmesg.txt $out/vmcore-dmesg.txt" "$raw" >/dev/null 2>&1
    rm -f "$raw"
    vm_check_vmcore "$out" || ok=1
    return $ok
}

# "ok"/"not ok" for a mode: debugfs's ("040700", "100600") or stat's
# ("700", "600"); the message shows the last four digits.
vm_expect_mode() {
    local what=$1 got=$2 want=$3
    if [ "$got" = "$want" ]; then
        echo "ok: $what mode 0${want: -3}"
    else
        echo "not ok: $what mode \"$got\", want $want"
        return 1
    fi
}

# The checks every saved dump gets, on copies in OUT: OUT/vmcore (ELF or
# kdump-compressed, not flattened) must hold the sysrq panic in its kernel
# log, and so must OUT/vmcore-dmesg.txt.
vm_check_vmcore() {
    local out=$1 ok=0
    rm -f "$out/dmesg-from-vmcore.txt"
    echo "vmcore size: $(stat -c %s "$out/vmcore" 2>/dev/null || echo 0) bytes"
    if makedumpfile --dump-dmesg "$out/vmcore" "$out/dmesg-from-vmcore.txt" >"$out/makedumpfile.log" 2>&1 &&
        grep -q "sysrq: Trigger a crash" "$out/dmesg-from-vmcore.txt"; then
        echo "ok: makedumpfile --dump-dmesg on the vmcore shows: $(grep -m1 'sysrq: Trigger a crash' "$out/dmesg-from-vmcore.txt")"
    else
        echo "not ok: the vmcore's kernel log has no sysrq panic"; sed 's/^/  /' "$out/makedumpfile.log" | tail -n 5; ok=1
    fi
    if grep -q "sysrq: Trigger a crash" "$out/vmcore-dmesg.txt" 2>/dev/null; then
        echo "ok: vmcore-dmesg.txt shows the panic too"
    else
        echo "not ok: vmcore-dmesg.txt lacks the sysrq panic"; ok=1
    fi
    return $ok
}
