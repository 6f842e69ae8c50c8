# shellcheck shell=bash
# Network dump targets for the vm suite: per scenario that sets NET=yes, a
# network namespace with a tap for the guest's virtio-net, and inside it an
# NFS server (nfs-ganesha with rpcbind) and an ssh server (OpenSSH), each
# with its own configuration, state, keys and logs under $work/NAME.net/.
# Sourced by lib.sh. Nothing here touches an address outside the namespace.
#
# Layout of $work/NAME.net/:
#   ns                      the namespace's name
#   run/                    bind-mounted over /run for rpcbind and ganesha
#                           (rpcbind.sock, rpcbind.lock, rpcbind/, ganesha/)
#   ganesha.conf .log .pid  ganesha-recovery/
#   rpcbind.pid rpcbind.log
#   sshd_config sshd.log sshd.pid ssh_host_{ed25519,ecdsa}_key[.pub]
#   home/                   bind-mounted over the dump user's home for sshd:
#                           .ssh/authorized_keys holds the admin key, and
#                           `kdumpctl propagate` adds the kdump key there
#   sshroot/                bind-mounted over $NET_SSH_ROOT for sshd:
#                           sshroot/NAME is the ssh scenario's dump path
# The export is $work/NAME.export (its root is the guest's "/").

NET_SERVER=10.213.0.1
NET_SERVER6=fd21:3::1
NET_GUEST=10.213.0.2
NET_GUEST6=fd21:3::2
NET_GUEST_MAC=52:54:00:12:34:56
# The tap's own MAC, the server's as the guest sees it: the same in every
# scenario's namespace, so that a guest restored from a profile (boot.sh)
# meets the neighbour it may have cached.
NET_SERVER_MAC=52:54:00:12:34:01
# The guest's addresses come from its systemd-networkd (lib.sh writes the
# .network file into the guest disk); the command line only tells the
# test driver to wait for them (kdumpd_net=1), or not to (kdumpd_net=late:
# the link is down at boot, NET_LINK_DOWN).
# shellcheck disable=SC2034 # NET_GUEST_APPEND*, NET_QEMU_ARGS: used by lib.sh
NET_GUEST_APPEND="kdumpd_net=1"
# shellcheck disable=SC2034
NET_GUEST_APPEND_LATE="kdumpd_net=late"
NET_USER=kdumpvm
NET_USER_HOME=/var/tmp/kdumpvm-home
NET_SSH_ROOT=/var/tmp/kdumpd-vmtest

net_log() { echo "net: $*" >&2; }

# The guest's systemd-networkd configuration: static addresses on the NIC
# with the guest's MAC.
net_guest_networkd_config() {
    cat <<EOF
# kdumpd vm tests (tests/vm/net.sh): the NIC of network scenarios.
[Match]
MACAddress=$NET_GUEST_MAC

[Network]
Address=$NET_GUEST/24
Address=$NET_GUEST6/64
EOF
}

# The tools a network scenario needs on the host.
net_missing_tools() {
    local t
    for t in ip ganesha.nfsd rpcbind rpcinfo /usr/sbin/sshd ssh-keygen unshare setsid useradd ss; do
        command -v "$t" >/dev/null 2>&1 || echo "$t"
    done
    [ -e /usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so ] || [ -e /usr/lib/ganesha/libfsalvfs.so ] || echo "nfs-ganesha-vfs"
    [ -c /dev/net/tun ] || echo "/dev/net/tun"
}

net_dir() { echo "$1/$2.net"; }
net_ns() { cat "$(net_dir "$1" "$2")/ns" 2>/dev/null; }

# The admin's key pair, made once per work directory: its private half goes
# into the guest as root's key, its public half into the dump user's
# authorized keys on the server.
net_admin_key() {
    local work=$1
    (
        flock 9
        [ -s "$work/admin_ed25519" ] && [ -s "$work/admin_ed25519.pub" ] && exit 0
        rm -f "$work/admin_ed25519.tmp" "$work/admin_ed25519.tmp.pub"
        ssh-keygen -q -t ed25519 -N '' -C "kdumpd-vmtest admin" -f "$work/admin_ed25519.tmp" </dev/null &&
            mv "$work/admin_ed25519.tmp.pub" "$work/admin_ed25519.pub" &&
            mv "$work/admin_ed25519.tmp" "$work/admin_ed25519"
    ) 9>"$work/.admin-key.lock"
}

