# shellcheck shell=bash
# shellcheck disable=SC2154 # $here is set by the sourcing script
# One scenario of the vm suite, from its files to PASS or FAIL: load and
# check scenarios/NAME.sh, make its disks, boot (or restore) the guest that
# arms and crashes, check the console and how the capture ended, boot again
# when asked, and read the dump back. What a scenario's variables mean is
# in tests/vm/README.md; their defaults are in vm_scenario_defaults.

# Every variable a scenario file may set. Anything else in capitals that
# it sets is a mistake, reported as one.
VM_SCENARIO_VARS=(
    SCENARIO_DESC DUMP_DIR DUMP_ON_ROOT DUMP_FS_AT DUMP_CHECK DUMP_HOST CHECK
    EXTRA_DISK_LABEL EXTRA_DISK_RAW EXTRA_DISK_SIZE EXTRA_DISK_SERIAL EXTRA_DISK3_RAW EXTRA_DISK3_SERIAL
    LEAN ENABLE_AT_BOOT OTHER_KERNEL CRASH_ON_NEXT_BOOT CRASH_BY_PRECRASH NO_CRASH VM_COLD_BOOT PACKAGE_OLD_VERSION
    TEST_MODULE CRASHES VM_REBOOT EXPECT_PANIC EXPECT_PANIC_ON_CONSOLE EXPECT_CAPTURE
    EXPECT_SERIAL EXPECT_AFTER_BOOT EXPECT_AFTER_SERIAL EXPECT_NO_DUMP EXPECT_INCOMPLETE EXPECT_END
    EXPECT_FAIL_SECONDS EXPECT_CAPTURE_CMDLINE_LACKS EXPECT_NO_DUMP_UNDER
    NET NET_LINK_DOWN NFS_VERSIONS NFS_MKDIRS
    NET_LAYOUT NET_NETWORKD NET_GUEST_WAIT NET_DHCP
    HOST_ACTION HOST_ACTION_MARKER CONSOLE_MARKER CONSOLE_INPUT CAPTURE_TIMEOUT
    VM_MEMORY VM_CRASHKERNEL VM_EXTRA_APPEND VM_TEST_TIMEOUT
)

# The defaults, set in the caller's scope (vm_run_scenario's locals).
# shellcheck disable=SC2034 # read by net.sh, boot.sh and the checks
vm_scenario_defaults() {
    SCENARIO_DESC='' DUMP_DIR=/var/crash DUMP_ON_ROOT=no DUMP_FS_AT='' DUMP_CHECK='' DUMP_HOST='' CHECK=disk
    EXTRA_DISK_LABEL='' EXTRA_DISK_RAW='' EXTRA_DISK_SIZE='' EXTRA_DISK_SERIAL='' EXTRA_DISK3_RAW='' EXTRA_DISK3_SERIAL=''
    LEAN=yes ENABLE_AT_BOOT=no OTHER_KERNEL=no CRASH_ON_NEXT_BOOT=no CRASH_BY_PRECRASH=no NO_CRASH=no VM_COLD_BOOT=no
    PACKAGE_OLD_VERSION=
    TEST_MODULE=no CRASHES=1 VM_REBOOT=no EXPECT_PANIC="sysrq: Trigger a crash" EXPECT_PANIC_ON_CONSOLE=yes EXPECT_CAPTURE=yes
    EXPECT_SERIAL=() EXPECT_AFTER_BOOT=no EXPECT_AFTER_SERIAL=() EXPECT_NO_DUMP=no EXPECT_INCOMPLETE=no
    EXPECT_END='' EXPECT_FAIL_SECONDS='' EXPECT_CAPTURE_CMDLINE_LACKS='' EXPECT_NO_DUMP_UNDER=''
    NET=no NET_LINK_DOWN=no NFS_VERSIONS='' NFS_MKDIRS=()
    NET_LAYOUT=tap NET_NETWORKD=() NET_GUEST_WAIT='' NET_DHCP=''
    HOST_ACTION='' HOST_ACTION_MARKER="VMTEST: host-action" CONSOLE_MARKER='' CONSOLE_INPUT='' CAPTURE_TIMEOUT=''
    VM_MEMORY=$VM_DEFAULT_MEMORY VM_CRASHKERNEL=$VM_DEFAULT_CRASHKERNEL VM_EXTRA_APPEND='' VM_TEST_TIMEOUT=900
}

