#!/bin/sh
# kill -9 at random moments, again and again, then resume: the run ends
# exactly as one never killed. With a checkpoint after every step the
# kills land in every phase (a step, a checkpoint being written, a sample
# grid, the validation pass, start-up). After each kill the checkpoint must
# load, and at the end the parameters, Adam moments, log.csv, val.csv and
# sample grids must equal an uninterrupted run's bit for bit, with no
# temporary file left. The delays come from KILL_SEED (printed; set it to
# replay a failure).
. "$(dirname "$0")/lib.sh"

STEPS=600
RUN="$TINY --epochs 1000 --steps $STEPS --checkpoint-every 1"
SEED=${KILL_SEED:-$$}
echo "KILL_SEED=$SEED"

expect_ok train $RUN --out "$TMP/straight"

dir=$TMP/killed
kills=0
bad=0
round=0
# step DIR: the step of DIR's checkpoint, 0 if it has none.
step_of() {
    info=$("$CKPT_TOOL" info "$1" 2>/dev/null)
    case $info in step\ *) s=${info#step }; echo "${s%% *}" ;; *) echo 0 ;; esac
}
while [ "$(step_of "$dir")" -lt "$STEPS" ] && [ "$round" -lt 200 ]; do
    round=$((round + 1))
    if [ -f "$dir/checkpoint.safetensors" ]; then
        "$VAEVK" train --device cpu --quiet --resume "$dir" >/dev/null 2>"$TMP/kill.err" &
    else
        "$VAEVK" train $RUN --out "$dir" >/dev/null 2>"$TMP/kill.err" &
    fi
    pid=$!
    # 5 to 150 ms: from before the first step (start-up takes about 50 ms)
    # to a few dozen steps in
    sleep "$(awk -v s="$SEED" -v r="$round" 'BEGIN { srand(s * 1000 + r); printf "%.3f", 0.005 + 0.145 * rand() }')"
    finished=0
    if kill -9 "$pid" 2>/dev/null; then
        kills=$((kills + 1))
    else
        finished=1
    fi
    wait "$pid" 2>/dev/null
    rc=$?
    if [ "$finished" -eq 1 ]; then
        check "round $round: the run finished before its kill, exit $rc" test "$rc" -eq 0
        break
    fi
    if [ -s "$TMP/kill.err" ]; then
        fail "round $round: train printed before it was killed:"
        sed 's/^/        /' "$TMP/kill.err"
        bad=$((bad + 1))
    fi
    if [ -f "$dir/checkpoint.safetensors" ] && ! "$CKPT_TOOL" info "$dir" >/dev/null; then
        fail "round $round: the checkpoint left by kill -9 does not load: $("$CKPT_TOOL" info "$dir")"
        bad=$((bad + 1))
    fi
done
check "$kills kills in $round rounds, every checkpoint left behind loads, no error printed" \
    test "$bad" -eq 0 -a "$kills" -ge 20
expect_ok train --device cpu --quiet --resume "$dir"

same=$("$CKPT_TOOL" same "$TMP/straight" "$dir")
check "final checkpoints: $same" test $? -eq 0
log_curve "$TMP/straight" >"$TMP/a.csv"
log_curve "$dir" >"$TMP/b.csv"
check "log.csv equals the uninterrupted run's ($STEPS rows, timings aside)" cmp -s "$TMP/a.csv" "$TMP/b.csv"
check "val.csv equals the uninterrupted run's" cmp -s "$TMP/straight/val.csv" "$dir/val.csv"
grids=0
differ=""
for png in "$TMP/straight"/samples_epoch_*.png; do
    grids=$((grids + 1))
    cmp -s "$png" "$dir/${png##*/}" || differ="$differ ${png##*/}"
done
check "all $grids sample grids equal the uninterrupted run's${differ:+ (differing:$differ)}" \
    test -z "$differ" -a "$grids" -eq $((STEPS / 8))
check "no temporary file left" test -z "$(find "$dir" -name '*.tmp*')"

finish
