#!/bin/sh
# Runs inside the test guest as a oneshot unit: arms kdump the way an admin
# would, checks what kdumpctl says, and crashes the kernel. Its findings go
# to the kernel log as "VMTEST: key=value" lines, which reach the host over
# the serial console. On the boot after the capture (phase "after"), it
# reports what it finds and powers off.
set -u

here=/usr/local/lib/kdumpd-vmtest
say() { echo "VMTEST: $*" >/dev/kmsg; }
arg() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" /proc/cmdline; }

name=$(arg kdumpd_test)
phase=$(arg kdumpd_phase)
# kdumpd_lean=1 (LEAN=yes, the default): the stop/start/broken-reload
# sequence (a rebuild each) is proven once, by the scenarios with LEAN=no.
lean=$(arg kdumpd_lean)
net=$(arg kdumpd_net)

# mount_root_run_init: this is the capture kernel running the real root's
# init; kdumpd saves the dump and ends the boot. Nothing to do here.
if [ -e /proc/vmcore ]; then
    say "boot-done uptime=$(cut -d' ' -f1 /proc/uptime) phase=capture"
    say "capture-boot: the real root's init runs in the capture kernel"
    exit 0
fi

# Network scenarios (kdumpd_net=1): the guest's systemd-networkd sets the
# addresses (tests/vm/net.sh); wait until both are usable (the IPv6 one
# past duplicate address detection). kdumpd_net=late: the link is down at
# boot; the scenario's own steps deal with it.
net_wait() {
    # A scenario with its own network files names the addresses to wait
    # for (NET_GUEST_WAIT in tests/vm/net.sh), one a line.
    want=$(cat "$here/net-wait" 2>/dev/null)
    for _ in $(seq 120); do
        if [ -n "$want" ]; then
            missing=0
            for a in $want; do
                ip -o addr show | grep -q " $a " || missing=1
            done
            if [ $missing -eq 0 ]; then
                say "net: $(ip -o addr show | awk '$2 != "lo" {print $2, $4}' | tr '\n' ' ')"
                return 0
            fi
        elif ip -o -4 addr show | grep -q ' 10\.213\.0\.2/24 ' &&
            ip -o -6 addr show | grep ' fd21:3::2/64 ' | grep -qv tentative; then
            say "net: $(ip -o addr show | awk '$2 != "lo" {print $2, $4}' | tr '\n' ' ')"
            return 0
        fi
        sleep 0.5
    done
    say "net: not configured after 60 s: $(ip -o addr show | awk '{print $2, $4}' | tr '\n' ' ')"
    networkctl status --no-pager 2>&1 | head -n 20 | while IFS= read -r l; do say "networkctl: $l"; done
    return 1
}

# A profile (tests/vm/boot.sh): booted once, saved here, and restored for
# each scenario, which comes as one line on a virtio-serial port:
# "name=NAME phase=crash lean=0|1 net=0|1 epoch=SECONDS [disk2=1] [disk3=1]".
# The clock is the saved one until then.
if [ "$name" = __profile__ ]; then
    [ "$net" = 1 ] && net_wait
    # What boot still has to do (udev loading modules for the devices)
    # is done before the save, not by every restored guest.
    udevadm settle --timeout=120
    sync
    say "profile-ready"
    job=
    while [ -z "$job" ]; do
        read -r job </dev/virtio-ports/org.kdumpd.job || sleep 0.2
    done
    for kv in $job; do
        case $kv in
            name=*) name=${kv#name=} ;;
            phase=*) phase=${kv#phase=} ;;
            lean=*) lean=${kv#lean=} ;;
            net=*) net=${kv#net=} ;;
            epoch=*) date -s "@${kv#epoch=}" >/dev/null ;;
            disk2=1)
                # Plugged in before the guest ran again: wait for its
                # block device and for udev's links to it.
                for _ in $(seq 100); do [ -e /sys/block/vdb ] && break; sleep 0.2; done
                udevadm settle --timeout=30 ;;
            disk3=1)
                for _ in $(seq 100); do [ -e /sys/block/vdc ] && break; sleep 0.2; done
                udevadm settle --timeout=30 ;;
        esac
    done
    say "restored: $job"
fi

