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
    for t in qemu-system-x86_64 qemu-img debootstrap mkfs.ext4 debugfs makedumpfile meson ninja flock socat; do
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
    for f in "$here/scenarios/"*.setup "$here/scenarios/"*.precrash "$here/scenarios/"*.after; do
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
    # The guest's network as an admin sets it up: systemd-networkd with a
    # static address for the NIC of network scenarios (net.sh); it comes
    # up at boot in its own time, after kdump.service may have started.
    # Disk scenarios have no NIC: networkd has nothing to do there.
    install -d "$root/etc/systemd/network" "$root/etc/systemd/system/sockets.target.wants"
    net_guest_networkd_config >"$root/etc/systemd/network/50-kdumpd-vmtest.network"
    ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/multi-user.target.wants/"
    ln -sf /lib/systemd/system/systemd-networkd.socket "$root/etc/systemd/system/sockets.target.wants/"
    ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/dbus-org.freedesktop.network1.service"
    mkfs.ext4 -q -F -L kdumpd-root -d "$root" "$disk" 4G || return 1
    rm -rf "$root"
}

# Seconds since the epoch, with tenths.
vm_now() { date +%s.%1N; }

# Seconds (one decimal) from $1 to now.
vm_since() { echo "$1 $(vm_now)" | awk '{printf "%.1f", $2 - $1}'; }

# One command to a guest's QEMU monitor (HMP, $work/$name.mon); prints
# the answer without the monitor's line-editing noise.
vm_monitor() {
    local work=$1 name=$2 cmd=$3
    printf '%s\n' "$cmd" | socat -t 2 - "UNIX-CONNECT:$work/$name.mon" 2>/dev/null |
        tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
}

# The QEMU of a running guest, from its pid file; nothing when it is gone.
vm_qemu_pid() {
    local pid
    pid=$(cat "$1" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == qemu-system* ]] && echo "$pid"
}

# Ends a guest's QEMU: "quit" on its monitor, SIGTERM after 10 s.
vm_qemu_stop() {
    local work=$1 name=$2 pidfile=$3 pid i
    vm_monitor "$work" "$name" quit >/dev/null
    for ((i = 0; i < 50; i++)); do
        vm_qemu_pid "$pidfile" >/dev/null || return 0
        sleep 0.2
    done
    pid=$(vm_qemu_pid "$pidfile") && kill -TERM "$pid" 2>/dev/null
    return 0
}

# set_link on the guest's netdev; fails when QEMU answers with an error
# (it answers nothing on success; "info network" does not show links).
vm_set_link() {
    local work=$1 name=$2 state=$3 out
    out=$(vm_monitor "$work" "$name" "set_link n0 $state" | grep -v '^(qemu)\|^QEMU .* monitor')
    [ -z "$(echo "$out" | tr -d '[:space:]')" ] || { echo "set_link n0 $state: $out" >&2; return 1; }
}

# A guest started paused (-S): its NIC's link goes down before the guest
# runs a single instruction, then it runs (also when that failed: a
# paused guest would wait for VM_TIMEOUT).
vm_link_down_then_run() {
    local work=$1 name=$2 i rc
    for ((i = 0; i < 100; i++)); do
        [ -S "$work/$name.mon" ] && break
        sleep 0.1
    done
    vm_set_link "$work" "$name" off
    rc=$?
    vm_monitor "$work" "$name" cont >/dev/null
    return $rc
}

# A host action for network scenarios: the NIC's link comes up.
vm_link_up() {
    vm_set_link "$1" "$2" on && echo "set_link n0 on"
}

# A host action for disk scenarios: hot-unplugs the guest's second disk
# (-device id disk2) through the monitor. On the i440fx machine this is an
# ACPI eject request the guest's kernel (acpiphp) must grant; the device is
# gone from QEMU's PCI bus only once it has.
vm_unplug_disk2() {
    local work=$1 name=$2 i out
    out=$(vm_monitor "$work" "$name" "device_del disk2")
    echo "device_del disk2: $(echo "$out" | grep -v '^(qemu)\|^QEMU .* monitor' | tr '\n' ' ')"
    for ((i = 0; i < 150; i++)); do
        out=$(vm_monitor "$work" "$name" "info pci")
        if [[ $out == *"Bus "* ]] && [[ $out != *'id "disk2"'* ]]; then
            echo "disk2 left the guest's PCI bus after $((i / 5)).$((i % 5 * 2)) s"
            return 0
        fi
        sleep 0.2
    done
    echo "disk2 is still on the guest's PCI bus after 30 s (the guest did not eject it)"
    return 1
}

