#!/usr/bin/env bash
# Builds each parser's fuzzer (fuzz-NAME.c beside this file) with clang's
# libFuzzer, ASan and UBSan, replays its regressions/NAME/ inputs, then
# fuzzes it for its share of SECONDS in one process and minimises its
# working corpus. Ends with "fuzz: N passed, N failed", one count per
# fuzzer.
#
#   kdump-config     /etc/kdump.conf               src/shared/kdump-config.c
#   kdumpd-settings  /etc/kdump/kdumpd.conf        src/shared/kdumpd-settings.c
#   modprobe-d       the capture's modprobe.d      src/capture/module-index.c
#   initramfs        cpio images, compressed or not src/shared/initramfs-inspect.c
#   elf-needed       ELF programs' DT_NEEDED       src/mkdumprd/elf-needed.c
#   arm-state        /run/kdump/state              src/shared/basic/arm-state.c
#   raw-header       a raw dump target's header    src/kdumpd-arm/raw-harvest.c
#
# usage: run-fuzz.sh [SECONDS] [extra libFuzzer args...]
#        SECONDS is shared out evenly (default 60 for all of them). A long
#        run: "run-fuzz.sh 3600" (an hour, about 8 minutes each), or one
#        fuzzer alone: "FUZZ_ONLY=initramfs run-fuzz.sh 3600".
# env:   FUZZ_ONLY        the fuzzers to run, by name, blank-separated (default: all)
#        FUZZ_BUILD_DIR   where the binaries go (default: a temp dir, removed)
#        FUZZ_CORPUS_DIR  the working corpora, one directory per fuzzer,
#                         kept between runs (default /var/tmp/kdumpd-fuzz-corpus)
#        FUZZ_ARTIFACTS   where crashing inputs go (default /var/tmp/kdumpd-fuzz-artifacts)
#        FUZZ_MAX_LEN     the longest input, for every fuzzer (default: each its own)
#        CLANG            the compiler (default clang)
#        CI=true          a missing clang or fuzzer runtime is a failure, not a skip
#
# Seeds come from corpus/NAME/ in the tree (and, for kdump-config, the unit
# tests' files); an input that once found a bug goes to regressions/NAME/.
# Needs the Debian packages clang and libclang-rt-dev (the libFuzzer
# runtime), plus the -dev packages of the main build (pkg-config).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

all=(kdump-config kdumpd-settings modprobe-d initramfs elf-needed arm-state raw-header)

seconds=${1:-60}
[ $# -gt 0 ] && shift
case $seconds in
    '' | *[!0-9]*) echo "usage: run-fuzz.sh [SECONDS] [extra libFuzzer args...]" >&2; exit 2 ;;
esac
read -r -a fuzzers <<<"${FUZZ_ONLY:-${all[*]}}"
for f in "${fuzzers[@]}"; do
    [ -f "$here/fuzz-$f.c" ] || { echo "run-fuzz.sh: no fuzzer \"$f\" (there are: ${all[*]})" >&2; exit 2; }
done

result() {
    echo "fuzz: $1 passed, $2 failed"
}

missing() {
    if [ "${CI:-}" = true ]; then
        echo "fuzz: FAIL: $1 (install clang and libclang-rt-dev)"
        result 0 "${#fuzzers[@]}"
        exit 1
    fi
    echo "fuzz: SKIP: $1 (install clang and libclang-rt-dev)"
    exit 77
}

