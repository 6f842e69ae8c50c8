# shellcheck shell=bash
# shellcheck disable=SC2154 # $here is set by the sourcing script
# Booting guests for the vm suite: QEMU's command line, its monitor, one
# boot with its console watched (vm_boot), and profiles: a guest booted
# once to multi-user.target and saved (QEMU migration to a file), which a
# scenario's first boot restores instead of booting. Sourced by lib.sh.

# Seconds since the epoch, with tenths.
vm_now() { date +%s.%1N; }

# Seconds (one decimal) from $1 to now.
vm_since() { echo "$1 $(vm_now)" | awk '{printf "%.1f", $2 - $1}'; }

# One command to a guest's QEMU monitor (HMP, $work/$name.mon); prints
# the answer without the monitor's line-editing noise.
vm_monitor() {
    local work=$1 name=$2 cmd=$3
    printf '%s\n' "$cmd" | timeout 10 socat -t 2 - "UNIX-CONNECT:$work/$name.mon" 2>/dev/null |
        tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
}

# The answer of a monitor command without the prompt and the echo.
vm_monitor_answer() {
    vm_monitor "$@" | grep -v '^(qemu)\|^QEMU .* monitor'
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
    out=$(vm_monitor_answer "$work" "$name" "set_link n0 $state")
    [ -z "$(echo "$out" | tr -d '[:space:]')" ] || { echo "set_link n0 $state: $out" >&2; return 1; }
}

# A guest started paused (-S): its NIC's link goes down before the guest
# runs a single instruction, then it runs (also when that failed: a
# paused guest would wait for VM_TIMEOUT).
vm_link_down_then_run() {
    local work=$1 name=$2 rc
    vm_monitor_wait "$work" "$name"
    vm_set_link "$work" "$name" off
    rc=$?
    vm_monitor "$work" "$name" cont >/dev/null
    return $rc
}

# A host action: an NMI to the guest (QEMU's monitor command "nmi"), as
# a BMC's or a hypervisor's "inject NMI" does.
vm_nmi() {
    local out
    out=$(vm_monitor_answer "$1" "$2" nmi)
    [ -z "$(echo "$out" | tr -d '[:space:]')" ] || { echo "nmi: $out"; return 1; }
    echo "nmi sent"
}

# A host action for network scenarios: the NIC's link comes up.
vm_link_up() {
    vm_set_link "$1" "$2" on && echo "set_link n0 on"
}

# Waits (10 s at most) for a guest's monitor socket.
vm_monitor_wait() {
    local i
    for ((i = 0; i < 100; i++)); do
        [ -S "$1/$2.mon" ] && return 0
        sleep 0.1
    done
    return 1
}

# The serial number a scenario gives its disk ID (disk2: EXTRA_DISK_SERIAL,
# disk3: EXTRA_DISK3_SERIAL): the guest reads it in /sys/block/vdX/serial,
# and udev links /dev/disk/by-id/virtio-SERIAL to it. None for the others.
vm_disk_serial() {
    case $1 in
        disk2) echo "${EXTRA_DISK_SERIAL:-}" ;;
        disk3) echo "${EXTRA_DISK3_SERIAL:-}" ;;
    esac
}

# QEMU's -device for the disk ID (its -drive is drive-ID).
vm_disk_device() {
    local id=$1 serial
    serial=$(vm_disk_serial "$id")
    echo "virtio-blk-pci,drive=drive-$id,id=$id${serial:+,serial=$serial}"
}

# A host action for disk scenarios: hot-unplugs the guest's disk ID
# (default disk2, the second disk) through the monitor. On the i440fx
# machine this is an ACPI eject request the guest's kernel (acpiphp) must
# grant; the device is gone from QEMU's PCI bus only once it has.
vm_unplug_disk() {
    local work=$1 name=$2 id=${3:-disk2} i out
    out=$(vm_monitor "$work" "$name" "device_del $id")
    echo "device_del $id: $(echo "$out" | grep -v '^(qemu)\|^QEMU .* monitor' | tr '\n' ' ')"
    for ((i = 0; i < 150; i++)); do
        out=$(vm_monitor "$work" "$name" "info pci")
        if [[ $out == *"Bus "* ]] && [[ $out != *"id \"$id\""* ]]; then
            echo "$id left the guest's PCI bus after $((i / 5)).$((i % 5 * 2)) s"
            return 0
        fi
        sleep 0.2
    done
    echo "$id is still on the guest's PCI bus after 30 s (the guest did not eject it)"
    return 1
}

