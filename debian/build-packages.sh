#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds kdumpd's .deb for Debian 12 (bookworm) and Debian 13 (trixie),
# each in a chroot of that release (its own compiler, libraries, debhelper
# and lintian: a package for 13 is built on 13), checks each with that
# release's lintian, and prints one line per release on standard output:
#
#   12 /var/cache/kdumpd-deb/bookworm/0.1-KEY/kdumpd_0.1_amd64.deb
#   13 /var/cache/kdumpd-deb/trixie/0.1-KEY/kdumpd_0.1_amd64.deb
#
# usage: debian/build-packages.sh [--release 12|13]... [--version VERSION]
#   --release   only these releases (default: both)
#   --version   the package's version instead of debian/changelog's, e.g. a
#               lower one for an upgrade test ("0.0.1"; a native version:
#               no "-")
#
# As root, on Debian (12 or later): installs debootstrap when missing.
# Cached and idempotent: each chroot is made once with debootstrap from
# this machine's own Debian mirror (the first "deb" source of its apt
# configuration that is not a security one; KDUMPD_DEB_MIRROR overrides),
# or copied from KDUMPD_DEB_CHROOT_FROM_<codename> (a Debian tree of that
# release, such as the vm suite's guest) when that is set,
# under /var/tmp/kdumpd-CODENAME-chroot (KDUMPD_DEB_CHROOTS overrides the
# directory). A .deb is kept under /var/cache/kdumpd-deb/CODENAME/VERSION-KEY/
# (KDUMPD_DEB_CACHE overrides), KEY a hash of the source tree (git's
# tracked and untracked, not ignored, files), the version and the chroot:
# the same tree and version are built once, and the last build of each
# version is kept. The build log, the lintian output and the .changes are
# kept beside each .deb. Progress goes to standard error; the build
# itself runs as nobody, under nice -n 10.
set -euo pipefail

src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
chroots=${KDUMPD_DEB_CHROOTS:-/var/tmp}
cache=${KDUMPD_DEB_CACHE:-/var/cache/kdumpd-deb}
version=
releases=()

die() { echo "build-packages: $*" >&2; exit 1; }
say() { echo "build-packages: $*" >&2; }

while [ $# -gt 0 ]; do
    case $1 in
    --release) [ $# -ge 2 ] || die "--release needs 12 or 13"; releases+=("$2"); shift 2 ;;
    --release=*) releases+=("${1#*=}"); shift ;;
    --version) [ $# -ge 2 ] || die "--version needs a version"; version=$2; shift 2 ;;
    --version=*) version=${1#*=}; shift ;;
    -h | --help) sed -n '3,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument \"$1\" (see --help)" ;;
    esac
done
[ ${#releases[@]} -gt 0 ] || releases=(12 13)
for r in "${releases[@]}"; do
    case $r in 12 | 13) ;; *) die "release \"$r\": 12 or 13" ;; esac
done
if [ -n "$version" ] && ! [[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]]; then
    die "version \"$version\": a native version, digits first, then letters, digits, \".+~\""
fi
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot)"
[ -f "$src/debian/changelog" ] || die "no debian/changelog under $src"

codename() { case $1 in 12) echo bookworm ;; 13) echo trixie ;; esac; }

# The host's Debian mirror, from its apt sources (one-line and deb822).
host_mirror() {
    if [ -n "${KDUMPD_DEB_MIRROR:-}" ]; then
        echo "$KDUMPD_DEB_MIRROR"
        return
    fi
    local f m
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        m=$(awk '$1 == "deb" {
                    i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                    if ($(i + 1) !~ /security/ && $i !~ /security/) { print $i; exit }
                }' "$f")
        [ -n "$m" ] && { echo "$m"; return; }
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        m=$(awk 'BEGIN { RS = ""; FS = "\n" }
                 {
                     types = uris = suites = ""
                     for (i = 1; i <= NF; i++) {
                         if ($i ~ /^Types:/) types = $i
                         else if ($i ~ /^URIs:/) uris = $i
                         else if ($i ~ /^Suites:/) suites = $i
                     }
                     if (types ~ /[ \t]deb([ \t]|$)/ && uris != "" && suites !~ /security/ && uris !~ /security/) {
                         split(uris, u, /[ \t]+/); print u[2]; exit
                     }
                 }' "$f")
        [ -n "$m" ] && { echo "$m"; return; }
    done
    die "found no Debian mirror in /etc/apt/sources.list*; set KDUMPD_DEB_MIRROR"
}

mounted=()
unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
    done
    mounted=()
}
trap unmount_all EXIT
# /proc for apt, the build and its tests; the host's resolver for apt.
mount_proc() {
    cp -L /etc/resolv.conf "$1/etc/resolv.conf" 2>/dev/null || true
    mountpoint -q "$1/proc" && return 0
    mount -t proc proc "$1/proc"
    mounted+=("$1/proc")
}