# Sources scenarios/NAME.sh after the defaults. A file that does not parse
# would be sourced up to its error and run with its checks missing: that,
# a failing source, a variable no scenario may set and a yes/no that is
# neither are failures.
vm_scenario_load() {
    local name=$1 file=$here/scenarios/$1.sh err before v
    [ -f "$file" ] || { echo "not ok: no scenario \"$name\" ($file)"; return 1; }
    [ -f "$here/scenarios/$name.kdump.conf" ] || { echo "not ok: no $name.kdump.conf"; return 1; }
    if ! err=$(bash -n "$file" 2>&1); then
        echo "not ok: $file does not parse: $err"
        return 1
    fi
    vm_scenario_defaults
    before=$(compgen -v)
    # shellcheck source=/dev/null
    source "$file" || { echo "not ok: $file failed when sourced"; return 1; }
    for v in $(comm -13 <(echo "$before" | sort) <(compgen -v | sort)); do
        [[ $v =~ ^[A-Z][A-Z0-9_]*$ ]] || continue
        echo "not ok: $file sets $v, which is not a scenario variable (tests/vm/README.md)"
        return 1
    done
    [ "$OTHER_KERNEL" = yes ] && CRASH_ON_NEXT_BOOT=yes
    [ "$CRASH_ON_NEXT_BOOT" = yes ] && EXPECT_AFTER_BOOT=yes
    [[ $CRASHES =~ ^[1-9]$ ]] || { echo "not ok: $file: CRASHES=\"$CRASHES\" (1 to 9)"; return 1; }
    [ "$CRASHES" -gt 1 ] && EXPECT_AFTER_BOOT=yes
    for v in DUMP_ON_ROOT LEAN ENABLE_AT_BOOT OTHER_KERNEL CRASH_ON_NEXT_BOOT CRASH_BY_PRECRASH NO_CRASH VM_COLD_BOOT EXPECT_AFTER_BOOT \
        EXPECT_NO_DUMP EXPECT_INCOMPLETE NET NET_LINK_DOWN TEST_MODULE VM_REBOOT EXPECT_PANIC_ON_CONSOLE EXPECT_CAPTURE; do
        [[ ${!v} == yes || ${!v} == no ]] || { echo "not ok: $file: $v=\"${!v}\" is neither yes nor no"; return 1; }
    done
    [[ $VM_TEST_TIMEOUT =~ ^[0-9]+$ ]] || { echo "not ok: $file: VM_TEST_TIMEOUT=\"$VM_TEST_TIMEOUT\""; return 1; }
}

