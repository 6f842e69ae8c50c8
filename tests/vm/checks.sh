# shellcheck shell=bash
# shellcheck disable=SC2154 # $here is set by the sourcing script
# What the vm suite checks after a boot: lines on the console, how the
# capture boot ended, and the dump read back from the guest's disk without
# mounting it. Sourced by lib.sh.

vm_expect_line() {
    local file=$1 text=$2 what=$3
    if grep -qaF "$text" "$file"; then
        echo "ok: $what"
    else
        echo "not ok: $what (no \"$text\" on the serial console)"
        return 1
    fi
}

# The value of a kdump.conf option (its last line wins), unquoted.
vm_conf_value() {
    awk -v k="$2" '{ sub(/#.*/, "") } $1 == k { v = $2 } END { gsub(/"/, "", v); print v }' "$1" 2>/dev/null
}

# Seconds between the console lines with $2 and $3 (the last of each), by
# the kernel's timestamps ("[   12.345678] ..."); nothing without them.
vm_console_seconds() {
    awk -v a="$2" -v b="$3" '
        function stamp(l) { return match(l, /^\[ *[0-9]+\.[0-9]+\]/) ? substr(l, RSTART + 1, RLENGTH - 2) + 0 : "" }
        index($0, a) { ta = stamp($0) }
        index($0, b) { tb = stamp($0) }
        END { if (ta != "" && tb != "") printf "%.1f\n", tb - ta }' "$1" 2>/dev/null
}

# What a crash boot ended with: the kernel's own line on the console and
# what QEMU did (vm_boot's end file). With -no-reboot, reboot and poweroff
# end QEMU by itself; a halted machine keeps it running.
vm_check_end() {
    local serial=$1 endf=$2 want=$3 ok=0 line other how
    case $want in
        reboot) line="reboot: Restarting system" ;;
        halt) line="reboot: System halted" ;;
        poweroff) line="reboot: Power down" ;;
        *) echo "not ok: unknown EXPECT_END=$want (reboot, halt or poweroff)"; return 1 ;;
    esac
    vm_expect_line "$serial" "$line" "the capture kernel ended with $want (\"$line\")" || ok=1
    for other in "reboot: Restarting system" "reboot: System halted" "reboot: Power down"; do
        [ "$other" = "$line" ] && continue
        if grep -qaF "$other" "$serial"; then
            echo "not ok: the console also shows \"$other\""; ok=1
        fi
    done
    how=$(cat "$endf" 2>/dev/null)
    if [ "$want" = halt ]; then
        if [ "$how" = halted ]; then
            echo "ok: QEMU still ran 3 s after the halt (halted, not powered off); the harness stopped it"
        else
            echo "not ok: a halted guest keeps QEMU running, but QEMU: ${how:-unknown}"; ok=1
        fi
    elif [ "$how" = "exited rc=0" ]; then
        echo "ok: QEMU ended by itself ($want, with -no-reboot)"
    else
        echo "not ok: after $want QEMU should end by itself; it: ${how:-unknown}"; ok=1
    fi
    return $ok
}

# Another Debian kernel than the guest's (new-kernel), of the guest's own
# release: the newest linux-image-<version>-amd64 (Debian 12 names them
# 6.1.0-N-amd64, 13 6.12.N+deb13-amd64) in the guest tree's apt
# lists with another version, downloaded once into the cache (in a copy of
# the tree's apt state, so the cached tree stays as it was). Prints the
# .deb's path.
vm_other_kernel_deb() {
    local base=$1 guest pkg dir=$VM_CACHE/debs/$VM_SUITE apt
    guest=$(ls "$base/rootfs/lib/modules" | head -n1)
    apt=(apt-get -o "Dir=$base/rootfs" -o "Dir::State::status=$base/rootfs/var/lib/dpkg/status"
         -o "Dir::Cache=$dir/apt-cache" -o "Debug::NoLocking=1")
    mkdir -p "$dir/apt-cache"
    pkg=$(apt-cache -o "Dir=$base/rootfs" -o "Dir::Cache=$dir/apt-cache" search --names-only \
        '^linux-image-[0-9.]+(-[0-9]+|\+deb[0-9]+)-amd64$' 2>/dev/null | awk '{print $1}' |
        grep -vx "linux-image-$guest" | sort -V | tail -n1)
    [ -n "$pkg" ] || { echo "vm: no other linux-image-*-amd64 than $guest in the guest's apt lists" >&2; return 1; }
    (
        flock 9
        ls "$dir/${pkg}_"*.deb >/dev/null 2>&1 && exit 0
        cd "$dir" && "${apt[@]}" download "$pkg" >&2
    ) 9>"$dir/.lock" || { echo "vm: apt-get download $pkg failed" >&2; return 1; }
    ls "$dir/${pkg}_"*.deb | sort -V | tail -n1
}