vm_unplug_disk2() {
    vm_unplug_disk "$1" "$2" disk2
}

# Plugs $work/$name.ID.raw in as the disk ID (with its serial) through the
# monitor, into the lowest free PCI slot: into a paused guest (a restored
# one, whose profile has no such disk), which finds it there when it runs,
# or into a running one, as a hot-plug.
vm_plug_disk() {
    local work=$1 name=$2 id=$3 out
    out=$(vm_monitor_answer "$work" "$name" \
        "drive_add 0 file=$work/$name.$id.raw,if=none,id=drive-$id,format=raw")
    [[ $out == *OK* ]] || { echo "drive_add $id: $out" >&2; return 1; }
    out=$(vm_monitor_answer "$work" "$name" "device_add $(vm_disk_device "$id")")
    [ -z "$(echo "$out" | tr -d '[:space:]')" ] || { echo "device_add $id: $out" >&2; return 1; }
}

# A host action for disk scenarios: the second disk is replaced by a new,
# empty one of its size that has no serial. The new one is plugged in first
# (id disk2new), into the lowest free PCI slot, which is behind every disk
# there is; then disk2 is unplugged. The running kernel keeps the names it
# gave (vdb goes, the new disk gets the next free name); a kernel that
# boots next on this machine, the capture kernel, names the disks in slot
# order, so the disk behind the second one takes its name. The boots after
# that have the new disk in disk2's place, $work/$name.disk2.raw (the old
# one is kept as $name.disk2.old.raw).
vm_replace_disk2() {
    local work=$1 name=$2 size
    size=$(stat -c %s "$work/$name.disk2.raw") || return 1
    truncate -s "$size" "$work/$name.disk2new.raw" || return 1
    vm_plug_disk "$work" "$name" disk2new || return 1
    echo "plugged in an empty disk of $size bytes (disk2new)"
    vm_unplug_disk "$work" "$name" disk2 || return 1
    mv "$work/$name.disk2.raw" "$work/$name.disk2.old.raw" && mv "$work/$name.disk2new.raw" "$work/$name.disk2.raw"
}

# QEMU's arguments for a guest, in the order that makes its PCI slots:
# what a profile saves and a restore loads must be the same machine.
#   $1 root disk (qcow2)  $2 kernel command line  $3 yes: the job channel
# VM_MEMORY, NET and the optional second and third disks ($4, $5: raw
# files, with the serials of vm_disk_serial) complete it.
vm_qemu_args() {
    local disk=$1 append=$2 job=$3 disk2=${4:-} disk3=${5:-} args
    args=(-accel tcg -cpu max -m "$VM_MEMORY" -smp 1 -display none)
    # A reboot ends QEMU (a new one boots the next phase), but for a
    # scenario whose memory must survive a warm reset (VM_REBOOT).
    [ "${VM_REBOOT:-no}" = yes ] || args+=(-no-reboot)
    if [ "${NET:-no}" = yes ]; then
        args+=("${NET_QEMU_ARGS[@]}")
    else
        args+=(-net none)
    fi
    args+=(-kernel "${VM_BOOT_KERNEL:-$base/vmlinuz}" -initrd "${VM_BOOT_INITRD:-$base/initrd.img}" -append "$append")
    # Disks as -device with ids: the monitor can name them (device_del).
    # Command-line order is PCI slot order: the root disk stays vda.
    args+=(-drive "file=$disk,if=none,id=drive-disk1,format=qcow2"
           -device "virtio-blk-pci,drive=drive-disk1,id=disk1")
    if [ -n "$disk2" ]; then
        args+=(-drive "file=$disk2,if=none,id=drive-disk2,format=raw" -device "$(vm_disk_device disk2)")
    fi
    if [ -n "$disk3" ]; then
        args+=(-drive "file=$disk3,if=none,id=drive-disk3,format=raw" -device "$(vm_disk_device disk3)")
    fi
    # A restored guest learns which scenario it runs from a virtio-serial
    # port (its kernel command line is the profile's).
    if [ "$job" = yes ]; then
        args+=(-device "virtio-serial-pci,id=vser0" -device "virtserialport,chardev=job,name=org.kdumpd.job")
    fi
    printf '%s\0' "${args[@]}"
}

