#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# modules.d/99kdump's kdump_modules_one_format on a module tree like the
# ones distributions ship (.ko, .ko.xz, .ko.zst, .ko.gz): every module
# ends .ko.xz, its contents unchanged.
# usage: test-module-formats.sh MODULE-SETUP.SH
set -u

setup=$1
failed=0
for t in xz zstd gzip; do
    command -v "$t" >/dev/null || { echo "SKIP: $t is not installed"; exit 77; }
done

# What dracut gives a module's functions; only a warning is expected here.
# shellcheck disable=SC2317 # called by the sourced module
dwarn() { echo "dwarn: $*"; }
# shellcheck disable=SC2317
derror() { echo "derror: $*"; }
# shellcheck disable=SC2317
inst_libdir_file() { return 1; }
# shellcheck source=/dev/null
source "$setup" || { echo "not ok: cannot source $setup"; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

check() {
    if [ "$2" = "$3" ]; then
        echo "ok: $1"
    else
        echo "not ok: $1"
        echo "  got:  $2"
        echo "  want: $3"
        failed=1
    fi
}

# tree DIR: one module of each format, each holding its own name, and a
# file that is no module.
tree() {
    mkdir -p "$1/kernel/fs" "$1/kernel/drivers"
    echo plain >"$1/kernel/fs/plain.ko"
    echo packed-xz | xz --check=crc32 >"$1/kernel/fs/packed-xz.ko.xz"
    echo packed-zst | zstd -q >"$1/kernel/drivers/packed-zst.ko.zst"
    echo packed-gz | gzip >"$1/kernel/drivers/packed-gz.ko.gz"
    echo modules.dep >"$1/modules.dep"
}

# listing DIR: each file's name under DIR and its unpacked contents.
listing() {
    (cd "$1" && find . -type f | sort | while read -r f; do
        case $f in
        *.xz) printf '%s %s\n' "$f" "$(xz -dc "$f")" ;;
        *) printf '%s %s\n' "$f" "$(cat "$f")" ;;
        esac
    done)
}

tree "$tmp/tree"
kdump_modules_one_format "$tmp/tree"
check "every module .ko.xz, whatever it shipped as, contents unchanged" "$(listing "$tmp/tree")" \
    "./kernel/drivers/packed-gz.ko.xz packed-gz
./kernel/drivers/packed-zst.ko.xz packed-zst
./kernel/fs/packed-xz.ko.xz packed-xz
./kernel/fs/plain.ko.xz plain
./modules.dep modules.dep"
check "CRC32, which the kernel's decoder checks" \
    "$(xz --robot -lv "$tmp/tree/kernel/fs/plain.ko.xz" | awk -F'\t' '$1 == "file" {print $7}')" "CRC32"

# A tree that is already one format is left as it is.
before=$(cd "$tmp/tree" && find . -type f -exec sha256sum {} + | sort)
kdump_modules_one_format "$tmp/tree"
check "a second pass changes nothing" "$(cd "$tmp/tree" && find . -type f -exec sha256sum {} + | sort)" "$before"

# No tree (a kernel without modules): nothing to do, no failure.
kdump_modules_one_format "$tmp/none"
check "no module tree: success" "$?" 0

exit $failed
