#!/usr/bin/env bash
# Builds the kdump.conf fuzzer (fuzz-kdump-config.c beside this file) with
# clang's libFuzzer, ASan and UBSan, replays tests/fuzz/regressions/, then
# fuzzes for SECONDS in one process. Ends with "fuzz: N passed, N failed".
#
# usage: run-fuzz.sh [SECONDS] [extra libFuzzer args...]   (default 60 s)
# env:   FUZZ_BUILD_DIR   where the binary goes (default: a temp dir, removed)
#        FUZZ_CORPUS_DIR  the working corpus, kept between runs
#                         (default /var/tmp/kdumpd-fuzz-corpus)
#        FUZZ_ARTIFACTS   where crashing inputs go (default /var/tmp/kdumpd-fuzz-artifacts)
#        CLANG            the compiler (default clang)
#        CI=true          a missing clang or fuzzer runtime is a failure, not a skip
#
# Needs the Debian packages clang and libclang-rt-14-dev (the libFuzzer
# runtime), plus libconfuse-dev and pkg-config like the main build.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

seconds=${1:-60}
[ $# -gt 0 ] && shift
case $seconds in
    '' | *[!0-9]*) echo "usage: run-fuzz.sh [SECONDS] [extra libFuzzer args...]" >&2; exit 2 ;;
esac

result() {
    echo "fuzz: $1 passed, $2 failed"
}

missing() {
    if [ "${CI:-}" = true ]; then
        echo "fuzz: FAIL: $1 (install clang and libclang-rt-14-dev)"
        result 0 1
        exit 1
    fi
    echo "fuzz: SKIP: $1 (install clang and libclang-rt-14-dev)"
    exit 77
}

clang=${CLANG:-clang}
command -v "$clang" >/dev/null || missing "$clang is not installed"
libconfuse=$(pkg-config --cflags --libs libconfuse 2>/dev/null) || missing "pkg-config cannot find libconfuse"

if [ -n "${FUZZ_BUILD_DIR:-}" ]; then
    build=$FUZZ_BUILD_DIR
    mkdir -p "$build" || exit 1
else
    build=$(mktemp -d /var/tmp/kdumpd-fuzz-build.XXXXXX) || exit 1
    trap 'rm -rf "$build"' EXIT
fi

# clang links -fsanitize=fuzzer only when libclang_rt.fuzzer is there.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$build/probe.c"
"$clang" -fsanitize=fuzzer,address,undefined "$build/probe.c" -o "$build/probe" 2>"$build/probe.log" ||
    { cat "$build/probe.log"; missing "$clang cannot link a libFuzzer target (no fuzzer runtime)"; }

bin=$build/fuzz-kdump-config
# -fno-sanitize-recover: undefined behaviour is a crash, not a line in the log.
# The ignorelist only works on functions that are not inlined into others,
# hence -fno-inline-functions.
# shellcheck disable=SC2086 # pkg-config output is a word list
if ! "$clang" -g -O1 -std=gnu11 -D_GNU_SOURCE \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        -fsanitize-coverage-ignorelist="$here/coverage-ignorelist.txt" -fno-inline-functions \
        -I"$top/src/shared" -I"$top/src/shared/basic" \
        "$here/fuzz-kdump-config.c" \
        "$top/src/shared/kdump-config.c" "$top/src/shared/basic/strv.c" "$top/src/shared/basic/fileio.c" \
        $libconfuse -o "$bin"; then
    echo "fuzz: FAIL: the fuzzer does not build"
    result 0 1
    exit 1
fi

corpus=${FUZZ_CORPUS_DIR:-/var/tmp/kdumpd-fuzz-corpus}
artifacts=${FUZZ_ARTIFACTS:-/var/tmp/kdumpd-fuzz-artifacts}
mkdir -p "$corpus" "$artifacts" || exit 1
artifacts=$(cd "$artifacts" && pwd)

# The seeds: the unit tests' valid and invalid files, the shipped default,
# and every input that once found a bug.
shopt -s nullglob
seeds=("$top"/tests/unit/golden/*.conf "$top"/tests/unit/broken/*.conf "$top"/conf/kdump.conf)
regressions=("$here"/regressions/*)
shopt -u nullglob
for f in "${seeds[@]}" "${regressions[@]}"; do
    # Named after the source so a re-seed does not add copies.
    cp -f "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")" || exit 1
done

# A 16 MiB quarantine instead of 256: still catches a use after free within
# one input, and without it the run spends its time faulting in fresh pages.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:quarantine_size_mb=16}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ ${#regressions[@]} -gt 0 ]; then
    echo "fuzz: replaying ${#regressions[@]} regression input(s)"
    if ! "$bin" -error_exitcode=1 "${regressions[@]}" >"$build/regressions.log" 2>&1; then
        cat "$build/regressions.log"
        echo "fuzz: FAIL: a regression input fails again"
        result 0 1
        exit 1
    fi
fi

log=$build/fuzz.log
echo "fuzz: $seconds s on $corpus (${#seeds[@]} seed files), crashes go to $artifacts/"
# libFuzzer's own exit code for a crash is 77, which is meson's "skip":
# make every finding exit 1.
"$bin" -max_total_time="$seconds" -print_final_stats=1 \
    -error_exitcode=1 -timeout_exitcode=1 -timeout=10 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-4096}" \
    -dict="$here/kdump-config.dict" -artifact_prefix="$artifacts/" \
    "$@" "$corpus" >"$log" 2>&1
rc=$?

# The last status line has the coverage; "Done N runs" and the stat:: lines
# are the final stats.
grep -aE '^#[0-9]+' "$log" | tail -n 1
grep -aE '^Done [0-9]+ runs|^stat::' "$log"

if [ "$rc" -ne 0 ] || grep -aqE '^==[0-9]+==ERROR|runtime error:|^SUMMARY:' "$log"; then
    # The report: sanitizer output and the crashing input's name.
    grep -avE '^#[0-9]+' "$log" | tail -n 80
    echo "fuzz: corpus $(find "$corpus" -type f | wc -l) files"
    echo "fuzz: FAIL: libFuzzer exited $rc"
    result 0 1
    exit 1
fi

# libFuzzer keeps every input that once added coverage; a merge keeps the
# fewest that cover the same, so the corpus does not grow run after run.
before=$(find "$corpus" -type f | wc -l)
rm -rf "$corpus.merge" && mkdir "$corpus.merge" || exit 1
if "$bin" -merge=1 -error_exitcode=1 "$corpus.merge" "$corpus" >"$build/merge.log" 2>&1; then
    rm -rf "$corpus" && mv "$corpus.merge" "$corpus"
else
    cat "$build/merge.log"
    echo "fuzz: FAIL: minimising the corpus failed"
    result 0 1
    exit 1
fi
echo "fuzz: corpus $before files, $(find "$corpus" -type f | wc -l) after merge"
result 1 0