# The oops scenario's test module (tests/vm/oops-module, Debian's kernels
# have no LKDTM), built once per guest kernel against that kernel's headers
# and cached by its source: linux-headers-<release> and what it depends on
# of the kernel's own (headers common part, kbuild) from the guest tree's
# apt lists, unpacked into an overlay of the release's package build chroot
# (debian/build-packages.sh made it; its gcc is the one Debian built the
# kernel with), which stays as it was. No BTF (it needs pahole; loading
# does not). Prints the .ko's path.
vm_test_module() {
    local base=$1 kver key dir tmp pkgs=() chroot=/var/tmp/kdumpd-$VM_SUITE-chroot debs=$VM_CACHE/debs/$VM_SUITE rc
    kver=$(ls "$base/rootfs/lib/modules" | head -n1)
    key=$(cat "$here/oops-module/Kbuild" "$here/oops-module/kdumpd_test_oops.c" | sha256sum | cut -c1-12)
    dir=$VM_CACHE/modules/$kver-$key
    mkdir -p "$VM_CACHE/modules" "$debs/apt-cache"
    (
        flock 9
        [ -s "$dir/kdumpd_test_oops.ko" ] && exit 0
        [ -x "$chroot/usr/bin/make" ] || { echo "vm: no build chroot $chroot (debian/build-packages.sh makes it)" >&2; exit 1; }
        # The chroot is the lower layer: build-packages.sh must not change
        # it meanwhile (it holds this lock while it does).
        exec 8>"$chroot.lock" && flock 8 || exit 1
        mapfile -t pkgs < <(echo "linux-headers-$kver"
            apt-cache -o "Dir=$base/rootfs" -o "Dir::Cache=$debs/apt-cache" depends "linux-headers-$kver" 2>/dev/null |
                awk '$1 ~ /Depends:/ && $2 ~ /^linux-(headers|kbuild)-/ {print $2}')
        (cd "$debs" && apt-get -o "Dir=$base/rootfs" -o "Dir::State::status=$base/rootfs/var/lib/dpkg/status" \
            -o "Dir::Cache=$debs/apt-cache" -o "Debug::NoLocking=1" download "${pkgs[@]}" >&2) ||
            { echo "vm: apt-get download ${pkgs[*]} failed" >&2; exit 1; }
        tmp=$(mktemp -d "$VM_CACHE/modules/build.XXXXXX")
        mkdir -p "$tmp/upper" "$tmp/work" "$tmp/root"
        mount -t overlay overlay -o "lowerdir=$chroot,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/root" || exit 1
        for p in "${pkgs[@]}"; do dpkg-deb -x "$(ls "$debs/${p}_"*.deb | sort -V | tail -n1)" "$tmp/root"; done
        mkdir -p "$tmp/root/build"
        cp "$here/oops-module/Kbuild" "$here/oops-module/kdumpd_test_oops.c" "$tmp/root/build/"
        nice -n 10 chroot "$tmp/root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
            make -C "/usr/src/linux-headers-$kver" M=/build CONFIG_DEBUG_INFO_BTF_MODULES= modules \
            >"$VM_CACHE/modules/build-$kver-$key.log" 2>&1
        rc=$?
        mkdir -p "$dir"
        [ $rc -eq 0 ] && cp "$tmp/root/build/kdumpd_test_oops.ko" "$dir/"
        umount "$tmp/root"
        rm -rf "$tmp"
        [ $rc -eq 0 ] || { echo "vm: building the test module failed; see $VM_CACHE/modules/build-$kver-$key.log" >&2; exit 1; }
    ) 9>"$VM_CACHE/modules/.lock" || return 1
    echo "$dir/kdumpd_test_oops.ko"
}

