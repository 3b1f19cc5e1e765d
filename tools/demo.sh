#!/bin/sh
# The main job: train on the built-in synthetic faces, then draw a grid of
# new faces. On a machine with a GPU this trains the full model; without one
# it trains a smaller model on the CPU that still learns faces in about half
# an hour on two cores, and says so.
#   tools/demo.sh [RUN_DIR]      (default runs/demo)
set -eu
cd "$(dirname "$0")/.."
run=${1:-runs/demo}
vae=./build/vae-vk

if [ -f "$run/checkpoint.safetensors" ]; then
    echo "demo: $run already holds a run; continuing it"
    "$vae" train --resume "$run"
elif "$vae" devices 2>/dev/null | grep -q 'type \(discrete\|integrated\|virtual\)'; then
    echo "demo: a GPU is present: training the full model (channels 32,64,128,256, latent 128)"
    "$vae" train --out "$run"
else
    echo "demo: no GPU found: training a smaller model on the CPU reference"
    echo "demo: (channels 8,16,32,64, latent 32, 8000 faces, 8 epochs; about 30 minutes on 2 cores)"
    "$vae" train --device cpu --out "$run" --channels 8,16,32,64 --latent 32 --batch 32 \
        --synthetic-count 8000 --epochs 8 --anneal-epochs 2
fi
"$vae" sample --checkpoint "$run" --n 64 --scale 2 --out "$run/samples.png"
echo "demo: new faces in $run/samples.png, per-epoch grids and log.csv in $run/"
