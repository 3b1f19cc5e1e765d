# `vae-vk train --device 0` as a user runs it: steps pipelined two deep
# (the host fills one step's inputs while the device runs the other), under
# the validation layer with synchronization validation, which must print
# nothing; every logged loss term must match a CPU-reference run of the same
# configuration within 1e-5 relative (issue #3's bound for whole steps), and
# the checkpoints must hold the same step. Skipped (77) without a Vulkan
# device. Run by meson as: sh train_pipelined.sh VAEVK_EXE
. "$(dirname "$0")/../cli/lib.sh"

if ! "$VAEVK" devices 2>/dev/null | grep -q '^0: '; then
    echo "skipped: no Vulkan device 0 (vae-vk devices)"
    exit 77
fi

# 2 epochs of 10 steps, a checkpoint every 3: pipelining stops and drains at
# steps 3, 6, 9, 10 (epoch end), 12, ...
MODEL="--channels 4,8,8,16 --latent 8 --batch 4 --synthetic-count 40 --epochs 2 --checkpoint-every 3"
VAEVK_VALIDATION=1 "$VAEVK" train --device 0 --out "$TMP/gpu" $MODEL --quiet 2>"$TMP/gpu.err"
gpu_rc=$?
"$VAEVK" train --device cpu --out "$TMP/cpu" $MODEL --quiet 2>"$TMP/cpu.err"
cpu_rc=$?
check "both runs exit 0 (gpu $gpu_rc, cpu $cpu_rc)" [ "$gpu_rc" -eq 0 ] && [ "$cpu_rc" -eq 0 ]
if grep -q 'vulkan validation' "$TMP/gpu.err"; then
    fail "the validation layer reported:"
    grep 'vulkan validation' "$TMP/gpu.err" | head -5 | sed 's/^/        /'
else
    ok "the validation layer stayed silent over 20 pipelined steps"
fi

# step,epoch,beta,loss,recon,kl,...: compare loss, recon, kl row by row (the
# two logs pasted side by side, each NF / 2 fields)
worst=$(paste -d, "$TMP/gpu/log.csv" "$TMP/cpu/log.csv" | awk -F, '
    NR == 1 { next }
    { rows++
      for (i = 4; i <= 6; i++) {
          a = $i; b = $(i + NF / 2); d = a - b; if (d < 0) d = -d
          m = b < 0 ? -b : b; if (m < 1e-30) m = 1e-30
          if (d / m > worst) worst = d / m
      } }
    END { printf "%d %.3g", rows, worst }')
rows=${worst% *}
rel=${worst#* }
if [ "$rows" -eq 20 ] && awk "BEGIN { exit !($rel <= 1e-5) }"; then
    ok "20 logged steps agree with the CPU reference: worst relative difference $rel (bound 1e-5)"
else
    fail "logged steps: $rows rows, worst relative difference $rel (wanted 20 rows within 1e-5)"
fi

# a batch the device cannot hold: one line naming the limit and a batch that fits
expect_error "fits" train --device 0 --batch 60000 --synthetic-count 60000 --out "$TMP/huge" --quiet
finish
