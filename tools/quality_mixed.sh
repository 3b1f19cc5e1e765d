#!/bin/sh
# Mixed precision against fp32 on what a model learns: the same run (same
# seed, data, batches, noise and flips) trained once in each precision,
# then the last validation loss of each and how far apart they are. Issue
# #9 asks for 5 epochs of the synthetic faces within 1% of each other.
# Any arguments go to both runs (--device, --channels, --epochs, ...);
# without --epochs they train 5. Both sample grids (same z) are kept in
# OUT/fp32/samples.png and OUT/mixed/samples.png to compare by eye.
#   tools/quality_mixed.sh OUT [TRAIN ARGS...]
#   e.g. tools/quality_mixed.sh /tmp/quality --device cpu --synthetic-count 16000
# (VAEVK=PATH runs another build.)
set -eu
cd "$(dirname "$0")/.."
vae=${VAEVK:-./build/vae-vk}
if [ $# -lt 1 ]; then
    echo "usage: tools/quality_mixed.sh OUT [TRAIN ARGS...]" >&2
    exit 2
fi
out=$1
shift
case " $* " in *" --epochs "*) epochs="" ;; *) epochs="--epochs 5" ;; esac
for p in fp32 mixed; do
    if [ -e "$out/$p" ]; then
        echo "quality_mixed: $out/$p exists: give a new OUT" >&2
        exit 1
    fi
done
for p in fp32 mixed; do
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$vae" train "$@" $epochs --precision "$p" --out "$out/$p" --quiet
    echo "$p: trained in $(($(date +%s) - start)) s"
done
# val.csv: epoch (1-based),step,loss,recon,kl,images
last() { tail -n 1 "$out/$1/val.csv" | cut -d, -f"$2"; }
skipped=$(tail -n 1 "$out/mixed/log.csv" | cut -d, -f9)
scale=$(tail -n 1 "$out/mixed/log.csv" | cut -d, -f8)
echo
echo "| precision | epoch | validation loss | recon | kl |"
echo "|---|---|---|---|---|"
for p in fp32 mixed; do
    echo "| $p | $(last "$p" 1) | $(last "$p" 3) | $(last "$p" 4) | $(last "$p" 5) |"
done
awk -v a="$(last fp32 3)" -v b="$(last mixed 3)" -v s="$scale" -v k="$skipped" 'BEGIN {
    d = (b - a) / a * 100
    printf "\nmixed - fp32: %+.2f%% of the fp32 validation loss (%s 1%%); mixed ended at loss scale %s after %s skipped steps\n",
        d, (d < 1 && d > -1) ? "within" : "NOT within", s, k }'