# Copies a file out of a guest's disk (a qcow2 overlay of a bare ext4).
vm_guest_file() {
    local work=$1 name=$2 from=$3 to=$4 raw
    raw=$work/$name.extract.raw
    qemu-img convert -O raw "$work/$name.qcow2" "$raw" || return 1
    debugfs -R "dump $from $to" "$raw" >/dev/null 2>&1
    rm -f "$raw"
    [ -s "$to" ]
}

# A disk scenario that expects no dump: no vmcore in DUMP_DIR or in any
# directory under it (read without mounting). With incomplete=yes, one of
# those directories must hold vmcore-incomplete (a collector that failed
# half-way) and no vmcore.
vm_check_no_dump() {
    local work=$1 name=$2 dumpdir=$3 disk=$4 incomplete=$5 ok=0
    local raw=$work/$name.raw dirs d at files found_vmcore='' found_incomplete=''
    local under=${dumpdir%/} # "" for the filesystem's root: debugfs finds no "//x"
    qemu-img convert -O raw "$disk" "$raw" || return 1
    dirs=$(debugfs -R "ls -p ${under:-/}" "$raw" 2>/dev/null |
        awk -F/ '$3 ~ /^04/ && $6 != "." && $6 != ".." && $6 != "lost+found" {print $6}')
    for d in "" $dirs; do
        at=${d:+$under/$d}
        at=${at:-${under:-/}}
        files=$(debugfs -R "ls -p $at" "$raw" 2>/dev/null | awk -F/ '$3 ~ /^10/ {print $6}')
        [ -n "$d" ] && echo "dump directory: $at: $(echo "$files" | tr '\n' ' ')"
        grep -qx vmcore <<<"$files" && found_vmcore+=" ${at%/}/vmcore"
        if [ -n "$d" ] && grep -qx vmcore-incomplete <<<"$files" && ! grep -qx vmcore <<<"$files"; then
            found_incomplete+=" $at/vmcore-incomplete"
        fi
    done
    rm -f "$raw"
    if [ -z "$found_vmcore" ]; then
        echo "ok: no vmcore under $dumpdir"
    else
        echo "not ok: a vmcore was written:$found_vmcore"; ok=1
    fi
    if [ "$incomplete" = yes ]; then
        if [ -n "$found_incomplete" ]; then
            echo "ok: the failed dump is left as$found_incomplete"
        else
            echo "not ok: no dump directory under $dumpdir holds vmcore-incomplete without vmcore"; ok=1
        fi
    fi
    return $ok
}

# A filesystem inside a disk (an LVM volume): the guest printed where it
# lies as "VMTEST: KEY-offset=BYTES" and "VMTEST: KEY-bytes=BYTES"; copies
# it out of the disk and prints the copy's path.
vm_extract_fs() {
    local work=$1 name=$2 disk=$3 key=$4 offset bytes
    offset=$(grep -ao "VMTEST: $key-offset=[0-9]*" "$work/$name.serial" | head -n1 | cut -d= -f2)
    bytes=$(grep -ao "VMTEST: $key-bytes=[0-9]*" "$work/$name.serial" | head -n1 | cut -d= -f2)
    if [ -z "$offset" ] || [ -z "$bytes" ]; then
        echo "not ok: the guest did not say where $key lies on the disk" >&2
        return 1
    fi
    echo "$key: $bytes bytes at offset $offset of $(basename "$disk")" >&2
    dd if="$disk" of="$work/$name.fs.raw" bs=1M iflag=skip_bytes,count_bytes skip="$offset" count="$bytes" \
        conv=sparse status=none || return 1
    echo "$work/$name.fs.raw"
}

