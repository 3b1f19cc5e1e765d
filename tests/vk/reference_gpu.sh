# Every committed PyTorch reference step through `vae-vk check-reference
# --device 0` (lavapipe in CI), under the validation layer with
# synchronization validation, which must print nothing: the Vulkan backend
# meets the same bounds against PyTorch as the CPU reference (normalized MSE
# 1e-8 per tensor, loss terms 1e-5 relative). Skipped (77) without a Vulkan
# device. Run by meson as: sh reference_gpu.sh VAEVK_EXE
. "$(dirname "$0")/../cli/lib.sh"

if ! "$VAEVK" devices 2>/dev/null | grep -q '^0: '; then
    echo "skipped: no Vulkan device 0 (vae-vk devices)"
    exit 77
fi
for f in "$FIXTURES"/*.safetensors; do
    VAEVK_VALIDATION=1 "$VAEVK" check-reference "$f" --device 0 >"$TMP/out" 2>"$TMP/err"
    rc=$?
    verdict=$(tail -n 1 "$TMP/out")
    if [ "$rc" -eq 0 ] && ! grep -q 'vulkan validation' "$TMP/err"; then
        ok "$verdict"
    else
        fail "check-reference $(basename "$f") --device 0: exit $rc: $verdict"
        grep -E 'FAIL|vulkan validation' "$TMP/out" "$TMP/err" | head -5 | sed 's/^/        /'
    fi
done
finish