# The dump user on the host, made once. Its password field must not be
# "!" (locked): sshd without PAM refuses keys for locked accounts too.
net_ensure_user() {
    mkdir -p "$VM_CACHE"
    (
        flock 9
        if ! getent passwd "$NET_USER" >/dev/null; then
            useradd --system --shell /bin/sh --home-dir "$NET_USER_HOME" --create-home \
                --password '*' "$NET_USER" || exit 1
        fi
        if [ "$(getent shadow "$NET_USER" | cut -d: -f2 | cut -c1)" = '!' ]; then
            usermod --password '*' "$NET_USER" || exit 1
        fi
        # The mount points of the per-scenario home and dump tree.
        install -d "$NET_USER_HOME" "$NET_SSH_ROOT"
    ) 9>"$VM_CACHE/.net-user.lock"
}

# Waits up to $3 seconds for a TCP listener on port $2 in namespace $1.
net_wait_listen() {
    local ns=$1 port=$2 secs=$3 i
    for ((i = 0; i < secs * 5; i++)); do
        [ -n "$(ip netns exec "$ns" ss -Hltn "sport = :$port" 2>/dev/null)" ] && return 0
        sleep 0.2
    done
    return 1
}

# Stops the process in pid file $1 (TERM, then KILL after $2 seconds);
# the pid must belong to namespace $3, so a stale file never hits a
# stranger.
net_kill_pidfile() {
    local file=$1 secs=$2 ns=$3 pid i
    [ -s "$file" ] || return 0
    pid=$(cat "$file")
    if ! [[ $pid =~ ^[0-9]+$ ]] || ! kill -0 "$pid" 2>/dev/null ||
        ! ip netns pids "$ns" 2>/dev/null | grep -qx "$pid"; then
        rm -f "$file"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < secs * 5; i++)); do
        kill -0 "$pid" 2>/dev/null || { rm -f "$file"; return 0; }
        sleep 0.2
    done
    net_log "pid $pid ($file) ignored SIGTERM for ${secs}s; killing it"
    kill -KILL "$pid" 2>/dev/null
    sleep 0.5
    rm -f "$file"
}

net_write_ganesha_conf() {
    local work=$1 name=$2 versions=$3 dir protocols
    dir=$(net_dir "$work" "$name")
    protocols=$(echo "$versions" | tr -s ' ' '\n' | grep . | paste -sd, | sed 's/,/, /g')
    cat >"$dir/ganesha.conf" <<EOF
# nfs-ganesha for the vm scenario $name (tests/vm/net.sh)
NFS_CORE_PARAM {
    Protocols = $protocols;
    # NFSv3 MOUNT requests name the pseudo path (/export), not the real one.
    mount_path_pseudo = true;
    Enable_NLM = false;
    Enable_RQUOTA = false;
}
NFSv4 {
    RecoveryRoot = $dir/ganesha-recovery;
    # No 90 s grace period before the first OPEN.
    Graceless = true;
    # Not 4.2: ganesha 4.3's 4.2 is incomplete, and Linux 6.12's client
    # over 4.2 got EIO from it after some MB of a dump
    # (tests/vm/NFS-FINDINGS.txt). 4.0 and 4.1 are what it does well.
    Minor_Versions = 0, 1;
}
EXPORT {
    Export_Id = 1;
    Path = $work/$name.export;
    Pseudo = /export;
    Protocols = $protocols;
    Transports = TCP;
    Access_Type = RW;
    Squash = No_Root_Squash;
    SecType = sys;
    FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
EOF
}

# rpcbind and ganesha share a mount namespace of their own in which a
# per-scenario directory is /run: rpcbind's socket and lock
# (/run/rpcbind.sock, /run/rpcbind.lock, /run/rpcbind/), through which
# ganesha registers, and ganesha's /run/ganesha never meet another
# scenario's.
net_start_nfs() {
    local work=$1 name=$2 versions=$3 dir ns
    dir=$(net_dir "$work" "$name")
    ns=$(net_ns "$work" "$name")
    mkdir -p "$dir/run" "$dir/ganesha-recovery" "$work/$name.export"
    chmod 0755 "$dir/run"
    net_write_ganesha_conf "$work" "$name" "$versions"
    # shellcheck disable=SC2016 # expanded by the inner shell
    ip netns exec "$ns" unshare --mount --propagation private setsid -w bash -c '
        dir=$1
        mount --bind "$dir/run" /run || exit 1
        mkdir -p /run/rpcbind /run/ganesha
        chown _rpc /run/rpcbind 2>/dev/null
        rpcbind -w -f </dev/null >>"$dir/rpcbind.log" 2>&1 &
        echo $! >"$dir/rpcbind.pid"
        for _ in $(seq 50); do [ -S /run/rpcbind.sock ] && break; sleep 0.1; done
        [ -S /run/rpcbind.sock ] || { echo "rpcbind did not start" >&2; exit 1; }
        exec ganesha.nfsd -f "$dir/ganesha.conf" -L "$dir/ganesha.log" -p "$dir/ganesha.pid"
    ' net-nfs "$dir" </dev/null >>"$dir/nfs-start.log" 2>&1 || {
        net_log "$name: rpcbind/ganesha did not start:"; tail -n 5 "$dir/nfs-start.log" >&2; return 1; }
    if ! net_wait_listen "$ns" 2049 30; then
        net_log "$name: ganesha does not listen on 2049; last lines of its log:"
        tail -n 10 "$dir/ganesha.log" >&2
        return 1
    fi
    if [[ " $versions " == *" 3 "* ]]; then
        local i
        for ((i = 0; i < 50; i++)); do
            ip netns exec "$ns" rpcinfo -p 127.0.0.1 2>/dev/null | grep -q mountd && return 0
            sleep 0.2
        done
        net_log "$name: ganesha's MOUNT service is not registered with rpcbind"
        return 1
    fi
}

