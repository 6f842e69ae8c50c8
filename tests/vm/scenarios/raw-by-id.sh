# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# A raw target named by its /dev/disk/by-id link keeps its identity. The
# target is the third disk (serial kdumpd-raw, vdc when the image is
# built); the image must name it by serial and size. Before the crash the
# host replaces the second disk (vdb) by a new empty one without a serial,
# behind the third: the capture kernel calls the target vdb and the new
# disk vdc, the node the target had at build time. The dump must land on
# the target (restored into /var/crash on the next boot) and the new disk
# must stay all zeros. The three disks are the same size: only the
# identity tells them apart.
SCENARIO_DESC="raw /dev/disk/by-id/virtio-SERIAL: the capture finds the disk by serial after the names moved"
EXTRA_DISK_RAW=512M
EXTRA_DISK_SERIAL=kdumpd-spare
EXTRA_DISK3_RAW=512M
EXTRA_DISK3_SERIAL=kdumpd-raw
DUMP_ON_ROOT=yes
DUMP_DIR=/var/crash
HOST_ACTION=vm_replace_disk2
HOST_ACTION_MARKER="VMTEST: host-action"
EXPECT_AFTER_BOOT=yes
EXPECT_SERIAL=("VMTEST: raw-by-id-link rc=0" "VMTEST: raw-by-id-check rc=0" "VMTEST: raw-by-id-baked rc=0"
               "VMTEST: precrash: vdb is gone" "VMTEST: raw-check-node-only-warns rc=0"
               "Raw dump target SERIAL=kdumpd-raw is /dev/vdb"
               "Saved the flattened vmcore to /dev/vdb")
EXPECT_AFTER_SERIAL=("journal: Raw dump target \"SERIAL=kdumpd-raw\" is \"/dev/vdc\" now."
                     "VMTEST: raw-restored-one rc=0" "VMTEST: raw-stream-marked rc=0")
DUMP_CHECK=raw_by_id_disks

# On the host: the new disk (the target's old name in the capture kernel)
# and the disk it replaced were never written; the target holds the
# stream, marked restored by the next boot.
raw_by_id_disks() {
    local d=${1%.dump} ok=0 f size head
    for f in "$d.disk2.raw" "$d.disk2.old.raw"; do
        size=$(stat -c %s "$f" 2>/dev/null) || { echo "not ok: no $(basename "$f")"; ok=1; continue; }
        if cmp -s -n "$size" "$f" /dev/zero; then
            echo "ok: $(basename "$f") is all zeros ($size bytes)"
        else
            echo "not ok: $(basename "$f") was written: $(cmp -n "$size" "$f" /dev/zero 2>&1 | head -n1)"
            ok=1
        fi
    done
    head=$(head -c 16 "$d.disk3.raw" | tr -c '[:print:]' '.')
    if [ "$head" = kdumpd-harvested ]; then
        echo "ok: the target disk holds the restored stream"
    else
        echo "not ok: the target disk starts with \"$head\""
        ok=1
    fi
    return $ok
}