# Boots the guest once; records when marker lines first appear on the
# serial console into $work/$name.times ("phase:marker seconds-since-start")
# and how QEMU ended into $work/$name.end.$phase:
#   exited rc=N      QEMU ended by itself (reboot or poweroff with -no-reboot)
#   halted           "reboot: System halted" and QEMU still running 3 s later
#                    (a halted machine); the harness then stopped QEMU
#   halted-but-exited "reboot: System halted", then QEMU ended by itself
#   timeout          VM_TIMEOUT; capture-timeout: CAPTURE_TIMEOUT
# The guest has a monitor ($work/$name.mon, see vm_monitor). The scenario's
# variables that act here:
#   NET=yes          boots inside its namespace with a virtio-net on the
#                    namespace's tap (net.sh)
#   NET_LINK_DOWN=yes  (with NET=yes, first boot only) the NIC's link is
#                    down from power-on (QEMU starts paused, set_link off,
#                    cont) until a host action sets it up (vm_link_up)
#   LEAN=yes         kdumpd_lean=1 on the command line: the guest driver
#                    skips the stop/start/broken-reload sequence
#   HOST_ACTION      runs once when HOST_ACTION_MARKER first shows on the
#                    console, as `$HOST_ACTION WORK NAME` (its output in
#                    $work/$name.host-action, exit status in .host-action.rc)
#   CONSOLE_MARKER, CONSOLE_INPUT: when the marker first shows, the input
#                    (printf %b) is typed into the guest's serial port; the
#                    serial port is then a socket with a log file
#   CAPTURE_TIMEOUT  seconds the capture may take from "kdump: capture
#                    kernel started" before the harness stops QEMU
vm_boot() {
    local base=$1 work=$2 name=$3 phase=$4
    local serial=$work/$name.serial.$phase endf=$work/$name.end.$phase pidfile=$work/$name.qemu.pid
    local start pid in_ns=() net_args=(-net none) net_append='' disk_args=()
    local link_down=no
    if [ "${NET:-no}" = yes ]; then
        in_ns=(ip netns exec "$(net_ns "$work" "$name")")
        net_args=("${NET_QEMU_ARGS[@]}")
        net_append=" $NET_GUEST_APPEND"
        if [ "${NET_LINK_DOWN:-no}" = yes ] && [ "$phase" = crash ]; then
            link_down=yes
            net_append=" $NET_GUEST_APPEND_LATE"
            net_args+=(-S)
        fi
    fi
    [ "${LEAN:-no}" = yes ] && net_append+=" kdumpd_lean=1"
    # Disks as -device with ids: the monitor can name them (device_del).
    # Command-line order is PCI slot order: the root disk stays vda.
    disk_args=(-drive "file=$work/$name.qcow2,if=none,id=drive-disk1,format=qcow2"
               -device "virtio-blk-pci,drive=drive-disk1,id=disk1")
    if [ -f "$work/$name.disk2.raw" ]; then
        disk_args+=(-drive "file=$work/$name.disk2.raw,if=none,id=drive-disk2,format=raw"
                    -device "virtio-blk-pci,drive=drive-disk2,id=disk2")
    fi
    # A plain file unless someone must type: then a socket (nobody connected
    # most of the time) whose log file gets every byte the guest writes.
    local serial_args=(-serial "file:$serial") sock=$work/$name.ser.sock
    local console_marker=${CONSOLE_MARKER:-} typed=''
    if [ -n "$console_marker" ]; then
        serial_args=(-chardev "socket,id=ser0,path=$sock,server=on,wait=off,logfile=$serial"
                     -serial chardev:ser0)
    fi
    local action=${HOST_ACTION:-} action_marker=${HOST_ACTION_MARKER:-"VMTEST: host-action"}
    : >"$serial"
    rm -f "$endf" "$pidfile"
    start=$(vm_now)
    "${in_ns[@]}" timeout "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m "$VM_MEMORY" -smp 1 \
        -display none -monitor "unix:$work/$name.mon,server=on,wait=off" -pidfile "$pidfile" \
        "${serial_args[@]}" -no-reboot "${net_args[@]}" \
        -kernel "${VM_BOOT_KERNEL:-$base/vmlinuz}" -initrd "${VM_BOOT_INITRD:-$base/initrd.img}" \
        -append "root=/dev/vda rw console=ttyS0,115200 crashkernel=$VM_CRASHKERNEL kdumpd_test=$name kdumpd_phase=$phase systemd.journald.forward_to_console=0 systemd.show_status=0$net_append${VM_EXTRA_APPEND:+ $VM_EXTRA_APPEND}" \
        "${disk_args[@]}" &
    pid=$!
    if [ $link_down = yes ]; then
        vm_link_down_then_run "$work" "$name" || echo "$phase:link-down-failed $(vm_since "$start")" >>"$work/$name.times"
    fi
    local -A seen=()
    local markers=("VMTEST: boot-done" "VMTEST: enable-now" "VMTEST: crash-now" "sysrq: Trigger a crash"
                   "kdump: capture kernel started" "kdump: dump-vmcore" "Saved vmcore to" "VMTEST: after-boot-status"
                   "VMTEST: bench-arm" "running makedumpfile --dump-dmesg" "saved vmcore in"
                   "kdump: dump failed" "reboot: Restarting system" "reboot: System halted" "reboot: Power down")
    # Polled five times a second; a scan after QEMU ended catches what
    # came in its last moments (stamped with the exit time).
    local alive=1 end='' capture_start=''
    while [ $alive -eq 1 ]; do
        kill -0 "$pid" 2>/dev/null || alive=0
        for m in "${markers[@]}"; do
            [ -n "${seen[$m]:-}" ] && continue
            if grep -qaF "$m" "$serial"; then
                seen[$m]=1
                echo "$phase:$m $(vm_since "$start")" >>"$work/$name.times"
                [ "$m" = "kdump: capture kernel started" ] && capture_start=$(vm_now)
            fi
        done
        [ $alive -eq 1 ] || break
        if [ -n "$action" ] && [ ! -e "$work/$name.host-action.rc" ] && grep -qaF "$action_marker" "$serial"; then
            echo "$phase:host-action $(vm_since "$start")" >>"$work/$name.times"
            "$action" "$work" "$name" >"$work/$name.host-action" 2>&1
            echo $? >"$work/$name.host-action.rc"
            echo "$phase:host-action-done $(vm_since "$start")" >>"$work/$name.times"
        fi
        if [ -n "$console_marker" ] && [ -z "$typed" ] && grep -qaF "$console_marker" "$serial"; then
            typed=1
            echo "$phase:console-input $(vm_since "$start")" >>"$work/$name.times"
            # A second for the shell to start reading; the connection stays
            # open a while, or QEMU drops what the UART has not taken yet.
            { sleep 1; printf '%b' "${CONSOLE_INPUT:-}"; sleep 3; } |
                socat -u - "UNIX-CONNECT:$sock" >>"$work/$name.console-input.log" 2>&1 &
        fi
        # A halted machine never ends QEMU: prove it is halted (QEMU still
        # runs a while later, where a power-off would have ended it), then
        # stop it.
        if [ -n "${seen["reboot: System halted"]:-}" ]; then
            sleep 3
            if vm_qemu_pid "$pidfile" >/dev/null; then
                end=halted
                echo "$phase:halted-qemu-alive $(vm_since "$start")" >>"$work/$name.times"
                vm_qemu_stop "$work" "$name" "$pidfile"
            else
                end=halted-but-exited
            fi
            break
        fi
        if [ -n "${CAPTURE_TIMEOUT:-}" ] && [ -n "$capture_start" ] &&
            awk -v a="$capture_start" -v b="$(vm_now)" -v t="$CAPTURE_TIMEOUT" 'BEGIN {exit !(b - a > t)}'; then
            end=capture-timeout
            echo "$phase:capture-timeout $(vm_since "$start")" >>"$work/$name.times"
            vm_qemu_stop "$work" "$name" "$pidfile"
            break
        fi
        sleep 0.2
    done
    wait "$pid"
    local rc=$?
    echo "$phase:exit $(vm_since "$start")" >>"$work/$name.times"
    if [ -z "$end" ]; then
        if [ $rc -eq 124 ]; then end=timeout; else end="exited rc=$rc"; fi
    fi
    echo "$end" >"$endf"
    cat "$serial" >>"$work/$name.serial"
    case $end in
        halted | halted-but-exited) return 0 ;;
        timeout | capture-timeout) return 124 ;;
    esac
    return $rc
}

