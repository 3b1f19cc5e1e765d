#!/bin/sh
# vae-vk sweep on the tiny model: a 2 x 1 grid finishes and writes
# sweep.html (checked by check_sweep.py); a second invocation skips both
# runs, says so, and leaves their checkpoints alone; a sweep stopped by
# SIGINT in its second run resumes that run on the next invocation and
# ends with the same checkpoint as the uninterrupted sweep; other settings
# for the same directory, and bad lists, fail with one line.
. "$(dirname "$0")/../cli/lib.sh"
PY=/usr/bin/python3
TINY_LOUD="--device cpu --channels 4,8,8,16 --latent 8 --batch 8 --synthetic-count 64"
GRID="--beta 0,1 --anneal-epochs 1 --epochs 3 --checkpoint-every 2"
RUNS=beta-0_anneal-0,beta-1_anneal-1

expect_ok sweep $GRID $TINY --out "$TMP/a"
for run in beta-0_anneal-0 beta-1_anneal-1; do
    check "run $run trained to its last step" grep -q '^23,' "$TMP/a/$run/log.csv"
done
check "sweep.json keeps the grid" grep -q '"beta":"0,1"' "$TMP/a/sweep.json"
if [ -x "$PY" ]; then
    if "$PY" "$SOURCE_ROOT/tests/viz/check_sweep.py" "$TMP/a/sweep.html" --runs "$RUNS" \
        --answered answer-beta-0 --unanswered answer-beta-large,answer-collapse > "$TMP/check" 2>&1; then
        ok "sweep.html: $(tail -1 "$TMP/check")"
    else
        fail "sweep.html:"
        sed 's/^/        /' "$TMP/check"
    fi
else
    echo "skip  the page check: $PY is missing"
fi

# again, with no settings: they come from sweep.json, and both runs are done
cksum "$TMP"/a/*/checkpoint.safetensors > "$TMP/before"
ls -l --time-style=+%s.%N "$TMP"/a/*/checkpoint.safetensors >> "$TMP/before"
expect_ok sweep --device cpu --out "$TMP/a"
for k in 1 2; do
    check "says run $k of 2 was skipped: $(grep "run $k of 2" "$TMP/err")" \
        grep -q "run $k of 2: .*: finished (step 24 of 24), skipped" "$TMP/err"
done
cksum "$TMP"/a/*/checkpoint.safetensors > "$TMP/after"
ls -l --time-style=+%s.%N "$TMP"/a/*/checkpoint.safetensors >> "$TMP/after"
check "the finished runs' checkpoints are untouched" cmp -s "$TMP/before" "$TMP/after"

# Ctrl-C in the second run: it saves, the sweep stops, the next one resumes it
"$VAEVK" sweep $GRID $TINY_LOUD --out "$TMP/b" > /dev/null 2> "$TMP/b.err" &
pid=$!
i=0
while [ "$(log_rows "$TMP/b/beta-1_anneal-1")" -lt 4 ] && kill -0 $pid 2>/dev/null && [ $i -lt 1200 ]; do
    sleep 0.05
    i=$((i + 1))
done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
check "SIGINT in run 2 stops the sweep with 130 (got $rc)" [ $rc -eq 130 ]
check "and says how to go on: $(tail -1 "$TMP/b.err")" grep -q "stopped at run 2 of 2: run the same command again" \
    "$TMP/b.err"
expect_ok sweep $GRID $TINY_LOUD --out "$TMP/b"
check "run 1 skipped: $(grep 'run 1 of 2' "$TMP/err")" grep -q "run 1 of 2: beta 0, anneal 0: finished" "$TMP/err"
check "run 2 resumed: $(grep 'run 2 of 2' "$TMP/err")" grep -q "run 2 of 2: beta 1, anneal 1: resuming .* at step" \
    "$TMP/err"
check "the resumed run ends with the uninterrupted sweep's model" \
    cmp -s "$TMP/a/beta-1_anneal-1/checkpoint.safetensors" "$TMP/b/beta-1_anneal-1/checkpoint.safetensors"

expect_error "holds a sweep with --epochs 3, not 4" sweep --epochs 4 --device cpu --out "$TMP/a"
expect_error "holds a sweep over --beta 0,1, not 0,10" sweep --beta 0,10 --device cpu --out "$TMP/a"
expect_error "--beta '1,x' must be" sweep --beta 1,x --out "$TMP/c"
expect_error "--anneal-epochs '2,2' must be" sweep --anneal-epochs 2,2 --out "$TMP/c"
check "a refused sweep leaves no directory" [ ! -e "$TMP/c" ]
finish
