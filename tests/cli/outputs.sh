#!/bin/sh
# The commands that draw: sample, reconstruct and dataset preview write PNG
# grids of the size their options ask for; sample is a function of the
# checkpoint and the seed.
. "$(dirname "$0")/lib.sh"

expect_ok train $TINY --steps 8 --out "$TMP/run"

echo "-- sample"
expect_ok sample --device cpu --quiet --checkpoint "$TMP/run" --n 10 --cols 5 --out "$TMP/s.png"
expect_png "$TMP/s.png" 10 5 1
expect_ok sample --device cpu --quiet --checkpoint "$TMP/run/checkpoint.safetensors" --n 10 --cols 5 --out "$TMP/s_file.png"
check "the checkpoint file and its run directory draw the same PNG" cmp -s "$TMP/s.png" "$TMP/s_file.png"
expect_ok sample --device cpu --quiet --checkpoint "$TMP/run" --n 10 --cols 5 --seed 2 --out "$TMP/s_seed2.png"
check "another --seed draws other faces" test -n "$(cmp "$TMP/s.png" "$TMP/s_seed2.png" 2>&1)"
# more faces than the 64 decoded at a time, and enlarged
expect_ok sample --device cpu --quiet --checkpoint "$TMP/run" --n 70 --cols 9 --scale 2 --out "$TMP/s70.png"
expect_png "$TMP/s70.png" 70 9 2
run sample --device cpu --checkpoint "$TMP/run" --n 3 --out "$TMP/s3.png"
check "without --quiet sample says where it wrote: $(tail -n 1 "$TMP/err")" \
    test "$RC" -eq 0 -a -n "$(grep -F "wrote $TMP/s3.png (3 new faces" "$TMP/err")"

echo "-- reconstruct (each image beside its reconstruction: 2 x cols per row)"
expect_ok reconstruct --device cpu --quiet --checkpoint "$TMP/run" --n 10 --cols 5 --out "$TMP/r.png"
expect_png "$TMP/r.png" 20 10 1
expect_ok reconstruct --device cpu --quiet --checkpoint "$TMP/run" --n 3 --cols 2 --first 0 --out "$TMP/r3.png"
expect_png "$TMP/r3.png" 6 4 1

echo "-- dataset preview"
expect_ok dataset preview --n 10 --cols 5 --out "$TMP/d.png"
expect_png "$TMP/d.png" 10 5 1
expect_ok dataset preview --out "$TMP/d64.png"
expect_png "$TMP/d64.png" 64 8 1
expect_ok dataset preview --n 7 --cols 3 --scale 3 --out "$TMP/d7.png"
expect_png "$TMP/d7.png" 7 3 3

finish
