# shellcheck shell=bash
# shellcheck disable=SC2154 # $here and $top are set by the sourcing script
# The vm suite's pieces: tools, the cached guest image, our build installed
# into a guest disk that every scenario of a run shares; booting
# (boot.sh), checking (checks.sh), one scenario (scenario.sh) and the
# network servers (net.sh). Sourced by run-suite.sh, tools/crash-demo and
# bench/run.sh; expects $here (tests/vm) and $top (the source tree).
# tests/vm/README.md describes the whole.

VM_CACHE=${KDUMPD_VM_CACHE:-/var/cache/kdumpd-vm}
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
        flock 9 || exit 1
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

# Builds our tree (a build directory kept per source tree), installs it
# into a stage, and makes the guest disk from the cached guest, the stage
# and the test driver. The disk (and the profiles saved from it) is shared
# by every run whose inputs are the same: keyed by the stage's and the
# test files' content, the guest image and how the disk is made. Links
# WORK/disk.raw and the admin's key pair into WORK.
vm_install_build() {
    local base=$1 work=$2 build key dir
    mkdir -p "$VM_SETUP"
    build=$VM_SETUP/build-$(echo "$top" | sha256sum | cut -c1-12)
    dir=$( {
        flock 9 || exit 1
        vm_log "building kdumpd and installing it into the guest"
        if [ ! -f "$build/build.ninja" ]; then
            meson setup "$build" "$top" --prefix=/usr --buildtype=debugoptimized -Dtests=false \
                >"$build.setup.log" 2>&1 || { tail -n 30 "$build.setup.log" >&2; exit 1; }
        fi
        ninja -C "$build" >"$build.ninja.log" 2>&1 || { vm_log "build failed:"; tail -n 30 "$build.ninja.log" >&2; exit 1; }
        rm -rf "$build.stage"
        DESTDIR="$build.stage" meson install -C "$build" --no-rebuild >"$build.install.log" 2>&1 ||
            { vm_log "install failed:"; tail -n 30 "$build.install.log" >&2; exit 1; }
        # The guest is merged-/usr (/lib -> usr/lib): fold what pkg-config put
        # under /lib (systemd's unit dir on Debian 12) into /usr.
        local d
        for d in lib bin sbin; do
            if [ -d "$build.stage/$d" ] && [ ! -L "$build.stage/$d" ]; then
                mkdir -p "$build.stage/usr/$d"
                cp -a "$build.stage/$d/." "$build.stage/usr/$d/" && rm -rf "${build:?}.stage/$d"
            fi
        done
        key=$( {
            (cd "$build.stage" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
            (cd "$here" && find guest scenarios -type f -print0 | sort -z | xargs -0 sha256sum)
            declare -f vm_make_disk net_guest_networkd_config
            basename "$base"
        } | sha256sum | cut -c1-16)
        dir=$VM_SETUP/disk-$key
        if [ ! -e "$dir/complete" ]; then
            rm -rf "$dir"
            mkdir -p "$dir"
            vm_make_disk "$base" "$build.stage" "$dir/disk.raw" >&2 || exit 1
            chmod 0444 "$dir/disk.raw"
            touch "$dir/complete"
        fi
        touch "$dir"
        # Disks of other trees and older builds: gone after a day unused.
        find "$VM_SETUP" -mindepth 1 -maxdepth 1 -name 'disk-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null
        echo "$dir"
    } 9>"$VM_SETUP/.lock" ) || return 1
    [ -d "$dir" ] || return 1
    ln -sfn "$dir/disk.raw" "$work/disk.raw"
    ln -sfn "$dir/admin_ed25519" "$work/admin_ed25519"
    ln -sfn "$dir/admin_ed25519.pub" "$work/admin_ed25519.pub"
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
