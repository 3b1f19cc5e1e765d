#!/bin/sh
# Ctrl-C during training: the step in flight finishes, a checkpoint of
# exactly the logged steps is saved, the exit status is 130, and --resume
# carries on as if nothing had happened (checked against a straight run).
. "$(dirname "$0")/lib.sh"

"$VAEVK" train $TINY --epochs 1000 --out "$TMP/run" >"$TMP/out" 2>"$TMP/err" &
pid=$!
# past the first epoch (whose end saves a checkpoint) and into the second
wait_rows "$TMP/run" 12 "$pid"
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
rows=$(log_rows "$TMP/run")
check "SIGINT after $rows logged steps: exit $rc (want 130)" test "$rc" -eq 130
line=$(cat "$TMP/err")
check "one line on stderr: $line" \
    test "$(wc -l <"$TMP/err")" -eq 1 -a -n "$(grep -F "interrupted at step $rows; saved" "$TMP/err")"
info=$("$CKPT_TOOL" info "$TMP/run")
check "the checkpoint is valid and holds every logged step: $info" \
    test "$info" = "step $rows epoch $((rows / 8)) steps_per_epoch 8 moments 1"
check "no temporary file left" test ! -e "$TMP/run/checkpoint.safetensors.tmp"

total=$((rows + 5))
echo "-- resumed to step $total, and a straight run of $total steps"
expect_ok train --device cpu --quiet --resume "$TMP/run" --epochs 1000 --steps "$total"
expect_ok train $TINY --epochs 1000 --steps "$total" --out "$TMP/straight"
log_curve "$TMP/straight" >"$TMP/a.csv"
log_curve "$TMP/run" >"$TMP/b.csv"
check "log.csv of the interrupted and resumed run equals the straight run's ($total rows)" \
    cmp -s "$TMP/a.csv" "$TMP/b.csv"
same=$("$CKPT_TOOL" same "$TMP/straight" "$TMP/run")
check "final checkpoints: $same" test $? -eq 0

finish
