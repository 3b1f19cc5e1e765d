#!/bin/sh
# Resuming continues the same run exactly: 20 steps straight, and 20 steps
# stopped at step 8 (an epoch boundary) or 13 (mid-epoch, mid beta ramp) and
# resumed, give the same log rows, the same final parameters and moments bit
# for bit, and the same sample grid. The CPU backend is deterministic and
# the data order, flips and noise are functions of (seed, step), so no
# tolerance: any difference is a resume bug.
. "$(dirname "$0")/lib.sh"

expect_ok train $TINY --steps 20 --out "$TMP/straight"
for stop in 8 13; do
    echo "-- stopped at step $stop, then resumed"
    dir=$TMP/resumed_$stop
    expect_ok train $TINY --steps "$stop" --out "$dir"
    info=$("$CKPT_TOOL" info "$dir")
    check "checkpoint after --steps $stop: $info" test "$info" = \
        "step $stop epoch $((stop / 8)) steps_per_epoch 8 moments 1"
    expect_ok train --device cpu --quiet --resume "$dir" --steps 20
    log_curve "$TMP/straight" >"$TMP/a.csv"
    log_curve "$dir" >"$TMP/b.csv"
    rows=$(($(wc -l <"$TMP/b.csv") - 1))
    if cmp -s "$TMP/a.csv" "$TMP/b.csv"; then
        ok "log.csv: all $rows rows equal the straight run's (step, epoch, beta, loss, recon, kl)"
    else
        fail "log.csv differs from the straight run's (< straight, > resumed):"
        diff "$TMP/a.csv" "$TMP/b.csv" | head -n 8 | sed 's/^/        /'
    fi
    same=$("$CKPT_TOOL" same "$TMP/straight" "$dir")
    check "final checkpoints: $same" test $? -eq 0
    check "samples_epoch_002.png (drawn after the resume) equals the straight run's" \
        cmp -s "$TMP/straight/samples_epoch_002.png" "$dir/samples_epoch_002.png"
done

# --checkpoint-every lives in the checkpoint: a resumed run keeps it (it went
# back to 500) unless --checkpoint-every is given again
expect_ok train $TINY --steps 5 --checkpoint-every 3 --out "$TMP/every"
every=$("$CKPT_TOOL" option "$TMP/every" checkpoint-every)
check "checkpoint-every 3 saved in the checkpoint (got $every)" test "$every" = 3
expect_ok train --device cpu --quiet --resume "$TMP/every" --steps 7
every=$("$CKPT_TOOL" option "$TMP/every" checkpoint-every)
check "still 3 after --resume (got $every)" test "$every" = 3
expect_ok train --device cpu --quiet --resume "$TMP/every" --steps 9 --checkpoint-every 4
every=$("$CKPT_TOOL" option "$TMP/every" checkpoint-every)
check "--resume --checkpoint-every 4 changes it (got $every)" test "$every" = 4

# resuming to a step the run has already reached changes nothing
before=$(cksum <"$TMP/straight/checkpoint.safetensors")
run train --device cpu --resume "$TMP/straight" --steps 10
after=$(cksum <"$TMP/straight/checkpoint.safetensors")
if [ "$RC" -eq 0 ] && grep -q "nothing to do" "$TMP/err" && [ "$before" = "$after" ]; then
    ok "resume --steps 10 of a run at step 20: exit 0, '$(grep -o 'already at step [0-9]* of [0-9]*' "$TMP/err")', checkpoint untouched"
else
    fail "resume --steps 10 of a run at step 20: exit $RC, checkpoint $( [ "$before" = "$after" ] && echo untouched || echo CHANGED):"
    sed 's/^/        /' "$TMP/err"
fi

finish
