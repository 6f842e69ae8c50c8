#!/usr/bin/env bash
# Builds a Debian guest (12 or 13) that the vm suite crashes: a root tree made by
# debootstrap from Debian's packages, plus the kernel and a boot initrd taken
# out of it. The result is cached by the caller under a key that is the hash
# of this file, so any change here rebuilds the guest and nothing else does.
#
# usage: image-recipe.sh OUTDIR SUITE   (bookworm: Debian 12, trixie: 13)
#   OUTDIR/rootfs/        the guest's root tree
#   OUTDIR/vmlinuz        the guest kernel
#   OUTDIR/initrd.img     initramfs-tools' image that boots the root disk
set -euo pipefail

out=${1:?usage: image-recipe.sh OUTDIR SUITE}
suite=${2:?usage: image-recipe.sh OUTDIR SUITE}

# The mirror is whatever this host's apt uses, so the guest comes from the
# same place the host's packages do (no hard-coded address).
mirror=$(
    { grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
      grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}'
    } 2>/dev/null | grep -v -e security -e cloud -e nodesource | head -n1 || true
)
[ -n "$mirror" ] || { echo "image-recipe: no Debian mirror in this host's apt sources" >&2; exit 1; }

# zstd: what a Debian 12 install has with initramfs-tools (it recommends
# it, COMPRESS=zstd); lsinitrd reads kdumpd's zstd capture image with it.
packages=(
    systemd systemd-sysv udev dbus kmod procps util-linux e2fsprogs
    linux-image-amd64 initramfs-tools zstd
    dracut-core makedumpfile xz-utils
    # what kdumpd's package links (Debian 13's systemd no longer brings
    # libgcrypt)
    libconfuse2 libsystemd0 libmount1 libblkid1 libkmod2 libgcrypt20 liblzma5 libzstd1 zlib1g
    # network targets: the address of the guest (ip), kdumpctl propagate
    # (ssh, ssh-keygen, ssh-keyscan), the capture image's ssh client (dbclient)
    iproute2 openssh-client dropbear-bin
    # LVM targets (the lvm scenario's volume group; the capture image's lvm),
    # and the small shell a "shell" failure action puts in the capture image
    lvm2 busybox
)

rootfs=$out/rootfs
rm -rf "$rootfs"
mkdir -p "$rootfs"
debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
    "$suite" "$rootfs" "$mirror"

echo kdumpd-guest >"$rootfs/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 kdumpd-guest\n' >"$rootfs/etc/hosts"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$rootfs/etc/fstab"
# No root password is needed: the tests drive the guest from a unit.
# Keep boots short and quiet: nothing waits for a network that is not there.
ln -sf /dev/null "$rootfs/etc/systemd/system/systemd-networkd-wait-online.service"
ln -sf /dev/null "$rootfs/etc/systemd/system/getty@tty1.service"
ln -sf /dev/null "$rootfs/etc/systemd/system/apt-daily.timer"
ln -sf /dev/null "$rootfs/etc/systemd/system/apt-daily-upgrade.timer"
ln -sf /dev/null "$rootfs/etc/systemd/system/e2scrub_all.timer"
ln -sf /dev/null "$rootfs/etc/systemd/system/fstrim.timer"

# The boot initrd: initramfs-tools with MODULES=most works inside a chroot
# (MODULES=dep needs a mounted /sys).
kver=$(basename "$(ls -d "$rootfs"/lib/modules/*)")
chroot "$rootfs" update-initramfs -c -k "$kver" >/dev/null
cp "$rootfs/boot/vmlinuz-$kver" "$out/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$out/initrd.img"
chmod 0644 "$out/vmlinuz" "$out/initrd.img"
echo "$kver" >"$out/kernel-version"
rm -rf "$rootfs/var/cache/apt/archives/"*.deb
