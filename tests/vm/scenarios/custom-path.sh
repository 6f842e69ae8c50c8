# A path of the admin's choosing, another collector level, poweroff after
# the dump (final_action).
SCENARIO_DESC="path /srv/dumps, core_collector -c -d 17, final_action poweroff"
DUMP_DIR=/srv/dumps
EXPECT_AFTER_BOOT=no
DUMP_CHECK=dump_is_zlib_level_17

# makedumpfile's kdump-compressed header: "KDUMP   ", then (struct
# disk_dump_header) status at byte 424 (flag 1: zlib); the sub-header one
# block (block_size, byte 428) further holds phys_base and dump_level.
dump_is_zlib_level_17() {
    local out=$1 sig status block level
    sig=$(head -c 8 "$out/vmcore")
    status=$(od -An -t u4 -j 424 -N 4 "$out/vmcore" | tr -d ' ')
    block=$(od -An -t u4 -j 428 -N 4 "$out/vmcore" | tr -d ' ')
    level=$(od -An -t d4 -j $((block + 8)) -N 4 "$out/vmcore" | tr -d ' ')
    if [ "$sig" = "KDUMP   " ] && [ $((status & 1)) -eq 1 ] && [ "$level" = 17 ]; then
        echo "ok: the vmcore is zlib-compressed at dump level 17 (header status $status, dump_level $level)"
    else
        echo "not ok: the vmcore's header: signature \"$sig\", status ${status:-?}, dump_level ${level:-?} (want zlib, 17)"
        return 1
    fi
}