net_stop_nfs() {
    local work=$1 name=$2 dir ns
    dir=$(net_dir "$work" "$name")
    ns=$(net_ns "$work" "$name")
    net_kill_pidfile "$dir/ganesha.pid" 20 "$ns"
    net_kill_pidfile "$dir/rpcbind.pid" 10 "$ns"
    [ -z "$(ip netns exec "$ns" ss -Hltn 'sport = :2049' 2>/dev/null)" ]
}

net_make_host_keys() {
    local dir=$1 name=$2 t
    for t in ed25519 ecdsa; do
        rm -f "$dir/ssh_host_${t}_key" "$dir/ssh_host_${t}_key.pub"
        ssh-keygen -q -t "$t" -N '' -C "kdumpd-vmtest $name host" -f "$dir/ssh_host_${t}_key" </dev/null || return 1
    done
}

# sshd runs in a mount namespace of its own where the dump user's home and
# $NET_SSH_ROOT are this scenario's directories: the authorized keys and
# the dumps of two scenarios (or two runs) never meet.
net_start_sshd() {
    local work=$1 name=$2 dir ns
    dir=$(net_dir "$work" "$name")
    ns=$(net_ns "$work" "$name")
    # sshd's privilege separation directory (made by its init script normally).
    install -d -m 0755 /run/sshd
    # shellcheck disable=SC2016 # expanded by the inner shell
    ip netns exec "$ns" unshare --mount --propagation private setsid -w bash -c '
        dir=$1 home=$2 root=$3
        mount --bind "$dir/home" "$home" || exit 1
        mount --bind "$dir/sshroot" "$root" || exit 1
        exec /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
    ' net-sshd "$dir" "$NET_USER_HOME" "$NET_SSH_ROOT" </dev/null >>"$dir/sshd-start.log" 2>&1 || {
        net_log "$name: sshd did not start:"; tail -n 5 "$dir/sshd-start.log" "$dir/sshd.log" >&2; return 1; }
    net_wait_listen "$ns" 22 30 || { net_log "$name: sshd does not listen on 22"; tail -n 5 "$dir/sshd.log" >&2; return 1; }
}