# VM_REBOOT: the crash (no capture kernel: panic=N reboots the same QEMU)
# left this mark; this boot is the one after it, with the crash boot's
# command line.
if [ "${phase:-crash}" = crash ] && [ -e /var/lib/kdumpd-vmtest/crashed ]; then
    phase=after
fi

say "boot-done uptime=$(cut -d' ' -f1 /proc/uptime) phase=${phase:-crash}"
# Boot to multi-user.target (the first boot of most scenarios: kdump not
# enabled yet; boot-not-blocked compares its own boots with it).
say "multi-user-seconds=$(systemctl show -p ActiveEnterTimestampMonotonic --value multi-user.target |
    awk '{printf "%.1f", $1 / 1000000}')"

if [ "$net" = 1 ]; then
    net_wait
    say "net-up rc=$?"
fi

# kdump.service is ready as soon as a build is needed (boot does not wait
# for dracut): the arming's end is in /run/kdump/state.
wait_armed() {
    for _ in $(seq 1200); do
        case $(sed -n 's/^PHASE=//p' /run/kdump/state 2>/dev/null) in
            armed) return 0 ;;
            failed) return 1 ;;
        esac
        systemctl is-active --quiet kdump || return 1
        sleep 0.5
    done
    return 1
}

journal_tail() {
    journalctl -b -u kdump --no-pager -o cat 2>/dev/null | tail -n 40 | while IFS= read -r l; do say "journal: $l"; done
}

