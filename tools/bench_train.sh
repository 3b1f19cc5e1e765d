#!/bin/sh
# train end to end against bench at the same batch, in the same minutes:
# `vae-vk bench` (whole steps, one at a time, pixels uploaded each step),
# then `vae-vk train` for STEPS steps on the synthetic faces (or --data),
# its loop's rate read from the last row of log.csv (the images/s since the
# loop began: the upload of the images before it, and the final samples and
# report after it, are not in it; the wall time printed is everything).
# Any other arguments go to both (--device, --threads, --channels, --latent,
# --batch); train alone takes --data and --synthetic-count.
#   tools/bench_train.sh [STEPS] [ARGS...]      e.g. tools/bench_train.sh 150 --device cpu --threads 1
# (VAEVK=PATH times another build.)
set -eu
cd "$(dirname "$0")/.."
vae=${VAEVK:-./build/vae-vk}
steps=100
case "${1:-}" in [0-9]*) steps=$1; shift ;; esac
bench_args="" train_args=""
while [ $# -gt 0 ]; do
    case "$1" in
    --data | --synthetic-count) train_args="$train_args $1 $2"; shift 2 ;;
    *) bench_args="$bench_args $1"; shift ;;
    esac
done
run=$(mktemp -d "${TMPDIR:-/tmp}/vaevk-bench-train-XXXXXX")
trap 'rm -rf "$run"' EXIT
# shellcheck disable=SC2086
bench=$("$vae" bench $bench_args --steps "$steps" --warmup 5 2>/dev/null | sed -n 's/^images\/s: *//p')
start=$(date +%s.%N)
# shellcheck disable=SC2086
"$vae" train $bench_args $train_args --steps "$steps" --out "$run/run" --quiet
wall=$(echo "$(date +%s.%N) - $start" | bc)
loop=$(tail -n 1 "$run/run/log.csv" | cut -d, -f7)
echo "bench: $bench images/s"
echo "train: $loop images/s in its loop ($(echo "scale=2; $loop / $bench" | bc)x bench), $wall s in all for $steps steps"