# Whether the first boot can be a profile restored (tests/vm/boot.sh):
# not when the disk must differ from the profile's before it boots, the
# kernel command line is the scenario's own, or the link must be down at
# power-on.
vm_scenario_restorable() {
    [ "${KDUMPD_VM_SNAPSHOTS:-1}" != 0 ] && [ "$VM_COLD_BOOT" = no ] && [ "$ENABLE_AT_BOOT" = no ] &&
        [ -z "$PACKAGE_OLD_VERSION" ] && [ "$TEST_MODULE" = no ] && [ "$VM_REBOOT" = no ] &&
        [ "$OTHER_KERNEL" = no ] && [ "$NET_LINK_DOWN" = no ] && [ -z "$VM_EXTRA_APPEND" ] &&
        [[ $VM_MEMORY =~ ^[0-9]+$ ]] && [ "$NET_LAYOUT" = tap ] && [ ${#NET_NETWORKD[@]} -eq 0 ]
}

# The root disk (an overlay of the suite's disk, of a profile's, or of a
# copy changed before the first boot), the second disk and the third.
# Sets VM_RESTORE.
vm_scenario_disks() {
    local base=$1 work=$2 name=$3 backing format=raw deb setup
    backing=$work/disk.raw
    VM_RESTORE=''
    if [ "$OTHER_KERNEL" = yes ]; then
        deb=$(vm_other_kernel_deb "$base") || { echo "not ok: no other kernel package to install"; return 1; }
        echo "other kernel: $(basename "$deb")"
        backing=$work/$name.base.raw
        cp --sparse=always "$work/disk.raw" "$backing" || return 1
        debugfs -w -R "write $deb /root/other-kernel.deb" "$backing" >"$work/$name.debugfs.log" 2>&1 || return 1
    fi
    # The oops scenario's module (tests/vm/oops-module), built for the
    # guest's kernel, as /root/kdumpd_test_oops.ko.
    if [ "$TEST_MODULE" = yes ]; then
        local ko
        ko=$(vm_test_module "$base") || { echo "not ok: the test module could not be built"; return 1; }
        echo "test module: $ko"
        [ "$backing" = "$work/$name.base.raw" ] || cp --sparse=always "$work/disk.raw" "$work/$name.base.raw" || return 1
        backing=$work/$name.base.raw
        debugfs -w -R "write $ko /root/kdumpd_test_oops.ko" "$backing" >>"$work/$name.debugfs.log" 2>&1 || return 1
    fi
    # package-upgrade: the same tree built as a lower version, and the
    # package itself, in /root of the guest.
    if [ -n "$PACKAGE_OLD_VERSION" ]; then
        local old
        old=$(vm_package "$base" "$PACKAGE_OLD_VERSION") || { echo "not ok: could not build version $PACKAGE_OLD_VERSION"; return 1; }
        echo "packages: $(basename "$old") and $(basename "$(readlink -f "$work/kdumpd.deb")")"
        [ "$backing" = "$work/$name.base.raw" ] || cp --sparse=always "$work/disk.raw" "$work/$name.base.raw" || return 1
        backing=$work/$name.base.raw
        debugfs -w -f - "$backing" >>"$work/$name.debugfs.log" 2>&1 <<EOF || return 1
write $old /root/kdumpd-old.deb
write $(readlink -f "$work/kdumpd.deb") /root/kdumpd-new.deb
EOF
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
    # The guest's own network files (NET_NETWORKD), before its first boot.
    if [ ${#NET_NETWORKD[@]} -gt 0 ]; then
        if [ "$backing" = "$work/disk.raw" ]; then
            backing=$work/$name.base.raw
            cp --sparse=always "$work/disk.raw" "$backing" || return 1
        fi
        net_guest_networkd_install "$backing" >>"$work/$name.debugfs.log" 2>&1 ||
            { echo "not ok: could not write NET_NETWORKD into the guest's disk"; tail -n 3 "$work/$name.debugfs.log"; return 1; }
    fi
    if vm_scenario_restorable; then
        setup=$(dirname "$(readlink -f "$work/disk.raw")")
        VM_RESTORE=$(vm_profile "$setup") || { echo "not ok: the profile to restore could not be made"; return 1; }
        echo "first boot: restored from $(basename "$VM_RESTORE") (memory $VM_MEMORY, crashkernel=$VM_CRASHKERNEL, network $NET)"
        backing=$VM_RESTORE/disk.qcow2
        format=qcow2
    fi
    qemu-img create -q -f qcow2 -b "$backing" -F "$format" "$work/$name.qcow2" || return 1
    # A second disk, empty but for a labelled filesystem, for "<fstype> LABEL=" targets.
    if [ -n "$EXTRA_DISK_LABEL" ]; then
        mkfs.ext4 -q -F -L "$EXTRA_DISK_LABEL" "$work/$name.disk2.raw" "${EXTRA_DISK_SIZE:-1G}" || return 1
    fi
    # Or an empty one (EXTRA_DISK_RAW=SIZE) for the guest's setup to use.
    if [ -n "$EXTRA_DISK_RAW" ]; then
        rm -f "$work/$name.disk2.raw"
        truncate -s "$EXTRA_DISK_RAW" "$work/$name.disk2.raw" || return 1
    fi
    # A third disk, empty (EXTRA_DISK3_RAW=SIZE), in the PCI slot after the second.
    if [ -n "$EXTRA_DISK3_RAW" ]; then
        rm -f "$work/$name.disk3.raw"
        truncate -s "$EXTRA_DISK3_RAW" "$work/$name.disk3.raw" || return 1
    fi
}

# The boot that arms and crashes (with OTHER_KERNEL: installs the other
# kernel and powers off).
vm_scenario_crash_boot() {
    local base=$1 work=$2 name=$3 rc
    vm_boot "$base" "$work" "$name" crash
    rc=$?
    case $rc:$(cat "$work/$name.end.crash" 2>/dev/null) in
        124:capture-timeout) echo "not ok: the capture did not end within CAPTURE_TIMEOUT=${CAPTURE_TIMEOUT}s"; return 1 ;;
        124:*) echo "not ok: the guest did not finish within ${VM_TIMEOUT}s"; return 1 ;;
        *:restore-failed) echo "not ok: the restored guest did not start its scenario"; return 1 ;;
    esac
    return 0
}

# What the first boot's console must show: the driver's steps, the
# scenario's EXPECT_SERIAL, the precrash, host action and console input.
vm_scenario_check_console() {
    local work=$1 name=$2 ok=0 e s
    s=$work/$name.serial
    vm_expect_line "$s" "VMTEST: enable-now rc=0" "systemctl enable --now kdump succeeded" || ok=1
    vm_expect_line "$s" "VMTEST: status-after-start rc=0" "kdumpctl status says armed (exit 0) after start" || ok=1
    if [ "$LEAN" != yes ]; then
        vm_expect_line "$s" "VMTEST: status-after-stop rc=3" "kdumpctl status says not armed (exit 3) after stop" || ok=1
        vm_expect_line "$s" "VMTEST: status-after-restart rc=0" "armed again after start" || ok=1
        vm_expect_line "$s" "VMTEST: broken-config-refused rc=0" "a broken kdump.conf is refused on reload" || ok=1
        vm_expect_line "$s" "VMTEST: status-after-broken-reload rc=0" "still armed after the refused reload" || ok=1
    fi
    if [ "$NO_CRASH" = yes ]; then
        if grep -qaF "Kernel panic - not syncing" "$s"; then
            echo "not ok: the guest crashed; its precrash step should power it off"; ok=1
        else
            vm_expect_line "$s" "reboot: Power down" "the guest powered off without a crash" || ok=1
        fi
    elif [ "$CRASH_ON_NEXT_BOOT" != yes ]; then
        if [ "$EXPECT_PANIC_ON_CONSOLE" = yes ]; then
            vm_expect_line "$s" "$EXPECT_PANIC" "the guest panicked" || ok=1
        else
            # A panic in NMI context: its lines wait in the ring buffer
            # for a console flush that the kexec comes before. The dump's
            # kernel log must hold it (vm_check_vmcore).
            echo "ok: \"$EXPECT_PANIC\" is looked for in the dump's kernel log, not on the console"
        fi
        if [ "$EXPECT_CAPTURE" = yes ]; then
            vm_expect_line "$s" "kdump: capture kernel started" "the capture kernel ran our capture program" || ok=1
        elif grep -qaF "kdump: capture kernel started" "$s"; then
            echo "not ok: a capture kernel ran; none should have been loaded"; ok=1
        else
            echo "ok: no capture kernel ran (none was loaded)"
        fi
    fi
    for e in "${EXPECT_SERIAL[@]}"; do
        vm_expect_line "$s" "$e" "console shows \"$e\"" || ok=1
    done
    if [ "$NET" = yes ] && [ "$NET_LINK_DOWN" != yes ]; then
        vm_expect_line "$s" "VMTEST: net-up rc=0" "systemd-networkd configured the guest's network interface" || ok=1
    fi
    if [ "$NET_LINK_DOWN" = yes ] && grep -q '^crash:link-down-failed' "$work/$name.times"; then
        echo "not ok: the NIC's link could not be set down before the guest ran"; ok=1
    fi
    if [ "$CRASH_ON_NEXT_BOOT" = yes ]; then
        if grep -qaF "VMTEST: crash-now" "$work/$name.serial.crash" || grep -qaF "$EXPECT_PANIC" "$work/$name.serial.crash"; then
            echo "not ok: the first boot crashed; its precrash step should power it off (the next boot crashes)"; ok=1
        else
            echo "ok: the first boot powered off without a crash; the next boot crashes"
        fi
    elif [ -f "$here/scenarios/$name.precrash" ] && [ "$CRASH_BY_PRECRASH" = yes ]; then
        # It never returns: the crash must be its own, not the driver's.
        if grep -qaF "VMTEST: crash-now" "$work/$name.serial.crash"; then
            echo "not ok: the precrash step returned and the test driver crashed the guest"; ok=1
        else
            echo "ok: the precrash step crashed the guest itself (no \"VMTEST: crash-now\")"
        fi
    elif [ -f "$here/scenarios/$name.precrash" ] && [ "$NO_CRASH" != yes ]; then
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
    # The capture kernel's own command line ("Command line:" of its boot,
    # after the panic) must not hold what a failed reload asked for.
    if [ -n "$EXPECT_CAPTURE_CMDLINE_LACKS" ]; then
        local cmdline
        cmdline=$(awk -v p="$EXPECT_PANIC" 'index($0, p) {on = 1} on' "$work/$name.serial.crash" | grep -a -m1 'Command line:')
        if [ -z "$cmdline" ]; then
            echo "not ok: the capture kernel's command line is not on the console"; ok=1
        elif [[ $cmdline == *"$EXPECT_CAPTURE_CMDLINE_LACKS"* ]]; then
            echo "not ok: the capture kernel's command line holds \"$EXPECT_CAPTURE_CMDLINE_LACKS\""; ok=1
        else
            echo "ok: the capture kernel's command line lacks \"$EXPECT_CAPTURE_CMDLINE_LACKS\""
        fi
    fi
    return $ok
}

# How the capture boot ended (EXPECT_END, else what kdump.conf asks for),
# and how long it took to fail (EXPECT_FAIL_SECONDS).
vm_scenario_check_capture_end() {
    local work=$1 name=$2 ok=0 want_end=$EXPECT_END conf=$here/scenarios/$2.kdump.conf
    if [ -z "$want_end" ]; then
        if [ "$EXPECT_NO_DUMP" = yes ]; then
            want_end=$(vm_conf_value "$conf" failure_action)
            [ -n "$want_end" ] || want_end=$(vm_conf_value "$conf" default)
        else
            want_end=$(vm_conf_value "$conf" final_action)
        fi
        want_end=${want_end:-reboot}
    fi
    if [ "$NO_CRASH" = yes ] || [ "$EXPECT_CAPTURE" = no ]; then
        VM_WANT_END=none
        return 0
    fi
    if [ "$CRASH_ON_NEXT_BOOT" != yes ]; then
        case $want_end in
            reboot | halt | poweroff) vm_check_end "$work/$name.serial.crash" "$work/$name.end.crash" "$want_end" || ok=1 ;;
            *) echo "note: the end of the capture boot (\"$want_end\") is not checked; set EXPECT_END" ;;
        esac
    fi

    # From the capture program's first line to its failure: by the capture
    # kernel's clock (the console's timestamps, which is what disk_timeout
    # is measured with), else by the host's.
    local t_start t_fail fail_secs='' host_secs
    t_start=$(awk '$0 ~ /^crash:kdump: capture kernel started / {print $NF}' "$work/$name.times")
    t_fail=$(awk '$0 ~ /^crash:kdump: dump failed / {print $NF}' "$work/$name.times")
    if [ -n "$t_start" ] && [ -n "$t_fail" ]; then
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
    VM_WANT_END=$want_end
    return $ok
}

