#!/usr/bin/env bash
# Fuzzes every parser a stranger's bytes reach (docs/fuzzing.md): builds fuzz/ with libFuzzer and
# AddressSanitizer, then runs each target for SECONDS (default 60) from its seeds (fuzz/corpus/)
# with its dictionary (fuzz/dict/). A crash, an input running past the per-input time limit,
# memory past the limit or a leak stops that target and fails the run; the input is kept under
# fuzz/.build/findings/<target>/ to become a regression fixture
# (Tests/FuzzRegressionTests/Fixtures/<target>/).
#
#   scripts/fuzz.sh [SECONDS]           every target
#   FUZZ_TARGETS="huawei profile" scripts/fuzz.sh 30   some of them
#
# Environment: FUZZ_TIMEOUT (seconds one input may take, default 20), FUZZ_RSS_MB (memory limit,
# default 2048), FUZZ_JOBS (targets run at once, default 1). Inputs the fuzzer found interesting
# accumulate in fuzz/.build/corpus/<target>/ (not kept in git), so later runs start from them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
case "$seconds" in ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 64 ;; esac
timeout_s="${FUZZ_TIMEOUT:-20}"
rss_mb="${FUZZ_RSS_MB:-2048}"
jobs="${FUZZ_JOBS:-1}"

echo "building fuzz/ (libFuzzer, AddressSanitizer)" >&2
mkdir -p fuzz/.build
if ! swift build --package-path fuzz -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
        > fuzz/.build/build.log 2>&1; then
    grep -E "error" fuzz/.build/build.log | sort -u | head -20 >&2
    echo "error: the fuzz build failed (its log: fuzz/.build/build.log)" >&2
    exit 1
fi
binary="fuzz/.build/debug/placer-fuzz"

all=$(ls fuzz/corpus)
targets="${FUZZ_TARGETS:-$all}"
results="fuzz/.build/results"
rm -rf "$results"
mkdir -p "$results"

run_target() {
    local target="$1"
    local corpus="fuzz/.build/corpus/$target" findings="fuzz/.build/findings/$target"
    mkdir -p "$corpus" "$findings"
    [ -d "fuzz/corpus/$target" ] || { echo "$target: no seeds at fuzz/corpus/$target" > "$results/$target.status"; return; }
    local status=0
    # -detect_leaks=1 (the default, said here): a leak is a finding (fuzz/lsan.supp lists the
    # library leaks that are not Placer's). -rss_limit_mb and
    # -malloc_limit_mb bound memory; -timeout bounds one input.
    PLACER_FUZZ_TARGET="$target" SWIFT_BACKTRACE=enable=no \
        ASAN_OPTIONS="detect_leaks=1:symbolize=1" LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan.supp:print_suppressions=0" \
        "$binary" "$corpus" "fuzz/corpus/$target" -dict="fuzz/dict/$target.dict" \
        -max_total_time="$seconds" -timeout="$timeout_s" -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" \
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$findings/" \
        > "$results/$target.log" 2>&1 || status=$?
    local execs
    execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$results/$target.log" | grep -Eo '[0-9]+$' | tail -1)
    echo "$status ${execs:-0}" > "$results/$target.status"
}

pids=()
for target in $targets; do
    run_target "$target" &
    pids+=($!)
    if [ "${#pids[@]}" -ge "$jobs" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
done
for pid in "${pids[@]}"; do wait "$pid"; done

failed=0
printf '%-24s %12s %10s  %s\n' target executions per-second result
for target in $targets; do
    read -r status execs < "$results/$target.status" || { status=1; execs=0; }
    if [ "$status" = 0 ]; then verdict="no finding"; else
        verdict="FINDING (exit $status): $(ls -t fuzz/.build/findings/"$target"/ 2>/dev/null | head -1)"
        failed=1
    fi
    printf '%-24s %12s %10s  %s\n' "$target" "$execs" "$(( execs / (seconds > 0 ? seconds : 1) ))" "$verdict"
done
if [ "$failed" != 0 ]; then
    echo "error: a fuzz target failed: its log is in $results/<target>.log and the input in fuzz/.build/findings/<target>/;" >&2
    echo "  reproduce with PLACER_FUZZ_TARGET=<target> LSAN_OPTIONS=suppressions=fuzz/lsan.supp $binary <input>," >&2
    echo "  fix the parser, and keep the input as" >&2
    echo "  Tests/FuzzRegressionTests/Fixtures/<target>/<name>" >&2
    exit 1
fi
