# shellcheck shell=bash
# shellcheck disable=SC2154 # $here and $top are set by the sourcing script
# The vm suite's pieces: tools, the cached guest image, our build installed
# into a guest disk that every scenario of a run shares; booting
# (boot.sh), checking (checks.sh), one scenario (scenario.sh) and the
# network servers (net.sh). Sourced by run-suite.sh, tools/crash-demo and
# bench/run.sh; expects $here (tests/vm) and $top (the source tree).
# tests/vm/README.md describes the whole.

VM_CACHE=${KDUMPD_VM_CACHE:-/var/cache/kdumpd-vm}
# The guest's release: Debian 13 (stable) unless asked for Debian 12.
VM_DISTRO=${KDUMPD_VM_DISTRO:-debian13}
case $VM_DISTRO in
    debian12) VM_SUITE=bookworm VM_RELEASE=12 ;;
    debian13) VM_SUITE=trixie VM_RELEASE=13 ;;
    *) echo "vm: KDUMPD_VM_DISTRO=\"$VM_DISTRO\": debian12 or debian13" >&2; exit 1 ;;
esac
# Built trees, guest disks and profiles shared by the runs of one tree.
VM_SETUP=${KDUMPD_VM_SETUP:-/var/tmp/kdumpd-vm-setup}
VM_DEFAULT_CRASHKERNEL=${VM_CRASHKERNEL:-96M}
VM_DEFAULT_MEMORY=${VM_MEMORY:-1024}
VM_CRASHKERNEL=$VM_DEFAULT_CRASHKERNEL
VM_MEMORY=$VM_DEFAULT_MEMORY
VM_TIMEOUT=${VM_TIMEOUT:-1500}

vm_log() { echo "vm: $*" >&2; }

# shellcheck source-path=SCRIPTDIR source=net.sh
source "$here/net.sh"
# shellcheck source-path=SCRIPTDIR source=boot.sh
source "$here/boot.sh"
# shellcheck source-path=SCRIPTDIR source=checks.sh
source "$here/checks.sh"
# shellcheck source-path=SCRIPTDIR source=scenario.sh
source "$here/scenario.sh"