# The benchmark (bench/run.sh): the same steps for us and for Debian's
# kdump-tools, timed the same way, and nothing else. Its command line:
#   kdumpd_bench=ours|peer
#   kdumpd_bench_collector=default|shared   each side's default collector
#     (ours: local.kdump.conf's; the peer: MAKEDUMP_ARGS unset, kdump-config's
#     default), or makedumpfile -l -d 31 for both (kdump-config adds -F);
#     ours only, the choices measured: zlib (-c -d 31), plain (-d 31)
#   kdumpd_bench_image=xz   ours only: dracut_args --compress xz (the image
#     as dracut compresses it, instead of mkdumprd's zstd)
#   kdumpd_bench_capture=selftests   ours only: the capture kernel runs the
#     crypto self-tests (kdumpd.conf takes our cryptomgr.notests off)
# A fresh disk's first boot arms the service (timed: first start, warm
# restart) and, for us, measures kdumpd's idle cost; later boots of that
# disk find it armed at boot. A service not armed is reported and the guest
# powers off (no crash without a capture kernel). The boot after the
# capture (kdumpd_phase=after) only reports and powers off: the host times
# it up to "VMTEST: boot-done" (multi-user.target reached).
bench=$(arg kdumpd_bench)
if [ -n "$bench" ]; then
    collector=$(arg kdumpd_bench_collector)
    since() { echo "$1 $(cut -d' ' -f1 /proc/uptime)" | awk '{printf "%.1f", $2 - $1}'; }
    loaded() { [ "$(cat /sys/kernel/kexec_crash_loaded 2>/dev/null)" = 1 ]; }
    case $bench in
        ours) unit=kdump; img=/var/lib/kdump/initramfs-$(uname -r).img ;;
        *) unit=kdump-tools; img=/var/lib/kdump/initrd.img-$(uname -r) ;;
    esac
    # Armed: kdumpd's own word (/run/kdump/state), then the kernel's.
    armed() {
        if [ "$bench" = ours ]; then wait_armed || return 1; fi
        loaded
    }
    bench_journal() {
        journalctl -b -u "$unit" --no-pager -o cat 2>/dev/null | tail -n 30 | while IFS= read -r l; do say "journal: $l"; done
    }
    if [ "$phase" = after ]; then
        armed
        say "bench-after-armed rc=$?"
        sync
        systemctl poweroff
        exit 0
    fi

    # The collector setting.
    case $bench in
        ours)
            grep -v '^core_collector' "$here/scenarios/local.kdump.conf" >/run/bench.kdump.conf
            case $collector in
                shared) echo 'core_collector makedumpfile -l -d 31' >>/run/bench.kdump.conf ;;
                zlib) echo 'core_collector makedumpfile -c -d 31' >>/run/bench.kdump.conf ;;
                plain) echo 'core_collector makedumpfile -d 31' >>/run/bench.kdump.conf ;;
                *) grep '^core_collector' "$here/scenarios/local.kdump.conf" >>/run/bench.kdump.conf ;;
            esac
            [ "$(arg kdumpd_bench_image)" = xz ] && echo 'dracut_args --compress xz' >>/run/bench.kdump.conf
            say "bench-collector=$(sed -n 's/^core_collector //p' /run/bench.kdump.conf | tr ' ' '_')" ;;
        *)
            sed -i '/^[[:space:]]*MAKEDUMP_ARGS=/d' /etc/default/kdump-tools
            [ "$collector" = shared ] && echo 'MAKEDUMP_ARGS="-l -d 31"' >>/etc/default/kdump-tools
            say "bench-collector=$(sed -n 's/^MAKEDUMP_ARGS=//p' /etc/default/kdump-tools | tr -d '"' | tr ' ' '_')" ;;
    esac

    # kdumpd's own settings: none, or the capture command line of a choice.
    settings_changed=no
    if [ "$bench" = ours ]; then
        want=
        [ "$(arg kdumpd_bench_capture)" = selftests ] && want='capture_cmdline_remove = { "cryptomgr.notests" }'
        if [ "$want" != "$(cat /etc/kdump/kdumpd.conf 2>/dev/null)" ]; then
            if [ -n "$want" ]; then
                mkdir -p /etc/kdump && echo "$want" >/etc/kdump/kdumpd.conf
            else
                rm -f /etc/kdump/kdumpd.conf
            fi
            settings_changed=yes
        fi
        say "bench-settings=$(tr ' ' '_' </etc/kdump/kdumpd.conf 2>/dev/null)"
    fi

    if ! systemctl is-enabled --quiet "$unit"; then
        [ "$bench" = ours ] && cp /run/bench.kdump.conf /etc/kdump.conf
        t0=$(cut -d' ' -f1 /proc/uptime)
        systemctl enable --now "$unit" && armed
        rc=$?
        say "bench-arm rc=$rc seconds=$(since "$t0")"
        t0=$(cut -d' ' -f1 /proc/uptime)
        systemctl restart "$unit" && armed
        say "bench-rearm rc=$? seconds=$(since "$t0")"
        say "bench-initramfs-bytes=$(stat -L -c %s "$img" 2>/dev/null || echo 0)"
        # Idle cost while armed: kdumpd's (MainPID's) resident memory, and
        # its threads' context switches (each one a wake-up) over two 30 s
        # windows, per minute. The peer keeps no process.
        pid=$(systemctl show -p MainPID --value "$unit")
        if [ "$bench" = ours ] && [ "${pid:-0}" != 0 ]; then
            snap() { for t in /proc/"$pid"/task/*; do echo "${t##*/} $(awk '/ctxt_switches/ {n += $2} END {print n + 0}' "$t/status" 2>/dev/null)"; done; }
            delta() { awk 'NR == FNR {a[$1] = $2; next} {d += $2 - ($1 in a ? a[$1] : 0)} END {print (d + 0) * 2}' "$1" "$2"; }
            sleep 5
            snap >/run/bench.ctx0
            sleep 30
            snap >/run/bench.ctx1
            sleep 30
            snap >/run/bench.ctx2
            say "bench-idle-rss-kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")"
            say "bench-idle-rss-anon-kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status")"
            say "bench-idle-threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")"
            say "bench-idle-tasks=$(systemctl show -p TasksCurrent --value "$unit")"
            say "bench-idle-wakeups-per-min=$(delta /run/bench.ctx0 /run/bench.ctx1),$(delta /run/bench.ctx1 /run/bench.ctx2)"
        else
            say "bench-idle-pid=${pid:-0}"
        fi
    else
        armed
        say "bench-boot-armed rc=$?"
        if [ "$bench" = ours ] && { [ $settings_changed = yes ] || ! cmp -s /run/bench.kdump.conf /etc/kdump.conf; }; then
            cp /run/bench.kdump.conf /etc/kdump.conf
            # kdumpd's own watch re-arms after 2 quiet seconds; the reload
            # asked for then runs after it, and kdumpctl waits for that.
            t0=$(cut -d' ' -f1 /proc/uptime)
            sleep 3
            timeout 900 kdumpctl reload >/dev/null 2>&1
            say "bench-reload rc=$? seconds=$(since "$t0")"
        fi
    fi
    if ! armed; then
        say "bench-not-armed"
        bench_journal
        sync
        systemctl poweroff
        exit 0
    fi
    say "bench-crashkernel-bytes=$(cat /sys/kernel/kexec_crash_size)"
    say "bench-image-bytes=$(stat -L -c %s "$img" 2>/dev/null || echo 0)"
    # Only this run's dump on the disk (a warm disk holds an earlier one).
    find /var/crash -mindepth 1 -maxdepth 1 -type d \( -name '127.0.0.1-*' -o -name '2*' \) -exec rm -rf {} +
    say "crash-now"
    sync
    echo c >/proc/sysrq-trigger
    sleep 60
    exit 1