# What each fuzzer is built from (besides fuzz-NAME.c), the pkg-config
# modules it links, and its longest input.
spec() {
    local b=src/shared/basic
    case $1 in
        kdump-config)
            srcs="src/shared/kdump-config.c $b/strv.c $b/fileio.c" pkgs=libconfuse max_len=4096 ;;
        kdumpd-settings)
            srcs="src/shared/kdumpd-settings.c src/shared/kdump-config.c $b/panic-triggers.c $b/sysctl-config.c $b/strv.c $b/fileio.c"
            pkgs=libconfuse
            max_len=4096 ;;
        modprobe-d)
            srcs="src/capture/module-index.c $b/log.c $b/strv.c $b/fileio.c" pkgs='' max_len=4096 ;;
        initramfs)
            srcs=src/shared/initramfs-inspect.c pkgs="liblzma zlib libzstd" max_len=65536 ;;
        elf-needed)
            srcs="src/mkdumprd/elf-needed.c $b/strv.c $b/fileio.c" pkgs='' max_len=16384 ;;
        arm-state)
            srcs="$b/arm-state.c $b/env-path.c $b/fileio.c $b/parse-util.c" pkgs='' max_len=4096 ;;
        raw-header)
            srcs="src/kdumpd-arm/raw-harvest.c src/shared/block-device.c src/shared/block-identity.c
                  src/shared/kdump-config.c $b/dump-writer.c
                  $b/child.c $b/proc-activity.c $b/spawn.c $b/log.c $b/strv.c $b/fileio.c"
            pkgs="libgcrypt blkid libsystemd libconfuse" max_len=8192 ;;
    esac
}

