#!/usr/bin/env bash
# The peer's guest for the benchmarks: a copy of the vm suite's Debian 12
# guest (tests/vm/image-recipe.sh) plus Debian's own
# kdump service, kdump-tools (with kexec-tools). Only bench/ uses it; the
# product's guests never carry /sbin/kexec.
#
# usage: peer-recipe.sh OUTDIR     (OUTDIR holds a copy of the base guest)
set -euo pipefail

out=${1:?usage: peer-recipe.sh OUTDIR}
rootfs=$out/rootfs
[ -d "$rootfs" ] || { echo "peer-recipe: run tests/vm/image-recipe.sh on $out first" >&2; exit 1; }

chroot "$rootfs" apt-get update -q
DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -q --no-install-recommends kdump-tools
# The bench starts it itself, as it does ours ("systemctl enable --now"),
# so that both first starts are timed the same way.
chroot "$rootfs" systemctl disable kdump-tools.service
sed -i 's/^USE_KDUMP=.*/USE_KDUMP=1/' "$rootfs/etc/default/kdump-tools"
grep -q '^USE_KDUMP=1' "$rootfs/etc/default/kdump-tools" || echo 'USE_KDUMP=1' >>"$rootfs/etc/default/kdump-tools"
rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*_Packages
