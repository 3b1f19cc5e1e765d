#!/bin/sh
# Fuzzes every reader of untrusted files with libFuzzer (tests/fuzz):
# safetensors, checkpoint, cache, decode. Each runs MINUTES, starting from
# the committed corpus; new inputs go to BUILD/fuzz-corpus/TARGET (the
# committed corpus is never touched) and anything found to
# BUILD/fuzz-findings/TARGET. Installs clang and its runtime libraries if
# missing (asks sudo when not root), configures BUILD with clang and
# -Dfuzz=true, then prints, per target: executions, coverage (libFuzzer's
# cov and ft) and findings. Exits 1 when anything was found.
#   tools/fuzz.sh MINUTES [TARGET...]
#   VAEVK_FUZZ_BUILD=dir    the build folder (build-fuzz)
#   VAEVK_FUZZ_JOBS=N       targets fuzzed at once (2), each on one core, niced
# Replay one finding: BUILD/tests/fuzz/fuzz_TARGET FILE (or, with gcc,
# build/tests/fuzz/replay_TARGET FILE).
set -eu

cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || ! [ "$1" -gt 0 ] 2>/dev/null; then
    echo "usage: tools/fuzz.sh MINUTES [safetensors|checkpoint|cache|decode...]" >&2
    exit 2
fi
minutes=$1
shift
targets=${*:-safetensors checkpoint cache decode}
build=${VAEVK_FUZZ_BUILD:-build-fuzz}
jobs=${VAEVK_FUZZ_JOBS:-2}

packages="clang libclang-rt-dev meson ninja-build libjson-c-dev libstb-dev glslang-tools"
missing=""
for p in $packages; do
    case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done
if [ -n "$missing" ]; then
    echo "fuzz: installing$missing"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp)
    if ! { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends $missing; } \
        >"$log" 2>&1; then
        cat "$log"
        rm -f "$log"
        echo "fuzz: installing the packages failed (see above)" >&2
        exit 1
    fi
    rm -f "$log"
fi

if [ ! -f "$build/build.ninja" ]; then
    CC=clang meson setup -Dfuzz=true "$build" >/dev/null
fi
for t in $targets; do
    if ! out=$(ninja -C "$build" "tests/fuzz/fuzz_$t" 2>&1); then
        echo "$out"
        echo "fuzz: building fuzz_$t failed (see above)" >&2
        exit 1
    fi
done

# One target: MINUTES of libFuzzer, its output in BUILD/fuzz-logs/TARGET.log.
run_target() {
    t=$1
    work="$build/fuzz-corpus/$t" found="$build/fuzz-findings/$t" log="$build/fuzz-logs/$t.log"
    mkdir -p "$work" "$found" "$build/fuzz-logs"
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        nice -n 10 "$build/tests/fuzz/fuzz_$t" "$work" "tests/fuzz/corpus/$t" \
        -max_total_time=$((minutes * 60)) -timeout=30 -rss_limit_mb=2048 \
        -artifact_prefix="$found/" -print_final_stats=1 >"$log" 2>&1 || true
}

echo "fuzz: $targets, $minutes min each, $jobs at a time; logs in $build/fuzz-logs"
running=0
for t in $targets; do
    run_target "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

status=0
for t in $targets; do
    log="$build/fuzz-logs/$t.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
    findings=$(find "$build/fuzz-findings/$t" -type f | wc -l)
    printf '%-12s %3d min  %12s execs (%s/s)  cov %s  ft %s  corpus %s  findings %d\n' \
        "$t" "$minutes" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$findings"
    if [ "$findings" -gt 0 ]; then
        status=1
        find "$build/fuzz-findings/$t" -type f | sed 's/^/    /'
    fi
done
exit $status
