#!/bin/sh
# The main job: train the seed's full model (channels 32,64,128,256, latent
# 128, beta annealed from 0 to 1) on the built-in synthetic faces; train
# ends with a grid of new faces and the run report. On a GPU it trains the
# default run (10 epochs of 20,000 faces, under a minute); on the CPU
# backend 7 epochs of 16,000 faces, about 6 minutes on two cores.
#   tools/demo.sh [RUN_DIR]      (default runs/demo)
set -eu
cd "$(dirname "$0")/.."
run=${1:-runs/demo}
vae=./build/vae-vk

if [ -f "$run/checkpoint.safetensors" ]; then
    echo "demo: $run already holds a run; continuing it"
    "$vae" train --resume "$run"
elif "$vae" devices 2>/dev/null | grep -q '^default device: [0-9]'; then
    echo "demo: a GPU is present: training the full model (under a minute)"
    "$vae" train --out "$run"
else
    echo "demo: no GPU: training the full model on the CPU backend (6 min on 2 cores)"
    "$vae" train --device cpu --out "$run" --epochs 7 --synthetic-count 16000 --anneal-epochs 2
fi
echo "demo: done. Open $run/report.html in a browser: loss curves, new faces"
echo "demo: ($run/samples.png), reconstructions, traversals, per-epoch grids"