vm_expect_line() {
    local file=$1 text=$2 what=$3
    if grep -qaF "$text" "$file"; then
        echo "ok: $what"
    else
        echo "not ok: $what (no \"$text\" on the serial console)"
        return 1
    fi
}

# The value of a kdump.conf option (its last line wins), unquoted.
vm_conf_value() {
    awk -v k="$2" '{ sub(/#.*/, "") } $1 == k { v = $2 } END { gsub(/"/, "", v); print v }' "$1" 2>/dev/null
}

# Seconds between the console lines with $2 and $3 (the last of each), by
# the kernel's timestamps ("[   12.345678] ..."); nothing without them.
vm_console_seconds() {
    awk -v a="$2" -v b="$3" '
        function stamp(l) { return match(l, /^\[ *[0-9]+\.[0-9]+\]/) ? substr(l, RSTART + 1, RLENGTH - 2) + 0 : "" }
        index($0, a) { ta = stamp($0) }
        index($0, b) { tb = stamp($0) }
        END { if (ta != "" && tb != "") printf "%.1f\n", tb - ta }' "$1" 2>/dev/null
}

# What a crash boot ended with: the kernel's own line on the console and
# what QEMU did (vm_boot's end file). With -no-reboot, reboot and poweroff
# end QEMU by itself; a halted machine keeps it running.
vm_check_end() {
    local serial=$1 endf=$2 want=$3 ok=0 line other how
    case $want in
        reboot) line="reboot: Restarting system" ;;
        halt) line="reboot: System halted" ;;
        poweroff) line="reboot: Power down" ;;
        *) echo "not ok: unknown EXPECT_END=$want (reboot, halt or poweroff)"; return 1 ;;
    esac
    vm_expect_line "$serial" "$line" "the capture kernel ended with $want (\"$line\")" || ok=1
    for other in "reboot: Restarting system" "reboot: System halted" "reboot: Power down"; do
        [ "$other" = "$line" ] && continue
        if grep -qaF "$other" "$serial"; then
            echo "not ok: the console also shows \"$other\""; ok=1
        fi
    done
    how=$(cat "$endf" 2>/dev/null)
    if [ "$want" = halt ]; then
        if [ "$how" = halted ]; then
            echo "ok: QEMU still ran 3 s after the halt (halted, not powered off); the harness stopped it"
        else
            echo "not ok: a halted guest keeps QEMU running, but QEMU: ${how:-unknown}"; ok=1
        fi
    elif [ "$how" = "exited rc=0" ]; then
        echo "ok: QEMU ended by itself ($want, with -no-reboot)"
    else
        echo "not ok: after $want QEMU should end by itself; it: ${how:-unknown}"; ok=1
    fi
    return $ok
}