# 0: all there; 77: skip (not CI); 1: missing in CI, which is a failure.
vm_check_tools() {
    local missing=() t
    for t in qemu-system-x86_64 qemu-img debootstrap mkfs.ext4 debugfs makedumpfile meson ninja flock socat python3; do
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
# building it with the recipe (OUTDIR and the arguments after PARENT as its
# arguments) when the recipe changed or the image is missing. With a
# parent image, the recipe runs on a copy of it. The key is the hash of the
# recipe's text, its arguments and the parent's key.
vm_cached_image() {
    local name=$1 recipe=$2 parent=${3:-} key dir
    shift 3 2>/dev/null || shift $#
    key=$( { cat "$recipe"; [ -n "$parent" ] && basename "$parent"; echo "$*"; } | sha256sum | cut -c1-16)
    dir=$VM_CACHE/$name-$key
    mkdir -p "$VM_CACHE"
    (
        flock 9 || exit 1
        if [ ! -e "$dir/complete" ]; then
            vm_log "building the guest image $dir (a few minutes)"
            rm -rf "$dir.tmp"
            mkdir -p "$dir.tmp"
            if [ -n "$parent" ]; then
                cp -a "$parent/." "$dir.tmp/" && rm -f "$dir.tmp/complete" || exit 1
            fi
            if ! bash "$recipe" "$dir.tmp" "$@" >"$VM_CACHE/build-$key.log" 2>&1; then
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
    vm_cached_image "$VM_DISTRO" "$here/image-recipe.sh" "" "$VM_SUITE"
}

# Our package for the guest's release (debian/build-packages.sh builds it
# in a chroot of that release, made once from a copy of the guest's own
# tree, and caches it by the source tree), installed into the cached guest
# with the test driver: the guest disk. The disk (and the profiles saved
# from it) is shared by every run whose inputs are the same: keyed by the
# package's and the test files' content, the guest image and how the disk
# is made. Links WORK/disk.raw and the admin's key pair into WORK.
vm_install_build() {
    local base=$1 work=$2 deb key dir
    mkdir -p "$VM_SETUP"
    vm_log "building kdumpd's package for Debian $VM_RELEASE and installing it into the guest"
    deb=$(vm_package "$base") || return 1
    dir=$( {
        flock 9 || exit 1
        key=$( {
            sha256sum "$deb" | cut -d' ' -f1
            (cd "$here" && find guest scenarios -type f -print0 | sort -z | xargs -0 sha256sum)
            declare -f vm_make_disk net_guest_networkd_config
            basename "$base"
        } | sha256sum | cut -c1-16)
        dir=$VM_SETUP/disk-$key
        if [ ! -e "$dir/complete" ]; then
            rm -rf "$dir"
            mkdir -p "$dir"
            vm_make_disk "$base" "" "$dir/disk.raw" "$deb" >&2 || exit 1
            chmod 0444 "$dir/disk.raw"
            cp "$deb" "$dir/kdumpd.deb"
            touch "$dir/complete"
        fi
        touch "$dir"
        # Disks of other trees and older builds: gone after a day unused.
        find "$VM_SETUP" -mindepth 1 -maxdepth 1 -name 'disk-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null
        echo "$dir"
    } 9>"$VM_SETUP/.lock" ) || return 1
    [ -d "$dir" ] || return 1
    ln -sfn "$dir/disk.raw" "$work/disk.raw"
    ln -sfn "$dir/kdumpd.deb" "$work/kdumpd.deb"
    ln -sfn "$dir/admin_ed25519" "$work/admin_ed25519"
    ln -sfn "$dir/admin_ed25519.pub" "$work/admin_ed25519.pub"
}

# The path of our .deb for the guest's release (VERSION: another version
# of the same tree, for an upgrade test). The build chroot starts as a
# copy of the guest's tree: no second debootstrap.
vm_package() {
    local base=$1 version=${2:-} out
    out=$(env "KDUMPD_DEB_CHROOT_FROM_$VM_SUITE=$base/rootfs" DEB_BUILD_OPTIONS=nocheck \
        "$top/debian/build-packages.sh" --release "$VM_RELEASE" ${version:+--version "$version"} \
        2>"$VM_SETUP/package-$VM_RELEASE.log") ||
        { vm_log "building the package failed:"; tail -n 30 "$VM_SETUP/package-$VM_RELEASE.log" >&2; return 1; }
    out=$(echo "$out" | awk -v r="$VM_RELEASE" '$1 == r {print $2}')
    [ -s "$out" ] || { vm_log "no package for Debian $VM_RELEASE"; return 1; }
    echo "$out"
}
# Makes a guest disk: the cached root tree, then stage (may be empty)
# on top, then the test driver.
vm_make_disk() {
    local base=$1 stage=$2 disk=$3 deb=${4:-} root
    root=$(mktemp -d "$(dirname "$disk")/root.XXXXXX") && rmdir "$root" || return 1
    if [ -n "$deb" ]; then
        # dpkg writes in place here and there: a copy of its own.
        cp -a "$base/rootfs" "$root" || return 1
        vm_install_package "$root" "$deb" || { rm -rf "$root"; return 1; }
    else
        # Hard links make the copy instant; every write below replaces
        # files (--remove-destination), so the cache is never modified
        # through them.
        cp -al "$base/rootfs" "$root" || return 1
    fi
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
    install -m 0644 "$here/guest/kdumpd-vmtest-capture-boot.service" "$root/etc/systemd/system/"
    mkdir -p "$root/etc/systemd/system/sysinit.target.wants"
    ln -sf /etc/systemd/system/kdumpd-vmtest-capture-boot.service "$root/etc/systemd/system/sysinit.target.wants/"
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

# Installs the .deb into a guest tree as dpkg does it on a machine (its
# maintainer scripts run; in a chroot they start nothing), then disables
# kdump.service again: each scenario configures kdump.conf and enables the
# service itself (package-upgrade and package-purge look at what the
# package does on its own).
vm_install_package() {
    local root=$1 deb=$2 rc
    cp "$deb" "$root/tmp/kdumpd.deb" || return 1
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d" && chmod 0755 "$root/usr/sbin/policy-rc.d"
    mount -t proc proc "$root/proc" || return 1
    cp -L /etc/resolv.conf "$root/etc/resolv.conf.vmtest" 2>/dev/null
    # apt, as an admin installs a downloaded package: a dependency the
    # guest lacks comes from the guest's own mirror.
    DEBIAN_FRONTEND=noninteractive chroot "$root" sh -c \
        'cp /etc/resolv.conf /etc/resolv.conf.saved 2>/dev/null; cp /etc/resolv.conf.vmtest /etc/resolv.conf;
         apt-get install -y -q --no-install-recommends /tmp/kdumpd.deb || { apt-get update -q && apt-get install -y -q --no-install-recommends /tmp/kdumpd.deb; }
         rc=$?; mv /etc/resolv.conf.saved /etc/resolv.conf 2>/dev/null || rm -f /etc/resolv.conf; rm -f /etc/resolv.conf.vmtest; apt-get clean; exit $rc'
    rc=$?
    umount "$root/proc"
    rm -f "$root/tmp/kdumpd.deb" "$root/usr/sbin/policy-rc.d"
    [ $rc -eq 0 ] || { vm_log "dpkg -i of $(basename "$deb") in the guest tree failed"; return 1; }
    rm -f "$root/etc/systemd/system/multi-user.target.wants/kdump.service"
}