net_setup_sshd() {
    local work=$1 name=$2 dir
    dir=$(net_dir "$work" "$name")
    net_ensure_user || { net_log "could not create the user $NET_USER"; return 1; }
    net_make_host_keys "$dir" "$name" || return 1
    # The dump user's home as the server sees it: the admin key only;
    # `kdumpctl propagate` in the guest adds the kdump key.
    install -d -o "$NET_USER" -m 0700 "$dir/home" "$dir/home/.ssh"
    install -o "$NET_USER" -m 0600 "$work/admin_ed25519.pub" "$dir/home/.ssh/authorized_keys"
    # The ssh dump path, $NET_SSH_ROOT/NAME for the server.
    install -d -o "$NET_USER" -m 0700 "$dir/sshroot" "$dir/sshroot/$name"
    cat >"$dir/sshd_config" <<EOF
# sshd for the vm scenario $name (tests/vm/net.sh)
ListenAddress $NET_SERVER:22
ListenAddress [$NET_SERVER6]:22
HostKey $dir/ssh_host_ed25519_key
HostKey $dir/ssh_host_ecdsa_key
PidFile $dir/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $NET_USER
# The home is this scenario's $dir/home (bind-mounted by net.sh).
AuthorizedKeysFile $NET_USER_HOME/.ssh/authorized_keys
StrictModes no
UsePAM no
PrintMotd no
LogLevel VERBOSE
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
    net_start_sshd "$work" "$name"
}

# The host action of ssh-bad-hostkey: the server gets new host keys.
net_rotate_ssh_hostkey() {
    local work=$1 name=$2 dir ns
    dir=$(net_dir "$work" "$name")
    ns=$(net_ns "$work" "$name")
    net_kill_pidfile "$dir/sshd.pid" 10 "$ns"
    net_make_host_keys "$dir" "$name" || return 1
    net_start_sshd "$work" "$name" || return 1
    echo "new host key: $(ssh-keygen -l -f "$dir/ssh_host_ed25519_key.pub")"
}

# The host action of ssh-stalled: the dump server stops reading in the
# middle of the dump. The dump user's remote `cat > …/vmcore-incomplete` is
# stopped (SIGSTOP) once it has written something; sshd runs on and answers
# dbclient's keepalives, as a server whose disk hangs would. Waits up to
# 120 s for that cat; teardown kills it.
net_stall_ssh_dump() {
    local work=$1 name=$2 ns pid out i
    ns=$(net_ns "$work" "$name")
    for ((i = 0; i < 1200; i++)); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = cat ] || continue
            [ "$(stat -c %U "/proc/$pid" 2>/dev/null)" = "$NET_USER" ] || continue
            out=$(readlink "/proc/$pid/fd/1" 2>/dev/null)
            [[ $out == */vmcore-incomplete ]] || continue
            [ -s "/proc/$pid/fd/1" ] || continue
            kill -STOP "$pid" || return 1
            echo "stopped the server's cat (pid $pid) at $(stat -L -c %s "/proc/$pid/fd/1") bytes of $out"
            return 0
        done
        sleep 0.1
    done
    echo "no cat of $NET_USER wrote a vmcore-incomplete in $ns within 120 s"
    return 1
}

# Everything a network scenario needs, before its first boot. Reads the
# scenario's NFS_VERSIONS ("" for none, "3", "4", "3 4") and NFS_MKDIRS
# (directories to make in the export beforehand).
net_setup() {
    local work=$1 name=$2 dir ns d
    dir=$(net_dir "$work" "$name")
    ns="kdvm-$name-$$"
    mkdir -p "$dir" "$work/$name.export"
    echo "$ns" >"$dir/ns"
    echo "$name" >>"$work/net-scenarios"
    net_admin_key "$work" || return 1
    ip netns add "$ns" || return 1
    ip -n "$ns" link set lo up &&
        ip -n "$ns" tuntap add dev tap0 mode tap &&
        ip -n "$ns" link set tap0 address "$NET_SERVER_MAC" &&
        ip -n "$ns" addr add "$NET_SERVER/24" dev tap0 &&
        ip -n "$ns" addr add "$NET_SERVER6/64" dev tap0 nodad &&
        ip -n "$ns" link set tap0 up || return 1
    net_layout_setup "$work" "$name" "$ns" || return 1
    for d in "${NFS_MKDIRS[@]}"; do
        install -d "$work/$name.export/${d#/}" || return 1
    done
    if [ -n "${NFS_VERSIONS:-}" ]; then
        net_start_nfs "$work" "$name" "$NFS_VERSIONS" || return 1
    fi
    net_setup_sshd "$work" "$name" || return 1
    net_log "$name: namespace $ns up: ${NFS_VERSIONS:+NFSv${NFS_VERSIONS// /+v} and }sshd on $NET_SERVER"
}