# Another Debian kernel than the guest's (new-kernel): the newest
# linux-image-<version>-amd64 of this host's apt sources with another
# version, downloaded once into the cache. Prints the .deb's path.
vm_other_kernel_deb() {
    local base=$1 guest pkg dir=$VM_CACHE/debs
    guest=$(ls "$base/rootfs/lib/modules" | head -n1)
    pkg=$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-amd64$' 2>/dev/null | awk '{print $1}' |
        grep -vx "linux-image-$guest" | sort -V | tail -n1)
    [ -n "$pkg" ] || { echo "vm: no other linux-image-*-amd64 than $guest in apt's lists (apt-get update?)" >&2; return 1; }
    mkdir -p "$dir"
    (
        flock 9
        ls "$dir/${pkg}_"*.deb >/dev/null 2>&1 && exit 0
        cd "$dir" && apt-get download "$pkg" >&2
    ) 9>"$dir/.lock" || { echo "vm: apt-get download $pkg failed" >&2; return 1; }
    ls "$dir/${pkg}_"*.deb | sort -V | tail -n1
}

# Copies a file out of a guest's disk (a qcow2 overlay of a bare ext4).
vm_guest_file() {
    local work=$1 name=$2 from=$3 to=$4 raw=$work/$name.extract.raw
    qemu-img convert -O raw "$work/$name.qcow2" "$raw" || return 1
    debugfs -R "dump $from $to" "$raw" >/dev/null 2>&1
    rm -f "$raw"
    [ -s "$to" ]
}

