#!/bin/sh
# A run directory has one writer at a time and survives whatever happens to
# it: a second train or report is refused while the first runs, kill -9
# loses only the steps after the last checkpoint, a diverged run stops with
# its last good checkpoint kept, and a damaged log.csv is repaired on resume.
. "$(dirname "$0")/lib.sh"

# log_ok DIR N: log.csv is the header and exactly the rows 0..N-1, each of
# 9 fields.
log_ok() {
    awk -F, -v n="$2" '
        NR == 1 { ok = $0 == "step,epoch,beta,loss,recon,kl,images_per_s,loss_scale,skipped"; next }
        NF != 9 || $1 != NR - 2 { ok = 0 }
        END { exit !(ok && NR == n + 1) }' "$1/log.csv"
}

echo "-- one writer at a time"
"$VAEVK" train $TINY --epochs 1000 --checkpoint-every 3 --out "$TMP/busy" >/dev/null 2>"$TMP/busy.err" &
pid=$!
wait_rows "$TMP/busy" 7 "$pid"
expect_error "in use by process $pid" train $TINY --steps 5 --out "$TMP/busy"
expect_error "in use by process $pid" train --device cpu --quiet --resume "$TMP/busy" --steps 5
expect_error "in use by process $pid" report "$TMP/busy"
kill -9 "$pid" 2>/dev/null
wait "$pid"
check "the first train was still running when killed (not finished or failed early)" \
    test ! -s "$TMP/busy.err"

echo "-- killed with SIGKILL, then resumed"
info=$("$CKPT_TOOL" info "$TMP/busy")
saved=${info#step }
saved=${saved%% *}
check "the checkpoint left by kill -9 is valid: $info" test "$saved" -ge 3
expect_ok train --device cpu --quiet --resume "$TMP/busy" --steps 30
check "log.csv after the resume: the header and rows 0..29, nothing doubled or torn" \
    log_ok "$TMP/busy" 30

echo "-- the loss turns NaN"
# Four good steps, saved; then a learning rate of 0.5 written into the
# checkpoint, at which this model's loss overflows within two steps. The
# error suggests a tenth of it, which --resume may change.
expect_ok train $TINY --steps 4 --lr 1e-3 --out "$TMP/nan"
"$CKPT_TOOL" set "$TMP/nan/checkpoint.safetensors" lr 0.5 >/dev/null
before=$(cksum <"$TMP/nan/checkpoint.safetensors")
expect_error "the checkpoint in $TMP/nan (step 4) is kept" \
    train --device cpu --quiet --resume "$TMP/nan" --steps 40
check "the error names the non-finite loss and its step" grep -Eq "the loss is (NaN|-?inf) .* at step [0-9]" "$TMP/err"
check "the checkpoint is untouched" test "$(cksum <"$TMP/nan/checkpoint.safetensors")" = "$before"
check "no temporary file left" test -z "$(find "$TMP/nan" -name '*.tmp*')"
suggested=$(grep -o -- "--resume .* --lr [0-9.e-]*$" "$TMP/err")
# the word splitting of the suggestion into arguments is meant
# shellcheck disable=SC2086
expect_ok train --device cpu --quiet --steps 12 $suggested
lr=$("$CKPT_TOOL" option "$TMP/nan" lr)
info=$("$CKPT_TOOL" info "$TMP/nan")
check "the suggested lower rate ($suggested) is taken and trains on: lr $lr, $info" \
    awk -v lr="$lr" -v info="$info" 'BEGIN { exit !(lr > 0.0499999 && lr < 0.0500001 && info ~ /^step 12 /) }'

echo "-- a damaged log.csv is repaired on resume"
expect_ok train $TINY --steps 8 --out "$TMP/log"
printf '8,1,0.3,34' >>"$TMP/log/log.csv"
expect_ok train --device cpu --quiet --resume "$TMP/log" --steps 12
check "a torn last row (kill -9 mid-write) is dropped: rows 0..11, 9 fields each" \
    log_ok "$TMP/log" 12
: >"$TMP/log/log.csv"
expect_ok train --device cpu --quiet --resume "$TMP/log" --steps 14
check "an emptied log.csv gets its header back, then rows 12..13" \
    test "$(head -n 1 "$TMP/log/log.csv")" = "step,epoch,beta,loss,recon,kl,images_per_s,loss_scale,skipped" -a \
    "$(tail -n +2 "$TMP/log/log.csv" | cut -d, -f1 | tr '\n' ' ')" = "12 13 "

echo "-- temporary files of a killed process are removed"
: >"$TMP/log/checkpoint.safetensors.tmp"
: >"$TMP/log/samples_epoch_001.png.tmp"
expect_ok train --device cpu --quiet --resume "$TMP/log" --steps 15
check "no *.tmp file left in the run directory" test -z "$(find "$TMP/log" -name '*.tmp')"

echo "-- a run that cannot start leaves nothing behind"
expect_error "--data $TMP/absent" train $TINY --data "$TMP/absent" --steps 4 --out "$TMP/never"
check "no run directory created" test ! -e "$TMP/never"

finish