# Stops what net_setup started and removes the namespace; safe to call
# twice and after a half-done setup. Fails when something would not go.
net_teardown() {
    local work=$1 name=$2 dir ns pid ok=0
    dir=$(net_dir "$work" "$name")
    ns=$(net_ns "$work" "$name")
    [ -n "$ns" ] || return 0
    if ip netns list | awk '{print $1}' | grep -qx "$ns"; then
        net_kill_pidfile "$dir/ganesha.pid" 20 "$ns"
        net_kill_pidfile "$dir/sshd.pid" 10 "$ns"
        net_kill_pidfile "$dir/rpcbind.pid" 10 "$ns"
        # Anything else still in our namespace is ours too (a QEMU whose
        # suite was interrupted, an sshd session).
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            net_log "$name: process $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) still in $ns; killing it"
            kill -KILL "$pid" 2>/dev/null
        done
        sleep 0.2
        if [ -n "$(ip netns pids "$ns" 2>/dev/null)" ]; then
            net_log "$name: processes left in $ns: $(ip netns pids "$ns" | tr '\n' ' ')"
            ok=1
        fi
        ip netns del "$ns" || ok=1
    fi
    rm -rf "${dir:?}/sshroot/$name" "$dir/run"
    rm -f "$dir/ns"
    return $ok
}

# For an EXIT trap: tears down every network scenario of this work dir.
net_teardown_all() {
    local work=$1 name
    [ -f "$work/net-scenarios" ] || return 0
    sort -u "$work/net-scenarios" | while read -r name; do
        net_teardown "$work" "$name"
    done
}

# What QEMU gets instead of "-net none" (run inside the namespace).
# shellcheck disable=SC2034
NET_QEMU_ARGS=(-netdev "tap,id=n0,ifname=tap0,script=no,downscript=no"
               -device "virtio-net-pci,netdev=n0,mac=$NET_GUEST_MAC")

# Prints "MODE" of a file on the host ("700", "600") or nothing.
net_mode() { stat -c %a "$1" 2>/dev/null; }

# The newest dump directory GUESTIP-YYYY-MM-DD-HH:MM:SS under $1 (the
# guest's IPv6 address when the scenario sets DUMP_HOST to it).
net_find_dump_dir() {
    local d found='' host=${DUMP_HOST:-$NET_GUEST}
    for d in "$1"/*/; do
        d=${d%/}
        [[ ${d##*/} =~ ^${host//./\\.}-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] && found=$d
    done
    [ -n "$found" ] && echo "$found"
}

# Checks the dump a network scenario left on the host: CHECK=nfs (in the
# export), CHECK=ssh (in the dump user's tree, flattened), or, with
# EXPECT_NO_DUMP=yes, that there is none anywhere.
net_check_dump() {
    local work=$1 name=$2 check=$3 dumpdir=$4 ok=0 dir base out f
    dir=$(net_dir "$work" "$name")
    out=$work/$name.dump
    mkdir -p "$out"
    if [ "${EXPECT_NO_DUMP:-no}" = yes ]; then
        local found
        found=$(find "$work/$name.export" "$dir/sshroot" \( -name vmcore -o -name vmcore.flat \) 2>/dev/null)
        if [ -z "$found" ]; then
            echo "ok: no vmcore was written (export and ssh dump tree)"
        else
            echo "not ok: a vmcore was written although the target was gone:"
            awk '{print "  " $0}' <<<"$found"
            ok=1
        fi
        found=$(find "$work/$name.export" "$dir/sshroot" -name '*-incomplete' 2>/dev/null)
        [ -n "$found" ] && echo "note: left behind: $(echo "$found" | tr '\n' ' ')"
        return $ok
    fi
    case $check in
        nfs) base=$work/$name.export/${dumpdir#/} ;;
        ssh) base=$dir/sshroot/${dumpdir#"$NET_SSH_ROOT"/} ;;
        *) echo "not ok: unknown CHECK=$check"; return 1 ;;
    esac
    local d
    d=$(net_find_dump_dir "$base")
    if [ -z "$d" ]; then
        echo "not ok: no dump directory ${DUMP_HOST:-$NET_GUEST}-YYYY-MM-DD-HH:MM:SS in $dumpdir (host: $base)"
        find "$base" -maxdepth 2 2>/dev/null | sed 's/^/  /'
        return 1
    fi
    echo "dump directory: $dumpdir/$(basename "$d") (host: $d)"
    vm_expect_mode "dump directory" "$(net_mode "$d")" 700 || ok=1
    local vmcore=vmcore
    [ "$check" = ssh ] && vmcore=vmcore.flat
    for f in "$vmcore" vmcore-dmesg.txt; do
        if [ -f "$d/$f" ]; then vm_expect_mode "$f" "$(net_mode "$d/$f")" 600 || ok=1
        else echo "not ok: no $f"; ok=1; fi
    done
    if find "$d" -name '*incomplete*' | grep -q .; then
        echo "not ok: an -incomplete file was left behind"; ok=1
    fi
    cp "$d/vmcore-dmesg.txt" "$out/vmcore-dmesg.txt" 2>/dev/null
    if [ "$check" = ssh ]; then
        echo "vmcore.flat size: $(stat -c %s "$d/vmcore.flat" 2>/dev/null || echo 0) bytes"
        rm -f "$out/vmcore"
        if ! makedumpfile -R "$out/vmcore" <"$d/vmcore.flat" >"$out/reassemble.log" 2>&1; then
            echo "not ok: makedumpfile -R could not reassemble vmcore.flat"
            tail -n 5 "$out/reassemble.log" | sed 's/^/  /'
            ok=1
        fi
    else
        cp "$d/vmcore" "$out/vmcore" 2>/dev/null
    fi
    vm_check_vmcore "$out" || ok=1
    return $ok
}