# A boot after the capture must itself end well: the driver powers the
# guest off, which ends QEMU by itself.
vm_scenario_check_boot_end() {
    local work=$1 name=$2 phase=$3 rc=$4 how
    how=$(cat "$work/$name.end.$phase" 2>/dev/null)
    if [ "$rc" -eq 0 ] && [ "$how" = "exited rc=0" ]; then
        echo "ok: the $phase boot ended by itself (exited rc=0)"
    else
        echo "not ok: the $phase boot ended with status $rc (${how:-unknown})"
        return 1
    fi
}

# A later boot (PHASE) that crashed: the panic (PANIC) on its console, our
# capture program ran, and the capture ended as the scenario wants. WHAT
# names the boot in the messages.
vm_scenario_check_recrash() {
    local work=$1 name=$2 phase=$3 panic=$4 what=$5 ok=0
    vm_expect_line "$work/$name.serial.$phase" "$panic" "$what panicked" || ok=1
    vm_expect_line "$work/$name.serial.$phase" "kdump: capture kernel started" "$what: the capture kernel ran our capture program" || ok=1
    case $VM_WANT_END in
        reboot | halt | poweroff) vm_check_end "$work/$name.serial.$phase" "$work/$name.end.$phase" "$VM_WANT_END" || ok=1 ;;
    esac
    return $ok
}

