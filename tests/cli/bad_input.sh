#!/bin/sh
# The command line given bad input, as a user would: every mistake must end
# in one line on stderr that names it, a non-zero exit and no crash; and no
# failure may damage what is already on disk.
. "$(dirname "$0")/lib.sh"

echo "-- options"
run
check "no command: exit $RC (want 2) with the usage on stderr" \
    test "$RC" -eq 2 -a "$(grep -c '^usage:' "$TMP/err")" -eq 1
expect_error "unknown command 'bogus'" bogus
expect_error "unknown option --bogus" train --bogus
expect_error "--batch needs a value" train --batch
expect_error "--batch 0 is out of range" train --batch 0
expect_error "--batch 65537 is out of range" train --batch 65537
expect_error "--lr expects a number, got 'abc'" train --lr abc
expect_error "--lr expects a number, got 'nan'" train --lr nan
expect_error "--lr expects a number, got '1e-3x'" train --lr 1e-3x
expect_error "--lr 0 is out of range" train --lr 0
expect_error "--epochs -1 is out of range" train --epochs -1
expect_error "--epochs expects a whole number, got '1.5'" train --epochs 1.5
expect_error "--steps expects a whole number" train --steps 99999999999999999999
expect_error "--seed expects a whole number, got '-3'" train --seed -3
expect_error "--batch expects a whole number, got ''" train --batch=
expect_error "--quiet takes no value" train --quiet=1
expect_error "--latent 0 is out of range" train --latent 0
for channels in 4,8 4,8,8,x 0,8,8,16 4,8,8,16,32 4,,8,8 ,4,8,8,16; do
    expect_error "--channels '$channels' must be four positive widths" train --channels "$channels"
done
expect_error "unexpected argument 'extra'" train extra
expect_error "give --out or --resume, not both" train --out "$TMP/a" --resume "$TMP/b"
expect_error "--latent cannot change when resuming" train --resume "$TMP/b" --latent 4
expect_error "--seed cannot change when resuming" train --resume "$TMP/b" --seed 7
expect_error "--out needs a value, not the option --quiet" train --out --quiet
expect_error "--beta-max cannot change when resuming" train --resume "$TMP/b" --beta-max 2
expect_error "--device '3x' is not 'cpu', 'reference' or a Vulkan device index" \
    train --device 3x --channels 4,8,8,16 --latent 8 --batch 8 --synthetic-count 64 --out "$TMP/dev"
check "a refused --device leaves no run directory behind" test ! -e "$TMP/dev"
expect_error "--threads sets the CPU backend's threads, but --device is 'reference'" \
    bench --device reference --threads 2
expect_error "--threads" bench --device cpu --threads 0
expect_error "fewer than one batch" train $TINY --synthetic-count 4 --out "$TMP/small"
expect_error "--checkpoint is required" sample
expect_error "--n 0 is out of range" sample --n 0
expect_error "--temperature -1 is out of range" sample --temperature -1
expect_error "--scale 17 is out of range" sample --scale 17
expect_error "--checkpoint is required" reconstruct
expect_error "--n 5000 is out of range" reconstruct --n 5000
expect_error "give a subcommand: preview" dataset
expect_error "give a subcommand: preview" dataset bogus
expect_error "--cols 0 is out of range" dataset preview --cols 0
expect_error "$TMP/none" dataset preview --data "$TMP/none" --out "$TMP/d.png"
expect_error "unexpected argument 'extra'" devices extra
expect_error "give the reference-step file" check-reference
expect_error "unexpected argument 'b'" check-reference a b
expect_error "cannot open" check-reference "$TMP/none.safetensors" --device cpu

