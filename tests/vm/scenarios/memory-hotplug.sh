# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Memory hot-plugged into a running guest (a 256 MiB DIMM through QEMU's
# monitor, onlined by the kernel): this kernel (6.1) does not update the
# loaded crash kernel's ELF headers itself (no crash_hotplug), so kdumpd
# loads it again; the dump of the crash after it covers the new memory
# (its header's max_mapnr reaches past the DIMM, at 4 GiB and up).
SCENARIO_DESC="memory hot-plug re-loads the capture kernel; the dump covers the new DIMM"
DUMP_DIR=/var/crash
VM_MEMORY=1024,slots=2,maxmem=2048M
VM_EXTRA_APPEND=memhp_default_state=online
HOST_ACTION=add_dimm
EXPECT_SERIAL=("VMTEST: memory-hotplug-memory-grew rc=0" "VMTEST: memory-hotplug-covered rc=0")
DUMP_CHECK=dump_covers_dimm

add_dimm() {
    local work=$1 name=$2
    vm_monitor "$work" "$name" "object_add memory-backend-ram,id=mem1,size=256M" &&
        vm_monitor "$work" "$name" "device_add pc-dimm,id=dimm1,memdev=mem1" &&
        vm_monitor "$work" "$name" "info memory-devices"
}

# A kdump-compressed vmcore starts with a disk_dump_header: "KDUMP   ",
# version, utsname (390 bytes), timeval, then status, block_size,
# sub_hdr_size, bitmap_blocks and max_mapnr (32 bits at offset 440). The
# guest's 1 GiB ends at pfn 0x40000; the DIMM lies at 4 GiB and up.
dump_covers_dimm() {
    local out=$1 sig mapnr
    sig=$(head -c 8 "$out/vmcore")
    mapnr=$(od -An -t u4 -j 440 -N 4 "$out/vmcore" | tr -d ' ')
    if [ "$sig" = "KDUMP   " ] && [ "${mapnr:-0}" -gt $((0x100000)) ]; then
        echo "ok: the dump covers the hot-plugged memory (max_mapnr $mapnr, past 4 GiB)"
    else
        echo "not ok: the dump's max_mapnr is ${mapnr:-?} (signature \"$sig\"): the DIMM at 4 GiB is not in it"
        return 1
    fi
}