# EXPECT_AFTER_BOOT: the boot after the capture; with CRASH_ON_NEXT_BOOT
# (OTHER_KERNEL: the other kernel's boot), NAME.after crashes it and the
# capture is checked on that boot.
vm_scenario_after_boot() {
    local base=$1 work=$2 name=$3 ok=0 s e rc
    s=$work/$name.serial
    if [ "$CRASH_ON_NEXT_BOOT" = yes ] && [ "$OTHER_KERNEL" != yes ]; then
        vm_boot "$base" "$work" "$name" after
        vm_scenario_check_recrash "$work" "$name" after "$EXPECT_PANIC" "the next boot" || ok=1
    elif [ "$OTHER_KERNEL" = yes ]; then
        # The other kernel, as the guest installed it (its initrd made by
        # the guest's initramfs-tools).
        local other
        other=$(grep -ao 'VMTEST: other-kernel=[^ ]*' "$work/$name.serial.crash" | head -n1 | cut -d= -f2 | tr -d '\r')
        if [ -z "$other" ] || ! vm_guest_file "$work" "$name" "/boot/vmlinuz-$other" "$work/$name.vmlinuz" ||
            ! vm_guest_file "$work" "$name" "/boot/initrd.img-$other" "$work/$name.initrd.img"; then
            echo "not ok: no kernel and initrd of the other kernel (${other:-?}) in the guest's /boot"
            return 1
        fi
        echo "ok: the guest installed kernel $other; booting it"
        VM_BOOT_KERNEL=$work/$name.vmlinuz VM_BOOT_INITRD=$work/$name.initrd.img vm_boot "$base" "$work" "$name" after
        vm_expect_line "$work/$name.serial.after" "Linux version $other" "the second boot ran kernel $other" || ok=1
        vm_scenario_check_recrash "$work" "$name" after "$EXPECT_PANIC" "kernel $other" || ok=1
    else
        # CRASHES: each boot after a capture but the last crashes again
        # (phase againN: armed, then sysrq).
        local i
        for ((i = 2; i <= CRASHES; i++)); do
            vm_boot "$base" "$work" "$name" "again$i"
            vm_expect_line "$work/$name.serial.again$i" "VMTEST: again-armed rc=0" "armed again on the boot after crash $((i - 1))" || ok=1
            vm_scenario_check_recrash "$work" "$name" "again$i" "sysrq: Trigger a crash" "crash $i" || ok=1
        done
        # VM_REBOOT: the guest rebooted within the crash boot's QEMU and ran
        # that boot's steps there.
        if [ "$VM_REBOOT" = yes ]; then
            rc=0
            vm_expect_line "$s" "VMTEST: boot-done uptime=" "the guest rebooted" || ok=1
            vm_scenario_check_boot_end "$work" "$name" crash 0 || ok=1
        else
            vm_boot "$base" "$work" "$name" after
            rc=$?
            vm_scenario_check_boot_end "$work" "$name" after "$rc" || ok=1
        fi
        if [ -f "$here/scenarios/$name.after" ]; then
            vm_expect_line "$s" "VMTEST: after rc=0" "the after-boot step succeeded" || ok=1
        fi
    fi
    vm_expect_line "$s" "VMTEST: after-boot-active rc=0" "the enabled service is active on the next boot" || ok=1
    vm_expect_line "$s" "VMTEST: after-boot-status rc=0" "armed on the next boot" || ok=1
    for e in "${EXPECT_AFTER_SERIAL[@]}"; do
        vm_expect_line "$s" "$e" "on the next boot, console shows \"$e\"" || ok=1
    done
    return $ok
}

