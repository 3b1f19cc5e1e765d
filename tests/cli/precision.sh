#!/bin/sh
# --precision on the command line, in the log, the checkpoint and a resume:
#   - a bad value is one line (mixed on a backend that computes fp32 only,
#     which no --device names now, is test_precision_choice.c's);
#   - a mixed run (on the reference, whose products round to binary16 as
#     matrix units do) logs its loss scale and skipped steps and saves them,
#     with the precision, in the checkpoint;
#   - stopped and resumed mid-epoch it gives the same log rows and the same
#     checkpoint, loss scaler included, bit for bit; the same on cpu, whose
#     resume stays mixed without being told;
#   - resumed with --precision fp32 it goes on in fp32, the loss scale back
#     to 1 and the skipped count kept;
#   - a log.csv from before these columns is kept on resume, its rows
#     given S = 1 and 0 skipped (those runs were fp32).
. "$(dirname "$0")/lib.sh"

MODEL="--channels 4,8,8,16 --latent 8 --batch 8 --synthetic-count 64 --quiet"

expect_error "give fp32 or mixed" train $TINY --precision half --out "$TMP/bad"
check "no run directory left by the refused run" test ! -e "$TMP/bad"

expect_ok train --device reference --precision mixed $MODEL --steps 12 --out "$TMP/straight"
first=$(sed -n 2p "$TMP/straight/log.csv" | cut -d, -f8,9)
check "log.csv's first row: loss_scale,skipped = $first (S starts at 2^16)" test "$first" = "65536,0"
scaler=$("$CKPT_TOOL" scaler "$TMP/straight")
check "checkpoint: $scaler" test "$scaler" = "precision mixed scale 65536 clean 12 skipped 0"
check "report.html's run table says mixed, S and the skipped steps" \
    grep -q '<th>precision</th><td>mixed: binary16 products, fp32 sums and all else; loss scale 65536 at the end, 0 steps skipped' \
    "$TMP/straight/report.html"

expect_ok train --device reference --precision mixed $MODEL --steps 5 --out "$TMP/resumed"
expect_ok train --device reference --quiet --resume "$TMP/resumed" --steps 12
cut -d, -f1-6,8,9 "$TMP/straight/log.csv" >"$TMP/a.csv"
cut -d, -f1-6,8,9 "$TMP/resumed/log.csv" >"$TMP/b.csv"
if cmp -s "$TMP/a.csv" "$TMP/b.csv"; then
    ok "mixed, stopped at step 5 and resumed (mixed: the run's own): all 12 log rows equal the straight run's"
else
    fail "the resumed mixed run's log differs (< straight, > resumed):"
    diff "$TMP/a.csv" "$TMP/b.csv" | head -n 6 | sed 's/^/        /'
fi
same=$("$CKPT_TOOL" same "$TMP/straight" "$TMP/resumed")
check "final checkpoints, loss scaler included: $same" test $? -eq 0

# the fast CPU backend's mixed products (binary16 operands, fp32 sums): a
# run stopped at step 5 and resumed with no --precision stays mixed and
# ends bit for bit where the straight run does
expect_ok train --device cpu --precision mixed $MODEL --steps 12 --out "$TMP/cpu_straight"
scaler=$("$CKPT_TOOL" scaler "$TMP/cpu_straight")
check "cpu, mixed: $scaler" test "$scaler" = "precision mixed scale 65536 clean 12 skipped 0"
expect_ok train --device cpu --precision mixed $MODEL --steps 5 --out "$TMP/cpu_resumed"
run train --device cpu --resume "$TMP/cpu_resumed" --steps 12
phrase=$(grep -F 'precision: ' "$TMP/err")
check "resumed on cpu: exit $RC, and it says: $phrase" \
    test "$RC" -eq 0 -a -n "$(echo "$phrase" | grep -F 'mixed, emulated' | grep -F "(the run's own)")"
cut -d, -f1-6,8,9 "$TMP/cpu_straight/log.csv" >"$TMP/a.csv"
cut -d, -f1-6,8,9 "$TMP/cpu_resumed/log.csv" >"$TMP/b.csv"
if cmp -s "$TMP/a.csv" "$TMP/b.csv"; then
    ok "cpu, mixed, stopped at step 5 and resumed: all 12 log rows equal the straight run's"
else
    fail "the resumed cpu mixed run's log differs (< straight, > resumed):"
    diff "$TMP/a.csv" "$TMP/b.csv" | head -n 6 | sed 's/^/        /'
fi
same=$("$CKPT_TOOL" same "$TMP/cpu_straight" "$TMP/cpu_resumed")
check "cpu, mixed: final checkpoints, loss scaler included: $same" test $? -eq 0

expect_ok train --device cpu --quiet --precision fp32 --resume "$TMP/resumed" --steps 14
scaler=$("$CKPT_TOOL" scaler "$TMP/resumed")
check "the reference's mixed run resumed on cpu with --precision fp32: $scaler" \
    test "$scaler" = "precision fp32 scale 1 clean 0 skipped 0"
last=$(tail -n 1 "$TMP/resumed/log.csv" | cut -d, -f8,9)
check "and its log rows say S = 1 ($last)" test "$last" = "1,0"

# a log written before the loss_scale and skipped columns
expect_ok train $TINY --steps 4 --out "$TMP/old"
{
    echo "step,epoch,beta,loss,recon,kl,images_per_s"
    tail -n +2 "$TMP/old/log.csv" | cut -d, -f1-7
} >"$TMP/old/log.old" && mv "$TMP/old/log.old" "$TMP/old/log.csv"
expect_ok train --device cpu --quiet --resume "$TMP/old" --steps 6
rows=$(tail -n +2 "$TMP/old/log.csv" | grep -c ',1,0$')
header=$(head -n 1 "$TMP/old/log.csv")
check "resuming an older log keeps its 4 rows, now ending ,1,0, beside 2 new ones ($rows of 6; $header)" \
    test "$rows" -eq 6 -a "$(log_rows "$TMP/old")" -eq 6
finish