# The kernel command line of a boot. no_timer_check: under TCG on a
# loaded host the kernel's early IO-APIC timer check can miss its ticks
# and panic ("IO-APIC + timer doesn't work") before anything of ours
# runs; cloud images pass it for the same reason.
vm_append() {
    local name=$1 phase=$2 extra=$3
    echo "root=/dev/vda rw console=ttyS0,115200 no_timer_check crashkernel=$VM_CRASHKERNEL kdumpd_test=$name kdumpd_phase=$phase systemd.journald.forward_to_console=0 systemd.show_status=0${extra}${VM_EXTRA_APPEND:+ $VM_EXTRA_APPEND}"
}

# Boots the guest once; records when marker lines first appear on the
# serial console into $work/$name.times ("phase:marker seconds-since-start")
# and how QEMU ended into $work/$name.end.$phase:
#   exited rc=N      QEMU ended by itself (reboot or poweroff with -no-reboot)
#   halted           "reboot: System halted" and QEMU still running 3 s later
#                    (a halted machine); the harness then stopped QEMU
#   halted-but-exited "reboot: System halted", then QEMU ended by itself
#   timeout          VM_TIMEOUT; capture-timeout: CAPTURE_TIMEOUT
#   restore-failed   a restored guest did not take its job within 300 s
#   saved            a profile boot: saved at "VMTEST: profile-ready"
# The guest has a monitor ($work/$name.mon, see vm_monitor). Variables
# that act here (tests/vm/README.md): NET, NET_LINK_DOWN, LEAN,
# HOST_ACTION, HOST_ACTION_MARKER, CONSOLE_MARKER, CONSOLE_INPUT,
# CAPTURE_TIMEOUT, VM_MEMORY, VM_CRASHKERNEL, VM_EXTRA_APPEND,
# VM_BOOT_KERNEL, VM_BOOT_INITRD, and:
#   VM_RESTORE=DIR   (phase crash) restore the profile saved in DIR instead
#                    of booting; $work/$name.qcow2 is an overlay of its disk
#   VM_PROFILE_SAVE=DIR  boot as a profile and save it into DIR
vm_boot() {
    local base=$1 work=$2 name=$3 phase=$4
    local serial=$work/$name.serial.$phase endf=$work/$name.end.$phase pidfile=$work/$name.qemu.pid
    local start pid in_ns=() extra='' qemu_args=() job=no restore='' save=''
    local link_down=no job_line=''
    if [ "$phase" = crash ] && [ -n "${VM_RESTORE:-}" ]; then
        restore=$VM_RESTORE
    fi
    [ -n "${VM_PROFILE_SAVE:-}" ] && save=$VM_PROFILE_SAVE
    if [ "${NET:-no}" = yes ]; then
        in_ns=(ip netns exec "${VM_NETNS:-$(net_ns "$work" "$name")}")
        extra=" $NET_GUEST_APPEND"
        if [ "${NET_LINK_DOWN:-no}" = yes ] && [ "$phase" = crash ]; then
            link_down=yes
            extra=" $NET_GUEST_APPEND_LATE"
        fi
    fi
    [ "${LEAN:-yes}" = yes ] && extra+=" kdumpd_lean=1"
    local append disk2='' disk3=''
    append=$(vm_append "$name" "$phase" "$extra")
    [ -f "$work/$name.disk2.raw" ] && disk2=$work/$name.disk2.raw
    [ -f "$work/$name.disk3.raw" ] && disk3=$work/$name.disk3.raw
    if [ -n "$save" ]; then
        job=yes
        append=$(cat "$save/append")
    elif [ -n "$restore" ]; then
        # The profile's machine and command line; the scenario comes as a
        # job line, the second and third disks are plugged in before the
        # guest runs.
        job=yes
        append=$(cat "$restore/append")
        job_line="name=$name phase=crash lean=$([ "${LEAN:-yes}" = yes ] && echo 1 || echo 0) net=$([ "${NET:-no}" = yes ] && echo 1 || echo 0) epoch=$(date +%s)${disk2:+ disk2=1}${disk3:+ disk3=1}"
    fi
    mapfile -d '' -t qemu_args < <(vm_qemu_args "$work/$name.qcow2" "$append" "$job" \
        "$([ -z "$restore" ] && echo "$disk2")" "$([ -z "$restore" ] && echo "$disk3")")
    [ "$job" = yes ] && qemu_args+=(-chardev "socket,id=job,path=$work/$name.job,server=on,wait=off")
    [ -n "$restore" ] && qemu_args+=(-S -incoming "exec:cat $restore/state")
    [ $link_down = yes ] && qemu_args+=(-S)
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
    "${in_ns[@]}" timeout "$VM_TIMEOUT" qemu-system-x86_64 "${qemu_args[@]}" \
        -monitor "unix:$work/$name.mon,server=on,wait=off" -pidfile "$pidfile" "${serial_args[@]}" &
    pid=$!
    local end='' capture_start=''
    if [ -n "$restore" ]; then
        vm_restore_run "$work" "$name" "$disk2" "$disk3" "$job_line" || end='restore-failed'
        echo "$phase:restored $(vm_since "$start")" >>"$work/$name.times"
    elif [ $link_down = yes ]; then
        vm_monitor_wait "$work" "$name"
        vm_link_down_then_run "$work" "$name" || echo "$phase:link-down-failed $(vm_since "$start")" >>"$work/$name.times"
    fi
    local -A seen=()
    local markers=("VMTEST: boot-done" "VMTEST: enable-now" "VMTEST: crash-now" "${EXPECT_PANIC:-sysrq: Trigger a crash}"
                   "Kernel panic - not syncing"
                   "kdump: capture kernel started" "kdump: dump-vmcore" "Saved vmcore to" "VMTEST: after-boot-status"
                   "VMTEST: bench-arm" "running makedumpfile --dump-dmesg" "saved vmcore in"
                   "kdump: dump failed" "reboot: Restarting system" "reboot: System halted" "reboot: Power down")
    # Polled five times a second; a scan after QEMU ended catches what
    # came in its last moments (stamped with the exit time).
    local alive=1
    [ -n "$end" ] && { vm_qemu_stop "$work" "$name" "$pidfile"; alive=0; }
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
        if [ -n "$save" ] && grep -qaF "VMTEST: profile-ready" "$serial"; then
            if vm_profile_save "$work" "$name" "$save"; then end=saved; else end='save-failed'; fi
            vm_qemu_stop "$work" "$name" "$pidfile"
            break
        fi
        if [ -n "$restore" ] && [ -z "${seen["VMTEST: boot-done"]:-}" ] &&
            awk -v a="$start" -v b="$(vm_now)" 'BEGIN {exit !(b - a > 300)}'; then
            end='restore-failed'
            vm_qemu_stop "$work" "$name" "$pidfile"
            break
        fi
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
        halted | halted-but-exited | saved) return 0 ;;
        timeout | capture-timeout) return 124 ;;
        restore-failed | save-failed) return 1 ;;
    esac
    return $rc
}