# The dump, read back on the host: from the namespace's servers (network
# targets) or from the guest's disks.
vm_scenario_check_dump() {
    local work=$1 name=$2 ok=0 disk
    if [ "$NET" = yes ]; then
        net_check_dump "$work" "$name" "$CHECK" "$DUMP_DIR" || ok=1
        if net_teardown "$work" "$name"; then
            echo "ok: the servers stopped and the namespace is gone"
        else
            echo "not ok: the network namespace could not be cleaned up"; ok=1
        fi
        return $ok
    fi
    disk=$work/$name.qcow2
    [ -n "$EXTRA_DISK_LABEL$EXTRA_DISK_RAW" ] && [ "$DUMP_ON_ROOT" != yes ] && disk=$work/$name.disk2.raw
    if [ -n "$DUMP_FS_AT" ]; then
        disk=$(vm_extract_fs "$work" "$name" "$disk" "$DUMP_FS_AT") || return 1
    fi
    if [ "$EXPECT_NO_DUMP" = yes ]; then
        vm_check_no_dump "$work" "$name" "$DUMP_DIR" "$disk" "$EXPECT_INCOMPLETE" || ok=1
    else
        vm_check_dump "$work" "$name" "$DUMP_DIR" "$disk" || ok=1
        # The scenario's own look at the dump (a function in NAME.sh).
        if [ -n "$DUMP_CHECK" ]; then
            "$DUMP_CHECK" "$work/$name.dump" || ok=1
        fi
    fi
    # A directory where no dump may be (the path of a configuration that
    # was refused): nothing of a dump under it.
    if [ -n "$EXPECT_NO_DUMP_UNDER" ]; then
        vm_check_no_dump "$work" "$name" "$EXPECT_NO_DUMP_UNDER" "$disk" no || ok=1
    fi
    return $ok
}

