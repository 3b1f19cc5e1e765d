#!/bin/sh
# What train says: its whole configuration before the first step, where
# everything is after the last (the report last, "open it in a browser"),
# the final samples.png drawn before the report, nothing with --quiet;
# and the device a resumed run takes (its own unless --device is given),
# from sessions.csv, one row per train process.
. "$(dirname "$0")/lib.sh"

QUIET_TINY=$TINY
TINY=$(echo "$TINY" | sed 's/ --quiet//')
has() { grep -q -- "$2" "$1"; }
# line N: the Nth line of stderr (negative: from the end)
line() {
    if [ "$1" -lt 0 ]; then tail -n "$((-$1))" "$TMP/err" | head -n 1; else sed -n "${1}p" "$TMP/err"; fi
}

echo "-- a fresh run: the configuration first"
# shellcheck disable=SC2086
expect_ok train $TINY --steps 12 --out "$TMP/run"
check "device: $(line 1)" [ "$(line 1)" = "vae-vk train: device: cpu: $(sed -n 's/.*device: cpu: //p' "$TMP/err" | head -n 1)" ]
check "model: $(line 2)" has "$TMP/err" "^vae-vk train: model: channels 4,8,8,16, latent 8, 0.0[0-9]M float32 params$"
check "data, not a miscount: $(line 3)" \
    has "$TMP/err" "^vae-vk train: data: synthetic faces (64, seed 1), and 3 more for validation$"
check "schedule: $(line 4)" \
    has "$TMP/err" "^vae-vk train: schedule: 10 epochs of 8 steps (batch 8), stopping at step 12, Adam lr 0.001$"
check "beta: $(line 5)" has "$TMP/err" "^vae-vk train: beta (the KL weight): 0 -> 1 over the first 3 epochs$"
check "saving: $(line 6)" has "$TMP/err" "^vae-vk train: saving to $TMP/run every epoch, every 500 steps and on Ctrl-C$"

echo "-- ... and where everything is last"
check "done: $(line -4)" has "$TMP/err" "^vae-vk train: done: step 12 of 12 in [0-9]*s ([0-9.]* s waiting for data)$"
check "checkpoint: $(line -3)" [ "$(line -3)" = "vae-vk train: wrote $TMP/run/checkpoint.safetensors (the trained model)" ]
check "samples: $(line -2)" [ "$(line -2)" = "vae-vk train: wrote $TMP/run/samples.png (8 new faces)" ]
check "the report, last: $(line -1)" [ "$(line -1)" = "vae-vk train: wrote $TMP/run/report.html (open it in a browser)" ]
expect_png "$TMP/run/samples.png" 8 8 2
check "samples.png was drawn before the report" [ ! "$TMP/run/samples.png" -nt "$TMP/run/report.html" ]
check "the report shows samples.png" has "$TMP/run/report.html" "Samples from the final model"
check "no line is about the loader alone" sh -c "! grep -q 'from the loader' '$TMP/err'"

echo "-- --quiet: nothing"
# shellcheck disable=SC2086
run train $QUIET_TINY --steps 2 --out "$TMP/quiet"
check "train --quiet: exit $RC, $(cat "$TMP/out" "$TMP/err" | wc -l) lines" \
    test "$RC" -eq 0 -a ! -s "$TMP/err" -a ! -s "$TMP/out"

echo "-- no annealing"
# shellcheck disable=SC2086
expect_ok train $TINY --steps 1 --anneal-epochs 0 --beta-max 4 --out "$TMP/flat"
check "beta: $(grep 'beta (' "$TMP/err")" has "$TMP/err" "^vae-vk train: beta (the KL weight): 4 from the first step$"

echo "-- a resumed run keeps its device"
tiny_ref=$(echo "$TINY" | sed 's/--device cpu/--device reference/')
# shellcheck disable=SC2086
expect_ok train $tiny_ref --steps 2 --out "$TMP/ref"
expect_ok train --resume "$TMP/ref" --steps 4
check "resumed on the run's own device: $(line 1)" [ "$(line 1)" = "vae-vk train: device: reference (plain C) (the run's own)" ]
check "resuming line: $(grep resuming "$TMP/err")" has "$TMP/err" "^vae-vk train: resuming $TMP/ref at step 2 of 4$"
expect_ok train --resume "$TMP/ref" --steps 6 --device cpu --threads 1
check "--device overrides it: $(line 1)" has "$TMP/err" "^vae-vk train: device: cpu: .*1 thread"
rows=$(cut -d, -f3- "$TMP/ref/sessions.csv" | tr '\n' ' ')
check "sessions.csv: one row per process, steps and devices: $rows" \
    [ "$rows" = "first_step,last_step,device 0,2,reference 2,4,reference 4,6,cpu " ]
check "sessions.csv times are whole seconds, ended >= started" \
    awk -F, 'NR > 1 && !($1 ~ /^[0-9]+$/ && $2 ~ /^[0-9]+$/ && $2 >= $1) { bad = 1 } END { exit bad }' "$TMP/ref/sessions.csv"
expect_ok train --resume "$TMP/ref" --steps 7
check "the latest session's device: $(line 1)" has "$TMP/err" "^vae-vk train: device: cpu: .*(the run's own)$"

echo "-- a device this machine lacks is named, and the run kept"
sed -i '$ s/,cpu$/,vulkan 99/' "$TMP/ref/sessions.csv"
cp "$TMP/ref/checkpoint.safetensors" "$TMP/before.safetensors"
expect_error "(the device this run trained on: --device chooses another)" train --resume "$TMP/ref" --steps 8
check "the checkpoint is untouched" cmp -s "$TMP/ref/checkpoint.safetensors" "$TMP/before.safetensors"
expect_ok train --resume "$TMP/ref" --steps 8 --device cpu
echo "nonsense" >"$TMP/ref/sessions.csv"
expect_ok train --resume "$TMP/ref" --steps 9
check "a damaged sessions.csv: the default device, then the file starts again" \
    [ "$(cut -d, -f3- "$TMP/ref/sessions.csv" | tr '\n' ' ')" = "first_step,last_step,device 8,9,cpu " ]

finish