# The seeds: corpus/NAME/, and for the two configuration parsers the unit
# tests' valid and invalid files and the shipped ones.
seeds_of() {
    local f
    for f in "$here/corpus/$1"/*; do [ -f "$f" ] && echo "$f"; done
    case $1 in
        kdump-config)
            for f in "$top"/tests/unit/golden/*.conf "$top"/tests/unit/broken/*.conf "$top/conf/kdump.conf"; do
                [ -f "$f" ] && echo "$f"
            done ;;
        kdumpd-settings) echo "$top/conf/kdumpd.conf" ;;
    esac
}

clang=${CLANG:-clang}
command -v "$clang" >/dev/null || missing "$clang is not installed"

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

corpus_root=${FUZZ_CORPUS_DIR:-/var/tmp/kdumpd-fuzz-corpus}
artifacts=${FUZZ_ARTIFACTS:-/var/tmp/kdumpd-fuzz-artifacts}
mkdir -p "$corpus_root" "$artifacts" || exit 1
artifacts=$(cd "$artifacts" && pwd)
# The corpus of the time there was one fuzzer lay in corpus_root itself.
if find "$corpus_root" -maxdepth 1 -type f | grep -q .; then
    mkdir -p "$corpus_root/kdump-config" &&
        find "$corpus_root" -maxdepth 1 -type f -exec mv -t "$corpus_root/kdump-config" {} + || exit 1
fi

# A 16 MiB quarantine instead of 256: still catches a use after free within
# one input, and without it the run spends its time faulting in fresh pages.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:quarantine_size_mb=16}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

share=$((seconds / ${#fuzzers[@]}))
[ "$share" -gt 0 ] || share=1
passed=0 failed=0

# Builds one into $build/fuzz-NAME; its messages in $build/build-NAME.log.
build_one() {
    local name=$1 srcs pkgs max_len libs s sources=()
    spec "$name"
    # shellcheck disable=SC2086 # lists of words
    libs=$([ -z "$pkgs" ] || pkg-config --cflags --libs $pkgs) ||
        { echo "pkg-config cannot find $pkgs" >"$build/build-$name.log"; return 1; }
    for s in $srcs; do sources+=("$top/$s"); done
    # -fno-sanitize-recover: undefined behaviour is a crash, not a line in
    # the log. The ignorelist only works on functions that are not inlined
    # into others, hence -fno-inline-functions. The -D are meson.build's.
    # shellcheck disable=SC2086 # pkg-config output is a word list
    "$clang" -g -O1 -std=gnu11 -D_GNU_SOURCE \
        -DCAPTURE_PROGRAM_PATH='"/usr/lib/kdumpd/kdump-capture"' -DKDUMPD_ARM_PATH='"/usr/lib/kdumpd/kdumpd-arm"' \
        -DDRACUT_MODULE_DIR='"/usr/lib/dracut/modules.d/99kdump"' -DMKDUMPRD_PATH='"/usr/sbin/mkdumprd"' \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
        -fsanitize-coverage-ignorelist="$here/coverage-ignorelist.txt" -fno-inline-functions \
        -I"$top/src/shared" -I"$top/src/shared/basic" -I"$top/src/capture" -I"$top/src/mkdumprd" \
        -I"$top/src/kdumpd-arm" \
        "$here/fuzz-$name.c" "${sources[@]}" $libs -o "$build/fuzz-$name" >"$build/build-$name.log" 2>&1
}

# Replays, fuzzes and merges one that was built; returns 1 when it fails.
run_one() {
    local name=$1 bin=$build/fuzz-$1 corpus=$corpus_root/$1 log=$build/fuzz-$1.log dict=() regressions=() seeds=()
    local srcs pkgs max_len f rc before
    shift
    spec "$name"
    if [ ! -x "$bin" ]; then
        cat "$build/build-$name.log"
        echo "fuzz: $name: FAIL: the fuzzer does not build"
        return 1
    fi

    mkdir -p "$corpus" || return 1
    while IFS= read -r f; do
        # Named after the source so a re-seed does not add copies.
        seeds+=("$f")
        cp -f "$f" "$corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")" || return 1
    done < <(seeds_of "$name")
    for f in "$here/regressions/$name"/*; do [ -f "$f" ] && regressions+=("$f"); done
    [ -f "$here/$name.dict" ] && dict=(-dict="$here/$name.dict")

    if [ ${#regressions[@]} -gt 0 ]; then
        if ! "$bin" -error_exitcode=1 "${regressions[@]}" >"$build/regressions-$name.log" 2>&1; then
            tail -n 60 "$build/regressions-$name.log"
            echo "fuzz: $name: FAIL: a regression input fails again"
            return 1
        fi
    fi

    echo "fuzz: $name: $share s on $corpus (${#seeds[@]} seeds, ${#regressions[@]} regressions), crashes go to $artifacts/"
    # libFuzzer's own exit code for a crash is 77, which is meson's "skip":
    # make every finding exit 1.
    "$bin" -max_total_time="$share" -print_final_stats=1 \
        -error_exitcode=1 -timeout_exitcode=1 -timeout=10 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-$max_len}" \
        "${dict[@]}" -artifact_prefix="$artifacts/$name-" \
        "$@" "$corpus" >"$log" 2>&1
    rc=$?

    # The last status line has the coverage; "Done N runs" and the
    # execs/s stat are the final stats.
    grep -aE '^#[0-9]+' "$log" | tail -n 1 | sed "s/^/fuzz: $name: /"
    grep -aE '^Done [0-9]+ runs|^stat::(number_of_executed_units|average_exec_per_sec)' "$log" | sed "s/^/fuzz: $name: /"

    if [ "$rc" -ne 0 ] || grep -aqE '^==[0-9]+==ERROR|runtime error:|^SUMMARY:' "$log"; then
        # The report: sanitizer output and the crashing input's name.
        grep -avE '^#[0-9]+' "$log" | tail -n 80
        echo "fuzz: $name: FAIL: libFuzzer exited $rc"
        return 1
    fi

    # libFuzzer keeps every input that once added coverage; a merge keeps
    # the fewest that cover the same, so the corpus does not grow run after run.
    before=$(find "$corpus" -type f | wc -l)
    rm -rf "$corpus.merge" && mkdir "$corpus.merge" || return 1
    if "$bin" -merge=1 -error_exitcode=1 -max_len="${FUZZ_MAX_LEN:-$max_len}" "$corpus.merge" "$corpus" \
            >"$build/merge-$name.log" 2>&1; then
        rm -rf "$corpus" && mv "$corpus.merge" "$corpus"
    else
        tail -n 40 "$build/merge-$name.log"
        echo "fuzz: $name: FAIL: minimising the corpus failed"
        return 1
    fi
    echo "fuzz: $name: corpus $before files, $(find "$corpus" -type f | wc -l) after merge"
}

# Two builds at a time: a build takes as long as a fuzzer's share.
for name in "${fuzzers[@]}"; do
    rm -f "$build/fuzz-$name"
    build_one "$name" &
    [ "$(jobs -rp | wc -l)" -lt 2 ] || wait -n
done
wait

for name in "${fuzzers[@]}"; do
    if run_one "$name" "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
result "$passed" "$failed"
[ "$failed" -eq 0 ]
