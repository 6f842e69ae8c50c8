#!/usr/bin/env bash
# Installs what building kdumpd and running its tests need on Debian 12 or
# 13 (the release from /etc/os-release). Does nothing when everything is
# there already.
set -euo pipefail

# systemd.pc (systemdsystemunitdir): in systemd on Debian 12, in
# systemd-dev from Debian 13 (systemd 253) on.
release=
[ -r /etc/os-release ] && release=$(. /etc/os-release && echo "${ID:-}:${VERSION_ID:-}:${VERSION_CODENAME:-}")
case $release in
debian:12:* | *:bookworm) systemd_pc=systemd ;;
debian:*) systemd_pc=systemd-dev ;; # 13 and later, testing/unstable (no VERSION_ID)
*)
    echo "install-deps: not Debian ($release); taking Debian 13's package names" >&2
    systemd_pc=systemd-dev
    ;;
esac

packages=(
    # build
    gcc meson ninja-build pkg-config
    libsystemd-dev libconfuse-dev libmount-dev libblkid-dev libkmod-dev liblzma-dev libgcrypt20-dev
    systemd "$systemd_pc" dracut-core makedumpfile
    # the vm suite: a Debian guest under QEMU, read back without mounting
    qemu-system-x86 qemu-utils debootstrap e2fsprogs util-linux socat
    # kdumpctl list --json as a guest printed it, parsed on the host (history)
    python3
    # .ko.zst and .ko.gz modules (the loader decompresses what the kernel cannot;
    # the dracut module unpacks or packs them: test-module-formats)
    libzstd-dev zstd zlib1g-dev xz-utils gzip
    # its network targets: servers in a namespace per scenario (tests/vm/net.sh)
    iproute2 nfs-ganesha nfs-ganesha-vfs rpcbind openssh-server openssh-client dropbear-bin
    # DHCP for the guest (ssh-dhcp); busybox is the capture's DHCP client on the host too
    dnsmasq-base busybox
    # man pages render check, shell lint of the dracut module
    groff-base man-db shellcheck
    # the parsers' fuzzers (libFuzzer): the release's default clang
    clang libclang-rt-dev
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -q
# sshd, ganesha and rpcbind serve only inside the tests' own namespaces,
# started there by hand: keep apt from starting them on this machine.
guard=
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod 0755 /usr/sbin/policy-rc.d
    guard=/usr/sbin/policy-rc.d
fi
rc=0
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" || rc=$?
[ -n "$guard" ] && $sudo rm -f "$guard"
exit $rc