# A restored guest: wait until QEMU has loaded the saved state (it stays
# paused: -S), plug in the second and third disks (in that order: so are
# their PCI slots), let it run, and hand it its job.
vm_restore_run() {
    local work=$1 name=$2 disk2=$3 disk3=$4 job_line=$5 i status=''
    vm_monitor_wait "$work" "$name" || return 1
    for ((i = 0; i < 600; i++)); do
        status=$(vm_monitor_answer "$work" "$name" "info status")
        [[ $status == *paused* ]] && [[ $status != *inmigrate* ]] && break
        [[ $status == *running* ]] && break
        sleep 0.1
    done
    [[ $status == *paused* ]] || [[ $status == *running* ]] || { echo "restore: QEMU says \"$status\"" >&2; return 1; }
    if [ -n "$disk2" ]; then
        vm_plug_disk "$work" "$name" disk2 || return 1
    fi
    if [ -n "$disk3" ]; then
        vm_plug_disk "$work" "$name" disk3 || return 1
    fi
    vm_monitor "$work" "$name" cont >/dev/null
    printf '%s\n' "$job_line" | timeout 10 socat -t 2 - "UNIX-CONNECT:$work/$name.job" 2>/dev/null
}

# A profile: the machine a group of scenarios shares (memory, crash region,
# network or not), booted once to multi-user.target with kdumpd installed
# (not enabled) and saved. Its directory, under the disk's setup
# directory, holds disk.qcow2 (an overlay of the guest disk, read-only
# once saved), state (QEMU's migration stream), append (the kernel
# command line it booted with) and complete. Prints the directory.
vm_profile_key() {
    echo "profile-v1 mem=$VM_MEMORY crashkernel=$VM_CRASHKERNEL net=${NET:-no} $(declare -f vm_qemu_args vm_append)" |
        sha256sum | cut -c1-12
}