ensure_host_tools() {
    command -v debootstrap >/dev/null && return 0
    say "installing debootstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2 ||
        { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2; }
}

# The chroot of release $1 (codename $2), made once. Its tools: what
# building any Debian package takes; kdumpd's own build-dependencies are
# installed for each build (apt-get build-dep) from debian/control.
ensure_chroot() {
    local rel=$1 code=$2 dir=$chroots/kdumpd-$2-chroot mirror from_var from
    [ -e "$dir/.kdumpd-chroot-ready" ] && return 0
    rm -rf "$dir.partial"
    # A tree of that release to start from (the vm suite's guest): a copy
    # instead of a second debootstrap.
    from_var=KDUMPD_DEB_CHROOT_FROM_$code
    from=${!from_var:-}
    if [ -n "$from" ] && [ -x "$from/usr/bin/apt-get" ]; then
        say "making the Debian $rel chroot $dir from a copy of $from"
        cp -a "$from" "$dir.partial"
        rm -f "$dir.partial/etc/systemd/system/multi-user.target.wants/"*
    else
        ensure_host_tools
        mirror=$(host_mirror)
        say "making the Debian $rel chroot $dir from $mirror (a few minutes, once)"
        nice -n 10 debootstrap --variant=minbase "$code" "$dir.partial" "$mirror" >&2
    fi
    # nothing installed there starts a service on this machine
    printf '#!/bin/sh\nexit 101\n' >"$dir.partial/usr/sbin/policy-rc.d"
    chmod 0755 "$dir.partial/usr/sbin/policy-rc.d"
    mount_proc "$dir.partial"
    DEBIAN_FRONTEND=noninteractive nice -n 10 chroot "$dir.partial" \
        apt-get install -y -q --no-install-recommends build-essential debhelper dpkg-dev fakeroot lintian >&2
    chroot "$dir.partial" apt-get clean
    unmount_all
    date -u +%Y-%m-%dT%H:%M:%SZ >"$dir.partial/.kdumpd-chroot-ready"
    mv "$dir.partial" "$dir"
}

# The files' time: the changelog's (debhelper clamps newer ones to it;
# older ones would be "ancient files" to lintian). The same tree gives the
# same stream, and the same hash.
stamp=$(date -d "$(sed -n 's/^ -- .*>  //p' "$src/debian/changelog" | head -n 1)" +%s) ||
    die "cannot read the date of debian/changelog's first entry"

# The source tree as a tar stream: git's files when it is a checkout
# (tracked and untracked, not ignored; build directories are ignored),
# else everything but build* and .git.
source_tar() {
    if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$src" && git ls-files -z -co --exclude-standard |
            while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
            LC_ALL=C sort -z |
            tar --null --no-recursion --sort=name --mtime="@$stamp" --owner=0 --group=0 --numeric-owner -cf - -T -)
    else
        (cd "$src" && find . -mindepth 1 \( -name .git -o -path './build*' -o -path './obj-*' \) -prune -o -print0 |
            LC_ALL=C sort -z |
            tar --null --no-recursion --sort=name --mtime="@$stamp" --owner=0 --group=0 --numeric-owner -cf - -T -)
    fi
}

