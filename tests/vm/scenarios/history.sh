# shellcheck shell=bash disable=SC2034 # sourced by lib.sh's vm_run_scenario
# Two sysrq crashes on one guest: the boot after the first capture arms
# and crashes again; the boot after the second one lists both, oldest
# first, says the signature was seen twice, and kdumpctl list --json
# parses (python3 or jq, where the guest has one).
SCENARIO_DESC="two crashes: kdumpctl list shows both in order, info says seen twice, --json parses"
DUMP_DIR=/var/crash
CRASHES=2
EXPECT_AFTER_SERIAL=("VMTEST: history-list rc=0" "VMTEST: history-info rc=0" "VMTEST: history-json rc=0"
                     "VMTEST: history-dmesg rc=0")
VM_TEST_TIMEOUT=1500
DUMP_CHECK=history_json_parses

# The guest has neither python3 nor jq: the JSON it printed on the console
# is parsed here, and must say what list says.
history_json_parses() {
    local serial=${1%.dump}.serial.after
    if grep -a 'VMTEST: json: ' "$serial" | sed 's/.*VMTEST: json: //' | tr -d '\r\n' | python3 -c '
import json, sys
l = json.loads(sys.stdin.read())
assert [e["id"] for e in l] == ["1", "2"], l
assert all(e["complete"] and not e["pstore"] and e["dump"] == "dir" and e["size"] > 0 for e in l), l
assert l[0]["signature"] and l[0]["signature"] == l[1]["signature"], l
assert l[0]["time_usec"] < l[1]["time_usec"], l
'; then
        echo "ok: kdumpctl list --json parses on the host: two complete crashes, in order, one signature"
    else
        echo "not ok: kdumpctl list --json from the guest does not parse or says otherwise"
        return 1
    fi
}