vm_profile() {
    local setup=$1 dir
    dir=$setup/profile-$(vm_profile_key)
    (
        flock 9
        [ -e "$dir/complete" ] && exit 0
        rm -rf "$dir"
        mkdir -p "$dir"
        vm_profile_boot "$dir" >"$dir/boot.log" 2>&1 || {
            vm_log "profile $dir: the boot to save failed; last lines:"
            tail -n 20 "$dir/boot.log" "$dir/profile.serial" >&2
            exit 1
        }
        # Read-only from now on: every scenario's disk is an overlay of it.
        chmod 0444 "$dir/disk.qcow2" "$dir/state"
        touch "$dir/complete"
    ) 9>"$setup/.profile.lock" || return 1
    echo "$dir"
}

# Boots a profile's guest in DIR and saves it there.
vm_profile_boot() {
    local dir=$1 ns='' rc setup extra=''
    setup=$(dirname "$dir")
    qemu-img create -q -f qcow2 -b "$setup/disk.raw" -F raw "$dir/profile.qcow2" || return 1
    [ "${NET:-no}" = yes ] && extra=" $NET_GUEST_APPEND"
    vm_append __profile__ crash "$extra" >"$dir/append"
    if [ "${NET:-no}" = yes ]; then
        # A tap like a scenario's, in a namespace of its own (no servers).
        ns=kdvm-profile-$$
        ip netns add "$ns" && ip -n "$ns" tuntap add dev tap0 mode tap &&
            ip -n "$ns" link set tap0 address "$NET_SERVER_MAC" && ip -n "$ns" link set tap0 up || return 1
    fi
    VM_NETNS=$ns VM_PROFILE_SAVE=$dir VM_RESTORE='' HOST_ACTION='' CONSOLE_MARKER='' CAPTURE_TIMEOUT='' \
        vm_boot "$base" "$dir" profile save
    rc=$?
    [ -n "$ns" ] && ip netns del "$ns"
    mv "$dir/profile.qcow2" "$dir/disk.qcow2" || return 1
    [ $rc -eq 0 ] && [ "$(cat "$dir/profile.end.save")" = saved ]
}

# Stops the profile's guest and writes its state (the guest waits for its
# job by then: "VMTEST: profile-ready" is its last word).
vm_profile_save() {
    local work=$1 name=$2 dir=$3 i out
    sleep 1
    vm_monitor "$work" "$name" stop >/dev/null
    vm_monitor "$work" "$name" "migrate \"exec:cat > $dir/state\"" >/dev/null
    for ((i = 0; i < 600; i++)); do
        out=$(vm_monitor_answer "$work" "$name" "info migrate")
        [[ $out == *"Migration status: completed"* ]] && return 0
        [[ $out == *"Migration status: failed"* ]] && { echo "migrate: $out" >&2; return 1; }
        sleep 0.2
    done
    return 1
}