# Reads the dump back from the guest's disk without mounting it.
vm_check_dump() {
    local work=$1 name=$2 dumpdir=$3 disk=$4 ok=0
    local under=${dumpdir%/} # "" for the filesystem's root: debugfs finds no "//x"
    local out=$work/$name.dump raw=$work/$name.raw
    mkdir -p "$out"
    qemu-img convert -O raw "$disk" "$raw" || return 1
    local listing dir
    listing=$(debugfs -R "ls -p $dumpdir" "$raw" 2>/dev/null)
    dir=$(echo "$listing" | awk -F/ '$6 ~ /^127\.0\.0\.1-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ {print $3 " " $6}' | tail -n1)
    if [ -z "$dir" ]; then
        echo "not ok: no dump directory 127.0.0.1-YYYY-MM-DD-HH:MM:SS in $dumpdir"
        awk '{print "  " $0}' <<<"$listing"
        rm -f "$raw"
        return 1
    fi
    local mode=${dir%% *} d=${dir#* }
    echo "dump directory: $under/$d"
    vm_expect_mode "dump directory" "$mode" 040700 || ok=1
    local files
    files=$(debugfs -R "ls -p $under/$d" "$raw" 2>/dev/null)
    for f in vmcore vmcore-dmesg.txt; do
        local m
        m=$(echo "$files" | awk -F/ -v f="$f" '$6 == f {print $3}')
        vm_expect_mode "$f" "$m" 100600 || ok=1
    done
    if echo "$files" | awk -F/ '{print $6}' | grep -q incomplete; then
        echo "not ok: an -incomplete file was left behind"; ok=1
    fi
    debugfs -R "dump $under/$d/vmcore $out/vmcore" "$raw" >/dev/null 2>&1
    debugfs -R "dump $under/$d/vmcore-dmesg.txt $out/vmcore-dmesg.txt" "$raw" >/dev/null 2>&1
    rm -f "$raw"
    vm_check_vmcore "$out" || ok=1
    return $ok
}

# "ok"/"not ok" for a mode: debugfs's ("040700", "100600") or stat's
# ("700", "600"); the message shows the last four digits.
vm_expect_mode() {
    local what=$1 got=$2 want=$3
    if [ "$got" = "$want" ]; then
        echo "ok: $what mode 0${want: -3}"
    else
        echo "not ok: $what mode \"$got\", want $want"
        return 1
    fi
}

# The checks every saved dump gets, on copies in OUT: OUT/vmcore (ELF or
# kdump-compressed, not flattened) must hold the expected panic line
# (EXPECT_PANIC, the sysrq one unless the scenario says) in its kernel log,
# and so must OUT/vmcore-dmesg.txt.
vm_check_vmcore() {
    local out=$1 ok=0 panic=${EXPECT_PANIC:-"sysrq: Trigger a crash"}
    rm -f "$out/dmesg-from-vmcore.txt"
    echo "vmcore size: $(stat -c %s "$out/vmcore" 2>/dev/null || echo 0) bytes"
    if makedumpfile --dump-dmesg "$out/vmcore" "$out/dmesg-from-vmcore.txt" >"$out/makedumpfile.log" 2>&1 &&
        grep -qF "$panic" "$out/dmesg-from-vmcore.txt"; then
        echo "ok: makedumpfile --dump-dmesg on the vmcore shows: $(grep -m1 -F "$panic" "$out/dmesg-from-vmcore.txt")"
    else
        echo "not ok: the vmcore's kernel log lacks \"$panic\""; sed 's/^/  /' "$out/makedumpfile.log" | tail -n 5; ok=1
    fi
    if grep -qF "$panic" "$out/vmcore-dmesg.txt" 2>/dev/null; then
        echo "ok: vmcore-dmesg.txt shows the panic too"
    else
        echo "not ok: vmcore-dmesg.txt lacks \"$panic\""; ok=1
    fi
    return $ok
}
