#!/bin/sh
# The full model's convolutions in oneDNN (tools/onednn_layers.c), to compare
# with vae-vk's CPU backend on the same machine. Needs Debian's libdnnl-dev
# (apt-get install libdnnl-dev); oneDNN threads with OpenMP over every core.
#   tools/bench_onednn.sh [BATCH]     (default 64)
set -eu
cd "$(dirname "$0")/.."
if [ ! -f /usr/include/oneapi/dnnl/dnnl.h ]; then
    echo "bench_onednn: oneDNN's headers are missing: apt-get install libdnnl-dev" >&2
    exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cc -O2 -o "$out" tools/onednn_layers.c -ldnnl
"$out" "${1:-64}"