echo "-- a run directory that already holds a run"
expect_ok train $TINY --out "$TMP/run" --steps 8
cp "$TMP/run/checkpoint.safetensors" "$TMP/saved.safetensors"
cp "$TMP/run/log.csv" "$TMP/saved.csv"
expect_error "already holds a run: continue it with --resume" train $TINY --out "$TMP/run" --steps 8
check "refused train left checkpoint.safetensors byte-identical" cmp -s "$TMP/run/checkpoint.safetensors" "$TMP/saved.safetensors"
check "refused train left log.csv byte-identical" cmp -s "$TMP/run/log.csv" "$TMP/saved.csv"
: >"$TMP/afile"
expect_error "exists and is not a directory" train $TINY --out "$TMP/afile"
expect_error "is a file: give the run directory" train --device cpu --quiet --resume "$TMP/run/checkpoint.safetensors"
expect_error "no checkpoint at $TMP/none" train --device cpu --quiet --resume "$TMP/none"

echo "-- damaged and foreign checkpoints"
mkdir "$TMP/trunc" "$TMP/empty"
head -c 100000 "$TMP/saved.safetensors" >"$TMP/trunc/checkpoint.safetensors"
cp "$TMP/saved.csv" "$TMP/trunc/log.csv"
cp "$TMP/trunc/checkpoint.safetensors" "$TMP/trunc.safetensors"
expect_error "truncated" train --device cpu --quiet --resume "$TMP/trunc" --steps 16
check "failed resume left the truncated checkpoint as it was" cmp -s "$TMP/trunc/checkpoint.safetensors" "$TMP/trunc.safetensors"
check "failed resume left log.csv as it was" cmp -s "$TMP/trunc/log.csv" "$TMP/saved.csv"
for cmd in sample reconstruct; do
    expect_error "no checkpoint at $TMP/none" $cmd --device cpu --quiet --checkpoint "$TMP/none" --out "$TMP/x.png"
    expect_error "no checkpoint at $TMP/empty/checkpoint.safetensors" $cmd --device cpu --quiet --checkpoint "$TMP/empty" --out "$TMP/x.png"
    expect_error "truncated" $cmd --device cpu --quiet --checkpoint "$TMP/trunc" --out "$TMP/x.png"
    expect_error "not a vae-vk checkpoint" $cmd --device cpu --quiet \
        --checkpoint "$FIXTURES/ref_small_beta1.safetensors" --out "$TMP/x.png"
done
check "no output written by the failed commands" test ! -e "$TMP/x.png"
expect_error "is it a reference step" check-reference "$TMP/run/checkpoint.safetensors" --device cpu --quiet
expect_error "truncated" check-reference "$TMP/trunc.safetensors" --device cpu --quiet
expect_error "$TMP/none" reconstruct --device cpu --quiet --checkpoint "$TMP/run" \
    --data "$TMP/none" --out "$TMP/x.png"

echo "-- writes that fail"
expect_error "check that the output directory exists" sample --device cpu --quiet --checkpoint "$TMP/run" \
    --n 10 --cols 5 --out "$TMP/no/such/dir/x.png"
expect_ok sample --device cpu --quiet --checkpoint "$TMP/run" --n 3 --out "$TMP/keep.png"
cp "$TMP/keep.png" "$TMP/keep.copy"
# A directory where the temporary file would go makes the write fail while
# the target exists: the old PNG must survive whole.
mkdir "$TMP/keep.png.tmp"
expect_error "cannot write $TMP/keep.png" sample --device cpu --quiet --checkpoint "$TMP/run" --n 4 --out "$TMP/keep.png"
check "failed sample left the existing PNG byte-identical" cmp -s "$TMP/keep.png" "$TMP/keep.copy"
expect_error "16384 pixels a side" sample --device cpu --quiet --checkpoint "$TMP/run" --n 300 --cols 300 --out "$TMP/wide.png"
# The same for checkpoints: a run whose save fails stops with one line and
# leaves its last checkpoint as it was.
mkdir "$TMP/run/checkpoint.safetensors.tmp"
expect_error "not saved" train --device cpu --quiet --resume "$TMP/run" --steps 10
check "failed save left the checkpoint byte-identical" cmp -s "$TMP/run/checkpoint.safetensors" "$TMP/saved.safetensors"

finish
