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
# kdumpd_lean=1 (LEAN=yes in the scenario): failure-path scenarios skip the
# stop/start/broken-reload sequence (a rebuild each) that every other
# scenario proves.
lean=$(arg kdumpd_lean)
say "boot-done uptime=$(cut -d' ' -f1 /proc/uptime) phase=${phase:-crash}"
# Boot to multi-user.target (the first boot of most scenarios: kdump not
# enabled yet; boot-not-blocked compares its own boots with it).
say "multi-user-seconds=$(systemctl show -p ActiveEnterTimestampMonotonic --value multi-user.target |
    awk '{printf "%.1f", $1 / 1000000}')"

# mount_root_run_init: this is the capture kernel running the real root's
# init; kdumpd saves the dump and ends the boot. Nothing to do here.
if [ -e /proc/vmcore ]; then
    say "capture-boot: the real root's init runs in the capture kernel"
    exit 0
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

# Network scenarios: the host's namespace is on the other end of the first
# non-loopback interface; give it the addresses from the command line
# (kdumpd_ip=ADDR/LEN, kdumpd_ip6=ADDR/LEN), in both phases.
net_up() {
    ip4=$(arg kdumpd_ip)
    ip6=$(arg kdumpd_ip6)
    dev=
    for _ in $(seq 60); do
        for d in /sys/class/net/*; do
            [ "${d##*/}" = lo ] || [ ! -e "$d" ] || { dev=${d##*/}; break; }
        done
        [ -n "$dev" ] && break
        sleep 0.5
    done
    [ -n "$dev" ] || return 1
    ip link set lo up
    ip link set "$dev" up || return 1
    ip addr replace "$ip4" dev "$dev" || return 1
    if [ -n "$ip6" ]; then
        ip -6 addr replace "$ip6" dev "$dev" nodad || return 1
    fi
    say "net: $dev $(ip -o addr show dev "$dev" | awk '{print $4}' | tr '\n' ' ')"
}
if [ -n "$(arg kdumpd_ip)" ]; then
    net_up
    say "net-up rc=$?"
fi

# The benchmark (bench/): the same steps for us and for Debian's
# kdump-tools, timed the same way, and nothing else.
bench=$(arg kdumpd_bench)
if [ -n "$bench" ]; then
    case $bench in
        ours) unit=kdump; img=/var/lib/kdump/initramfs-$(uname -r).img
              cp "$here/scenarios/local.kdump.conf" /etc/kdump.conf ;;
        peer) unit=kdump-tools; img=/var/lib/kdump/initrd.img-$(uname -r) ;;
    esac
    t0=$(cut -d' ' -f1 /proc/uptime)
    systemctl enable --now "$unit"
    rc=$?
    t1=$(cut -d' ' -f1 /proc/uptime)
    say "bench-arm rc=$rc seconds=$(echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}')"
    systemctl restart "$unit"
    t2=$(cut -d' ' -f1 /proc/uptime)
    say "bench-rearm rc=$? seconds=$(echo "$t1 $t2" | awk '{printf "%.1f", $2 - $1}')"
    say "bench-loaded=$(cat /sys/kernel/kexec_crash_loaded)"
    say "bench-initramfs-bytes=$(stat -L -c %s "$img" 2>/dev/null || echo 0)"
    [ $rc -eq 0 ] || journalctl -b -u "$unit" --no-pager -o cat | tail -n 30 | while IFS= read -r l; do say "journal: $l"; done
    say "crash-now"
    sync
    echo c >/proc/sysrq-trigger
fi

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
sync
echo c >/proc/sysrq-trigger