# ---- Layouts beyond one NIC on one tap (issue 19) ---------------------
# NET_LAYOUT picks how the guest's NICs meet the namespace:
#   tap   one NIC on tap0 (the default, as above)
#   bond  two NICs, on tap0 and tap1, which a bridge in the namespace
#         (brns) joins; the servers' addresses are on brns
#   vlan  one NIC whose frames QEMU sends as UDP datagrams (-netdev socket)
#         to vlan-tagger, which takes VLAN $NET_VLAN_ID's off onto tap0 and
#         tags tap0's for the guest: the host kernel has no 802.1Q
# NET_DHCP="FIRST THEN": dnsmasq serves FIRST to the guest's MAC on the
# servers' link; the host action net_dhcp_renumber makes it serve THEN.
NET_GUEST_MAC2=52:54:00:12:34:58
NET_VLAN_ID=100
# The tagger's UDP port and QEMU's, on the namespace's own loopback.
NET_VLAN_PORT=10100
NET_VLAN_QEMU_PORT=10101

# The link in the namespace that carries the servers' addresses.
net_server_link() { cat "$(net_dir "$1" "$2")/server-link" 2>/dev/null || echo tap0; }

net_layout_bond() {
    local work=$1 name=$2 ns=$3
    ip -n "$ns" tuntap add dev tap1 mode tap &&
        ip -n "$ns" link add brns type bridge &&
        ip -n "$ns" link set brns address "$NET_SERVER_MAC" &&
        ip -n "$ns" addr flush dev tap0 &&
        ip -n "$ns" link set tap0 master brns &&
        ip -n "$ns" link set tap1 master brns &&
        ip -n "$ns" link set tap1 up &&
        ip -n "$ns" addr add "$NET_SERVER/24" dev brns &&
        ip -n "$ns" addr add "$NET_SERVER6/64" dev brns nodad &&
        ip -n "$ns" link set brns up || return 1
    echo brns >"$(net_dir "$work" "$name")/server-link"
    NET_QEMU_ARGS=(-netdev "tap,id=n0,ifname=tap0,script=no,downscript=no"
                   -device "virtio-net-pci,netdev=n0,mac=$NET_GUEST_MAC"
                   -netdev "tap,id=n1,ifname=tap1,script=no,downscript=no"
                   -device "virtio-net-pci,netdev=n1,mac=$NET_GUEST_MAC2")
}