# A scenario is scenarios/NAME.sh (variables below), NAME.kdump.conf (the
# guest's /etc/kdump.conf), and optionally NAME.setup (runs in the guest
# before kdump is enabled) and NAME.precrash (runs in the guest right
# before the crash). Variables of NAME.sh:
#   SCENARIO_DESC, DUMP_DIR (where dumps go on the target), EXTRA_DISK_LABEL
#   (a second disk with an ext4 of that label: the target), EXPECT_SERIAL
#   (lines the console must show), EXPECT_AFTER_BOOT=yes (boot again and
#   check kdump re-arms), VM_CRASHKERNEL
#   LEAN=yes: only enable, status, precrash and crash in the guest (no
#     stop/start/broken-reload sequence); for failure-path scenarios
#   OTHER_KERNEL=yes: another Debian kernel's package is in the guest as
#     /root/other-kernel.deb; NAME.precrash installs it, says
#     "VMTEST: other-kernel=VERSION" and powers off without a crash; the
#     next boot (EXPECT_AFTER_BOOT) runs that kernel from the guest's /boot,
#     and NAME.after crashes it: the capture is checked on that boot
#   DUMP_CHECK: a function of NAME.sh run with the directory that holds the
#     dump's copy (vmcore, vmcore-dmesg.txt) after the common checks
#   VM_MEMORY, VM_EXTRA_APPEND: QEMU's -m and more kernel command line
#   ENABLE_AT_BOOT=yes: kdump.service is enabled and NAME.kdump.conf is in
#     place before the first boot, which then starts kdumpd with no image
#   CRASH_BY_PRECRASH=yes: NAME.precrash crashes the guest itself (kdumpctl
#     test) and never returns; checked by the absence of "VMTEST: crash-now"
#   EXPECT_NO_DUMP=yes: no vmcore anywhere under DUMP_DIR; with
#     EXPECT_INCOMPLETE=yes (disk targets) a dump directory holds
#     vmcore-incomplete and no vmcore
#   EXPECT_END=reboot|halt|poweroff: how the capture boot ends. Default:
#     what NAME.kdump.conf asks for (final_action, or failure_action with
#     EXPECT_NO_DUMP=yes), reboot when it says nothing
#   EXPECT_FAIL_SECONDS="MIN MAX": "kdump: capture kernel started" to
#     "kdump: dump failed" on the console must take MIN to MAX seconds
#   HOST_ACTION, HOST_ACTION_MARKER, CONSOLE_MARKER, CONSOLE_INPUT,
#     CAPTURE_TIMEOUT: see vm_boot
# Network scenarios (NET=yes, see net.sh) also set NFS_VERSIONS,
# NFS_MKDIRS, CHECK=nfs|ssh|none and DUMP_HOST.
vm_run_scenario() {
    local base=$1 work=$2 name=$3 ok=0 rc
    local SCENARIO_DESC="" DUMP_DIR=/var/crash EXPECT_AFTER_BOOT=no EXTRA_DISK_LABEL="" EXPECT_SERIAL=()
    local EXTRA_DISK_RAW="" DUMP_FS_AT="" EXTRA_DISK_SIZE=""
    # NAME.after (runs in the guest on the next boot), what it must print,
    # and a dump on the root disk although there is a second one (raw).
    local EXPECT_AFTER_SERIAL=() DUMP_ON_ROOT=no
    # shellcheck disable=SC2034 # NFS_VERSIONS, NFS_MKDIRS, EXPECT_NO_DUMP: read by net.sh
    local NET=no NFS_VERSIONS="" NFS_MKDIRS=() CHECK=disk EXPECT_NO_DUMP=no DUMP_HOST="" NET_LINK_DOWN=no
    # shellcheck disable=SC2034 # CONSOLE_*, CAPTURE_TIMEOUT: read by vm_boot
    local HOST_ACTION="" HOST_ACTION_MARKER="VMTEST: host-action" LEAN=no EXPECT_INCOMPLETE=no EXPECT_END=""
    # The precrash step crashes the guest itself (kdumpctl test) and never returns.
    local CRASH_BY_PRECRASH=no
    # kdump.service enabled in the disk before the first boot (boot-not-blocked).
    local ENABLE_AT_BOOT=no
    # new-kernel: another kernel's .deb in /root of the guest; the first boot
    # installs it and powers off, the second boots it and crashes.
    local OTHER_KERNEL=no
    # A function of NAME.sh that checks the copied dump (its directory as $1).
    local DUMP_CHECK=""
    # shellcheck disable=SC2034
    local CONSOLE_MARKER="" CONSOLE_INPUT="" CAPTURE_TIMEOUT="" EXPECT_FAIL_SECONDS=""
    # shellcheck source=/dev/null
    source "$here/scenarios/$name.sh"
    echo "scenario $name: $SCENARIO_DESC"
    : >"$work/$name.serial"
    : >"$work/$name.times"
    local backing=$work/disk.raw deb=''
    if [ "$OTHER_KERNEL" = yes ]; then
        deb=$(vm_other_kernel_deb "$base") || { echo "not ok: no other kernel package to install"; return 1; }
        echo "other kernel: $(basename "$deb")"
        backing=$work/$name.base.raw
        cp --sparse=always "$work/disk.raw" "$backing" || return 1
        debugfs -w -R "write $deb /root/other-kernel.deb" "$backing" >"$work/$name.debugfs.log" 2>&1 || return 1
    fi
    if [ "$ENABLE_AT_BOOT" = yes ]; then
        # The service enabled as "systemctl enable" does it (a wants/ link:
        # multi-user.target is ordered after it) and the scenario's
        # kdump.conf in place, before the first boot; no capture image yet.
        backing=$work/$name.base.raw
        cp --sparse=always "$work/disk.raw" "$backing" || return 1
        debugfs -w -f - "$backing" >"$work/$name.debugfs.log" 2>&1 <<EOF || return 1
symlink /etc/systemd/system/multi-user.target.wants/kdump.service /usr/lib/systemd/system/kdump.service
rm /etc/kdump.conf
write $here/scenarios/$name.kdump.conf /etc/kdump.conf
EOF
        debugfs -R "stat /etc/systemd/system/multi-user.target.wants/kdump.service" "$backing" 2>/dev/null |
            grep -q 'Type: symlink' || { echo "not ok: could not enable kdump.service in the guest's disk"; return 1; }
    fi
    qemu-img create -q -f qcow2 -b "$backing" -F raw "$work/$name.qcow2" || return 1
    # A second disk, empty but for a labelled filesystem, for "<fstype> LABEL=" targets.
    if [ -n "$EXTRA_DISK_LABEL" ]; then
        mkfs.ext4 -q -F -L "$EXTRA_DISK_LABEL" "$work/$name.disk2.raw" "${EXTRA_DISK_SIZE:-1G}" || return 1
    fi
    # Or an empty one (EXTRA_DISK_RAW=SIZE) for the guest's setup to use.
    if [ -n "$EXTRA_DISK_RAW" ]; then
        rm -f "$work/$name.disk2.raw"
        truncate -s "$EXTRA_DISK_RAW" "$work/$name.disk2.raw" || return 1
    fi
    if [ "$NET" = yes ] && ! net_setup "$work" "$name"; then
        echo "not ok: could not set up the network namespace and its servers"
        net_teardown "$work" "$name"
        return 1
    fi

    vm_boot "$base" "$work" "$name" crash
    rc=$?
    if [ $rc -eq 124 ]; then
        if [ "$(cat "$work/$name.end.crash" 2>/dev/null)" = capture-timeout ]; then
            echo "not ok: the capture did not end within CAPTURE_TIMEOUT=${CAPTURE_TIMEOUT}s"
        else
            echo "not ok: the guest did not finish within ${VM_TIMEOUT}s"
        fi
        ok=1
    fi
    local s=$work/$name.serial
    vm_expect_line "$s" "VMTEST: enable-now rc=0" "systemctl enable --now kdump succeeded" || ok=1
    vm_expect_line "$s" "VMTEST: status-after-start rc=0" "kdumpctl status says armed (exit 0) after start" || ok=1
    if [ "$LEAN" != yes ]; then
        vm_expect_line "$s" "VMTEST: status-after-stop rc=3" "kdumpctl status says not armed (exit 3) after stop" || ok=1
        vm_expect_line "$s" "VMTEST: status-after-restart rc=0" "armed again after start" || ok=1
    fi
    # The crash boot: the first, or with OTHER_KERNEL the second.
    local crash_phase=crash
    [ "$OTHER_KERNEL" = yes ] && crash_phase=after
    if [ "$OTHER_KERNEL" != yes ]; then
        vm_expect_line "$s" "sysrq: Trigger a crash" "the guest panicked" || ok=1
        vm_expect_line "$s" "kdump: capture kernel started" "the capture kernel ran our capture program" || ok=1
    fi
    if [ "$LEAN" != yes ]; then
        vm_expect_line "$s" "VMTEST: broken-config-refused rc=0" "a broken kdump.conf is refused on reload" || ok=1
        vm_expect_line "$s" "VMTEST: status-after-broken-reload rc=0" "still armed after the refused reload" || ok=1
    fi
    local e
    for e in "${EXPECT_SERIAL[@]}"; do
        vm_expect_line "$s" "$e" "console shows \"$e\"" || ok=1
    done
    if [ "$NET" = yes ] && [ "$NET_LINK_DOWN" != yes ]; then
        vm_expect_line "$s" "VMTEST: net-up rc=0" "systemd-networkd configured the guest's network interface" || ok=1
    fi
    if [ "$NET_LINK_DOWN" = yes ] && grep -q '^crash:link-down-failed' "$work/$name.times"; then
        echo "not ok: the NIC's link could not be set down before the guest ran"; ok=1
    fi
    if [ "$OTHER_KERNEL" = yes ]; then
        if grep -qaF "VMTEST: crash-now" "$work/$name.serial.crash" || grep -qaF "sysrq: Trigger a crash" "$work/$name.serial.crash"; then
            echo "not ok: the first boot crashed; it should only install the other kernel and power off"; ok=1
        else
            echo "ok: the first boot installed the other kernel and powered off"
        fi
    elif [ -f "$here/scenarios/$name.precrash" ] && [ "$CRASH_BY_PRECRASH" = yes ]; then
        # It never returns: the crash must be its own, not the driver's.
        if grep -qaF "VMTEST: crash-now" "$work/$name.serial.crash"; then
            echo "not ok: the precrash step returned and the test driver crashed the guest"; ok=1
        else
            echo "ok: the precrash step crashed the guest itself (no \"VMTEST: crash-now\")"
        fi
    elif [ -f "$here/scenarios/$name.precrash" ]; then
        vm_expect_line "$s" "VMTEST: precrash rc=0" "the precrash step succeeded" || ok=1
    fi
    if [ -n "$HOST_ACTION" ]; then
        if [ "$(cat "$work/$name.host-action.rc" 2>/dev/null)" = 0 ]; then
            echo "ok: host action $HOST_ACTION ran on \"$HOST_ACTION_MARKER\""
        else
            echo "not ok: host action $HOST_ACTION: ran: $([ -e "$work/$name.host-action.rc" ] && echo "yes, rc=$(cat "$work/$name.host-action.rc")" || echo no)"
            ok=1
        fi
        sed 's/^/  host action: /' "$work/$name.host-action" 2>/dev/null | tail -n 10
    fi
    if [ -n "$CONSOLE_MARKER" ]; then
        if grep -q '^crash:console-input ' "$work/$name.times"; then
            echo "ok: typed the console input on \"$CONSOLE_MARKER\""
        else
            echo "not ok: \"$CONSOLE_MARKER\" never showed on the console; nothing was typed"; ok=1
        fi
        sed 's/^/  console input: /' "$work/$name.console-input.log" 2>/dev/null | tail -n 5
    fi

    # How the capture boot ended.
    local want_end=$EXPECT_END
    if [ -z "$want_end" ]; then
        if [ "$EXPECT_NO_DUMP" = yes ]; then
            want_end=$(vm_conf_value "$here/scenarios/$name.kdump.conf" failure_action)
            [ -n "$want_end" ] || want_end=$(vm_conf_value "$here/scenarios/$name.kdump.conf" default)
        else
            want_end=$(vm_conf_value "$here/scenarios/$name.kdump.conf" final_action)
        fi
        want_end=${want_end:-reboot}
    fi
    if [ "$OTHER_KERNEL" != yes ]; then
        case $want_end in
            reboot | halt | poweroff) vm_check_end "$work/$name.serial.crash" "$work/$name.end.crash" "$want_end" || ok=1 ;;
            *) echo "note: the end of the capture boot (\"$want_end\") is not checked; set EXPECT_END" ;;
        esac
    fi

    # From the capture program's first line to its failure: by the capture
    # kernel's clock (the console's timestamps, which is what disk_timeout
    # is measured with), else by the host's.
    local t_start t_fail fail_secs=''
    t_start=$(awk '$0 ~ /^crash:kdump: capture kernel started / {print $NF}' "$work/$name.times")
    t_fail=$(awk '$0 ~ /^crash:kdump: dump failed / {print $NF}' "$work/$name.times")
    if [ -n "$t_start" ] && [ -n "$t_fail" ]; then
        local host_secs
        host_secs=$(echo "$t_start $t_fail" | awk '{printf "%.1f", $2 - $1}')
        echo "measured: capture-start-to-failure-host-seconds=$host_secs"
        fail_secs=$(vm_console_seconds "$work/$name.serial.crash" "kdump: capture kernel started" "kdump: dump failed")
        [ -n "$fail_secs" ] && echo "measured: capture-start-to-failure-seconds=$fail_secs"
        fail_secs=${fail_secs:-$host_secs}
    fi
    if [ -n "$EXPECT_FAIL_SECONDS" ]; then
        local lo=${EXPECT_FAIL_SECONDS% *} hi=${EXPECT_FAIL_SECONDS#* }
        if [ -n "$fail_secs" ] && awk -v v="$fail_secs" -v lo="$lo" -v hi="$hi" 'BEGIN {exit !(v >= lo && v <= hi)}'; then
            echo "ok: the capture failed ${fail_secs}s after it started (expected ${lo}-${hi}s)"
        else
            echo "not ok: the capture failed ${fail_secs:-?}s after it started (expected ${lo}-${hi}s)"; ok=1
        fi
    fi

    if [ "$EXPECT_AFTER_BOOT" = yes ] && [ $ok -eq 0 ] && [ "$OTHER_KERNEL" = yes ]; then
        # The other kernel, as the guest installed it (its initrd made by
        # the guest's initramfs-tools).
        local other
        other=$(grep -ao 'VMTEST: other-kernel=[^ ]*' "$work/$name.serial.crash" | head -n1 | cut -d= -f2 | tr -d '\r')
        if [ -n "$other" ] && vm_guest_file "$work" "$name" "/boot/vmlinuz-$other" "$work/$name.vmlinuz" &&
            vm_guest_file "$work" "$name" "/boot/initrd.img-$other" "$work/$name.initrd.img"; then
            echo "ok: the guest installed kernel $other; booting it"
            VM_BOOT_KERNEL=$work/$name.vmlinuz VM_BOOT_INITRD=$work/$name.initrd.img vm_boot "$base" "$work" "$name" after
            vm_expect_line "$work/$name.serial.after" "Linux version $other" "the second boot ran kernel $other" || ok=1
            vm_expect_line "$work/$name.serial.after" "sysrq: Trigger a crash" "kernel $other panicked" || ok=1
            vm_expect_line "$work/$name.serial.after" "kdump: capture kernel started" "its capture kernel ran our capture program" || ok=1
            case $want_end in
                reboot | halt | poweroff) vm_check_end "$work/$name.serial.after" "$work/$name.end.after" "$want_end" || ok=1 ;;
            esac
        else
            echo "not ok: no kernel and initrd of the other kernel (${other:-?}) in the guest's /boot"; ok=1
        fi
        vm_expect_line "$s" "VMTEST: after-boot-active rc=0" "the enabled service is active on the next boot" || ok=1
        vm_expect_line "$s" "VMTEST: after-boot-status rc=0" "armed on the next boot" || ok=1
        for e in "${EXPECT_AFTER_SERIAL[@]}"; do
            vm_expect_line "$s" "$e" "on the next boot, console shows \"$e\"" || ok=1
        done
    elif [ "$EXPECT_AFTER_BOOT" = yes ] && [ $ok -eq 0 ]; then
        vm_boot "$base" "$work" "$name" after
        vm_expect_line "$s" "VMTEST: after-boot-active rc=0" "the enabled service is active on the next boot" || ok=1
        vm_expect_line "$s" "VMTEST: after-boot-status rc=0" "armed again on the next boot" || ok=1
        for e in "${EXPECT_AFTER_SERIAL[@]}"; do
            vm_expect_line "$s" "$e" "on the next boot, console shows \"$e\"" || ok=1
        done
        if [ -f "$here/scenarios/$name.after" ]; then
            vm_expect_line "$s" "VMTEST: after rc=0" "the after-boot step succeeded" || ok=1
        fi
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
        [ -n "$EXTRA_DISK_LABEL$EXTRA_DISK_RAW" ] && [ "$DUMP_ON_ROOT" != yes ] && disk=$work/$name.disk2.raw
        if [ -n "$DUMP_FS_AT" ]; then
            disk=$(vm_extract_fs "$work" "$name" "$disk" "$DUMP_FS_AT") || ok=1
        fi
        if [ -z "$disk" ]; then
            :
        elif [ "$EXPECT_NO_DUMP" = yes ]; then
            vm_check_no_dump "$work" "$name" "$DUMP_DIR" "$disk" "$EXPECT_INCOMPLETE" || ok=1
        else
            vm_check_dump "$work" "$name" "$DUMP_DIR" "$disk" || ok=1
            # The scenario's own look at the dump (a function in NAME.sh).
            if [ -n "$DUMP_CHECK" ]; then
                "$DUMP_CHECK" "$work/$name.dump" || ok=1
            fi
        fi
    fi

    sed 's/^/time: /' "$work/$name.times"
    grep -ao 'VMTEST: [a-z-]*=[0-9.]*' "$s" | sed 's/^VMTEST: /measured: /' | sort -u
    [ $ok -eq 0 ] && echo PASS >"$work/$name.result"
    return $ok
}