tmp=$(mktemp -d)
trap 'unmount_all; rm -rf "$tmp"' EXIT
source_tar >"$tmp/src.tar"
tree_hash=$(sha256sum <"$tmp/src.tar" | cut -c1-16)
pkgversion=${version:-$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$src/debian/changelog")}
[ -n "$pkgversion" ] || die "cannot read the version from debian/changelog"

build_one() {
    local rel=$1 code dir key out work deb lock
    code=$(codename "$rel")
    dir=$chroots/kdumpd-$code-chroot
    exec {lock}>"$chroots/kdumpd-$code-chroot.lock"
    flock "$lock"
    ensure_chroot "$rel" "$code"
    key=$(printf '%s %s %s\n' "$tree_hash" "$pkgversion" "$(cat "$dir/.kdumpd-chroot-ready")" | sha256sum | cut -c1-16)
    out=$cache/$code/$pkgversion-$key
    deb=$out/kdumpd_${pkgversion}_amd64.deb
    if [ -s "$deb" ] && [ -e "$out/done" ]; then
        say "Debian $rel: $deb is current"
        echo "$rel $deb"
        exec {lock}>&-
        return 0
    fi

    say "Debian $rel: building kdumpd $pkgversion in $dir"
    work=/build/kdumpd-$key
    rm -rf "$dir$work"
    mkdir -p "$dir$work/kdumpd"
    tar -C "$dir$work/kdumpd" -xf "$tmp/src.tar"
    if [ -n "$version" ]; then
        sed -i "1s/^\([^ ]*\) ([^)]*)/\1 ($version)/" "$dir$work/kdumpd/debian/changelog"
    fi
    # the build runs as nobody: no root needed, none given
    chown -R 65534:65534 "$dir$work"
    mount_proc "$dir"
    if ! DEBIAN_FRONTEND=noninteractive nice -n 10 chroot "$dir" \
        sh -c "cd $work/kdumpd && apt-get build-dep -y -q ./" >"$tmp/build-dep.log" 2>&1; then
        # the package lists may be older than what they name: once more, updated
        DEBIAN_FRONTEND=noninteractive nice -n 10 chroot "$dir" \
            sh -c "apt-get update -q && cd $work/kdumpd && apt-get build-dep -y -q ./" >"$tmp/build-dep.log" 2>&1 ||
            { cat "$tmp/build-dep.log" >&2; die "Debian $rel: apt-get build-dep failed"; }
    fi
    chroot "$dir" apt-get clean
    if ! nice -n 10 chroot --userspec=65534:65534 "$dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work" LC_ALL=C.UTF-8 \
        DEB_BUILD_OPTIONS="parallel=$(nproc)${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
        sh -c "cd $work/kdumpd && dpkg-buildpackage -us -uc -b" >"$tmp/build.log" 2>&1; then
        unmount_all
        mkdir -p "$cache/$code"
        cp "$tmp/build.log" "$cache/$code/failed-build.log"
        tail -n 60 "$tmp/build.log" >&2
        die "Debian $rel: dpkg-buildpackage failed (the whole log: $cache/$code/failed-build.log)"
    fi
    # lintian of that release: no error, no warning that is not overridden
    # (debian/kdumpd.lintian-overrides says why for each)
    local changes=kdumpd_${pkgversion}_amd64.changes rc=0
    nice -n 10 chroot --userspec=65534:65534 "$dir" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work" LC_ALL=C.UTF-8 \
        sh -c "cd $work && lintian --fail-on error,warning --display-info --show-overrides $changes" \
        >"$tmp/lintian.txt" 2>&1 || rc=$?
    unmount_all

    rm -rf "$out"
    mkdir -p "$out"
    cp "$dir$work/kdumpd_${pkgversion}_amd64.deb" "$dir$work/$changes" "$dir$work/kdumpd_${pkgversion}_amd64.buildinfo" "$out/"
    cp "$tmp/build.log" "$tmp/lintian.txt" "$out/"
    rm -rf "${dir:?}$work"
    if [ $rc -ne 0 ]; then
        cat "$out/lintian.txt" >&2
        die "Debian $rel: lintian found errors or warnings ($out/lintian.txt)"
    fi
    touch "$out/done"
    # older builds of this version: one .deb per release and version is kept
    find "$cache/$code" -mindepth 1 -maxdepth 1 -name "$pkgversion-*" ! -name "$pkgversion-$key" -exec rm -rf {} +
    rm -f "$cache/$code/failed-build.log"
    say "Debian $rel: built $deb (lintian: $out/lintian.txt)"
    echo "$rel $deb"
    exec {lock}>&-
}

for r in "${releases[@]}"; do
    build_one "$r"
done