vm_run_scenario() {
    local base=$1 work=$2 name=$3 ok=0
    # shellcheck disable=SC2034 # set by vm_scenario_defaults and the scenario file
    local "${VM_SCENARIO_VARS[@]}" VM_RESTORE VM_WANT_END
    vm_scenario_load "$name" || return 1
    echo "scenario $name: $SCENARIO_DESC"
    : >"$work/$name.serial"
    : >"$work/$name.times"
    vm_scenario_disks "$base" "$work" "$name" || return 1
    if [ "$NET" = yes ] && ! net_setup "$work" "$name"; then
        echo "not ok: could not set up the network namespace and its servers"
        net_teardown "$work" "$name"
        return 1
    fi
    vm_scenario_crash_boot "$base" "$work" "$name" || ok=1
    vm_scenario_check_console "$work" "$name" || ok=1
    vm_scenario_check_capture_end "$work" "$name" || ok=1
    if [ "$EXPECT_AFTER_BOOT" = yes ] && [ $ok -eq 0 ]; then
        vm_scenario_after_boot "$base" "$work" "$name" || ok=1
    fi
    if [ "$NO_CRASH" = yes ]; then
        [ "$NET" = yes ] && { net_teardown "$work" "$name" || ok=1; }
    else
        vm_scenario_check_dump "$work" "$name" || ok=1
    fi
    sed 's/^/time: /' "$work/$name.times"
    grep -ao 'VMTEST: [a-z-]*=[0-9.]*' "$work/$name.serial" | sed 's/^VMTEST: /measured: /' | sort -u
    [ $ok -eq 0 ] && echo PASS >"$work/$name.result"
    return $ok
}