# A disk scenario that expects no dump: no vmcore in DUMP_DIR or in any
# directory under it (read without mounting). With incomplete=yes, one of
# those directories must hold vmcore-incomplete (a collector that failed
# half-way) and no vmcore.
vm_check_no_dump() {
    local work=$1 name=$2 dumpdir=$3 disk=$4 incomplete=$5 ok=0
    local raw=$work/$name.raw dirs d at files found_vmcore='' found_incomplete=''
    local under=${dumpdir%/} # "" for the filesystem's root: debugfs finds no "//x"
    qemu-img convert -O raw "$disk" "$raw" || return 1
    dirs=$(debugfs -R "ls -p ${under:-/}" "$raw" 2>/dev/null |
        awk -F/ '$3 ~ /^04/ && $6 != "." && $6 != ".." && $6 != "lost+found" {print $6}')
    for d in "" $dirs; do
        at=${d:+$under/$d}
        at=${at:-${under:-/}}
        files=$(debugfs -R "ls -p $at" "$raw" 2>/dev/null | awk -F/ '$3 ~ /^10/ {print $6}')
        [ -n "$d" ] && echo "dump directory: $at: $(echo "$files" | tr '\n' ' ')"
        grep -qx vmcore <<<"$files" && found_vmcore+=" ${at%/}/vmcore"
        if [ -n "$d" ] && grep -qx vmcore-incomplete <<<"$files" && ! grep -qx vmcore <<<"$files"; then
            found_incomplete+=" $at/vmcore-incomplete"
        fi
    done
    rm -f "$raw"
    if [ -z "$found_vmcore" ]; then
        echo "ok: no vmcore under $dumpdir"
    else
        echo "not ok: a vmcore was written:$found_vmcore"; ok=1
    fi
    if [ "$incomplete" = yes ]; then
        if [ -n "$found_incomplete" ]; then
            echo "ok: the failed dump is left as$found_incomplete"
        else
            echo "not ok: no dump directory under $dumpdir holds vmcore-incomplete without vmcore"; ok=1
        fi
    fi
    return $ok
}