fi

# CRASHES: a boot after a capture that crashes again, once armed.
case $phase in
    again*)
        wait_armed
        say "again-armed rc=$?"
        say "crash-now"
        sync
        echo c >/proc/sysrq-trigger
        sleep 60
        exit 1 ;;
esac

if [ "$phase" = after ]; then
    # The service is enabled: it must have armed itself on this boot (ready
    # may come before armed: a raw dump is restored first).
    systemctl is-active --quiet kdump && wait_armed
    say "after-boot-active rc=$?"
    kdumpctl status >/dev/null
    say "after-boot-status rc=$?"
    # The scenario's own checks of this boot (raw: the dump was restored once).
    if [ -x "$here/scenarios/$name.after" ]; then
        "$here/scenarios/$name.after"
        say "after rc=$?"
    fi
    journal_tail
    sync
    systemctl poweroff
    exit 0
fi

cp "$here/scenarios/$name.kdump.conf" /etc/kdump.conf
if [ -x "$here/scenarios/$name.setup" ]; then
    "$here/scenarios/$name.setup"
    say "setup rc=$?"
fi

t0=$(cut -d' ' -f1 /proc/uptime)
systemctl enable --now kdump
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
say "enable-now rc=$rc seconds=$(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}')"
wait_armed
rc=$?
say "armed rc=$rc seconds=$(echo "$t0 $(cut -d' ' -f1 /proc/uptime)" | awk '{printf "%.1f", $2 - $1}')"
[ $rc -eq 0 ] || journal_tail

kdumpctl status
say "status-after-start rc=$?"
if [ "$lean" != 1 ]; then
    systemctl stop kdump
    kdumpctl status
    say "status-after-stop rc=$?"
    t0=$(cut -d' ' -f1 /proc/uptime)
    systemctl start kdump && wait_armed
    say "restart rc=$? seconds=$(echo "$t0 $(cut -d' ' -f1 /proc/uptime)" | awk '{printf "%.1f", $2 - $1}')"
    kdumpctl status
    say "status-after-restart rc=$?"

    # A broken kdump.conf must be refused and leave the capture kernel loaded.
    cp /etc/kdump.conf /run/kdump.conf.good
    printf 'pth /var/crash\n' >>/etc/kdump.conf
    systemctl reload kdump
    refused=1
    for _ in $(seq 60); do
        if journalctl -b -u kdump --no-pager -o cat | grep -q "has errors; nothing was changed"; then refused=0; break; fi
        sleep 1
    done
    say "broken-config-refused rc=$refused"
    kdumpctl status >/dev/null
    say "status-after-broken-reload rc=$?"
    cp /run/kdump.conf.good /etc/kdump.conf
    systemctl reload kdump
    sleep 3
fi

img=/var/lib/kdump/initramfs-$(uname -r).img
say "initramfs-bytes=$(stat -c %s "$img" 2>/dev/null || echo 0)"
say "crashkernel-bytes=$(cat /sys/kernel/kexec_crash_size)"
journal_tail
# The scenario's last step before the crash (a host action, say).
if [ -x "$here/scenarios/$name.precrash" ]; then
    "$here/scenarios/$name.precrash"
    say "precrash rc=$?"
fi
say "crash-now"
mkdir -p /var/lib/kdumpd-vmtest && touch /var/lib/kdumpd-vmtest/crashed
sync
echo c >/proc/sysrq-trigger