net_layout_vlan() {
    local work=$1 name=$2 ns=$3 dir
    dir=$(net_dir "$work" "$name")
    cc -O2 -o "$dir/vlan-tagger" "$here/vlan-tagger.c" 2>"$dir/vlan-tagger.build.log" ||
        { net_log "$name: vlan-tagger does not build:"; cat "$dir/vlan-tagger.build.log" >&2; return 1; }
    ip netns exec "$ns" setsid "$dir/vlan-tagger" tap0 "$NET_VLAN_ID" "$NET_VLAN_PORT" "$NET_VLAN_QEMU_PORT" \
        </dev/null >>"$dir/vlan-tagger.log" 2>&1 &
    echo $! >"$dir/vlan-tagger.pid"
    NET_QEMU_ARGS=(-netdev "socket,id=n0,udp=127.0.0.1:$NET_VLAN_PORT,localaddr=127.0.0.1:$NET_VLAN_QEMU_PORT"
                   -device "virtio-net-pci,netdev=n0,mac=$NET_GUEST_MAC")
}

# dnsmasq as a DHCP server only (--port=0: no DNS), on the servers' link,
# giving $3 to the guest's MAC; its leases start empty.
net_start_dnsmasq() {
    local work=$1 name=$2 address=$3 dir ns link
    dir=$(net_dir "$work" "$name")
    ns=$(net_ns "$work" "$name")
    link=$(net_server_link "$work" "$name")
    rm -f "$dir/dnsmasq.leases"
    ip netns exec "$ns" dnsmasq -C /dev/null --port=0 --bind-interfaces --interface="$link" --except-interface=lo \
        --dhcp-range=10.213.0.50,10.213.0.99,255.255.255.0,1h --dhcp-host="$NET_GUEST_MAC,$address" \
        --dhcp-authoritative --dhcp-leasefile="$dir/dnsmasq.leases" --pid-file="$dir/dnsmasq.pid" \
        --log-dhcp --log-facility="$dir/dnsmasq.log" --user=root --group=root </dev/null ||
        { net_log "$name: dnsmasq did not start"; tail -n 5 "$dir/dnsmasq.log" >&2; return 1; }
    echo "dnsmasq on $link gives $address to $NET_GUEST_MAC"
}

# A host action: the DHCP server gives the guest another address from now on.
net_dhcp_renumber() {
    local work=$1 name=$2 dir
    dir=$(net_dir "$work" "$name")
    net_kill_pidfile "$dir/dnsmasq.pid" 10 "$(net_ns "$work" "$name")"
    net_start_dnsmasq "$work" "$name" "${NET_DHCP#* }"
}

# A host action: the guest's first NIC (a bond's primary slave) loses its link.
net_cut_first_nic() {
    vm_set_link "$1" "$2" off && echo "set_link n0 off"
}

# Called by net_setup once tap0 exists, before the servers start.
net_layout_setup() {
    local work=$1 name=$2 ns=$3
    case ${NET_LAYOUT:-tap} in
        tap) ;;
        bond) net_layout_bond "$work" "$name" "$ns" || return 1 ;;
        vlan) net_layout_vlan "$work" "$name" "$ns" || return 1 ;;
        *) net_log "$name: unknown NET_LAYOUT=$NET_LAYOUT"; return 1 ;;
    esac
    if [ -n "${NET_DHCP:-}" ]; then
        net_start_dnsmasq "$work" "$name" "${NET_DHCP%% *}" >&2 || return 1
    fi
}

# The guest's own systemd-networkd files of a scenario (NET_NETWORKD, file
# names under scenarios/) written into the disk image $1 in place of the
# default one, and the addresses the test driver waits for (NET_GUEST_WAIT).
net_guest_networkd_install() {
    local disk=$1 f cmds
    cmds="rm /etc/systemd/network/50-kdumpd-vmtest.network"$'\n'
    for f in "${NET_NETWORKD[@]}"; do
        [ -f "$here/scenarios/$f" ] || { echo "no scenarios/$f"; return 1; }
        cmds+="write $here/scenarios/$f /etc/systemd/network/$f"$'\n'
    done
    if [ -n "${NET_GUEST_WAIT:-}" ]; then
        printf '%s\n' "$NET_GUEST_WAIT" >"$disk.net-wait"
        cmds+="write $disk.net-wait /usr/local/lib/kdumpd-vmtest/net-wait"$'\n'
    fi
    debugfs -w -f - "$disk" <<<"$cmds"
    for f in "${NET_NETWORKD[@]}"; do
        debugfs -R "stat /etc/systemd/network/$f" "$disk" 2>/dev/null | grep -q 'Type: regular' ||
            { echo "$f is not in the guest's disk"; return 1; }
    done
}