# A filesystem inside a disk (an LVM volume): the guest printed where it
# lies as "VMTEST: KEY-offset=BYTES" and "VMTEST: KEY-bytes=BYTES"; copies
# it out of the disk and prints the copy's path.
vm_extract_fs() {
    local work=$1 name=$2 disk=$3 key=$4 offset bytes
    offset=$(grep -ao "VMTEST: $key-offset=[0-9]*" "$work/$name.serial" | head -n1 | cut -d= -f2)
    bytes=$(grep -ao "VMTEST: $key-bytes=[0-9]*" "$work/$name.serial" | head -n1 | cut -d= -f2)
    if [ -z "$offset" ] || [ -z "$bytes" ]; then
        echo "not ok: the guest did not say where $key lies on the disk" >&2
        return 1
    fi
    echo "$key: $bytes bytes at offset $offset of $(basename "$disk")" >&2
    dd if="$disk" of="$work/$name.fs.raw" bs=1M iflag=skip_bytes,count_bytes skip="$offset" count="$bytes" \
        conv=sparse status=none || return 1
    echo "$work/$name.fs.raw"
}

# Reads the dump back from the guest's disk without mounting it.
vm_check_dump() {
    local work=$1 name=$2 dumpdir=$3 disk=$4 ok=0
    local under=${dumpdir%/} # "" for the filesystem's root: debugfs finds no "//x"
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
    echo "dump directory: $under/$d"
    vm_expect_mode "dump directory" "$mode" 040700 || ok=1
    local files
    files=$(debugfs -R "ls -p $under/$d" "$raw" 2>/dev/null)
    for f in vmcore vmcore-dmesg.txt; do
        local m
        m=$(echo "$files" | awk -F/ -v f="$f" '$6 == f {print $3}')
        vm_expect_mode "$f" "$m" 100600 || ok=1
    done
    if echo "$files" | awk -F/ '{print $6}' | grep -q incomplete; then
        echo "not ok: an -incomplete file was left behind"; ok=1
    fi
    debugfs -R "dump $under/$d/vmcore $out/vmcore" "$raw" >/dev/null 2>&1
    debugfs -R "dump $under/$d/vmcore-dmesg.txt $out/vmcore-dmesg.txt" "$raw" >/dev/null 2>&1
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
