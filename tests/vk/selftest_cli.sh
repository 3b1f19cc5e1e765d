# vae-vk selftest as a user runs it (suite 'vk', under VAEVK_VALIDATION=1):
# on Vulkan device 0 (lavapipe in CI) every check passes, the output names
# the device and ends with the verdict line, and --device reference (the
# reference itself) is refused with one line. Skipped (77) without a Vulkan
# device. Run by meson as: sh selftest_cli.sh VAEVK_EXE
. "$(dirname "$0")/../cli/lib.sh"

if ! "$VAEVK" devices 2>/dev/null | grep -q '^0: '; then
    echo "skipped: no Vulkan device 0 (vae-vk devices)"
    exit 77
fi

run selftest --device 0
verdict=$(grep -E '^[0-9]+ of [0-9]+ checks passed' "$TMP/out")
passed=$(echo "$verdict" | cut -d' ' -f1)
total=$(echo "$verdict" | cut -d' ' -f3)
echo "      verdict: $verdict"
# 46 op cases, 20 training steps, parameters, m, v, the validation layer
if [ "$RC" -eq 0 ] && [ -n "$verdict" ] && [ "$passed" = "$total" ] && [ "$total" -ge 70 ]; then
    ok "selftest --device 0: exit 0, $passed of $total checks passed"
else
    fail "selftest --device 0: exit $RC, verdict '$verdict' (wanted every check of at least 70 passed):"
    grep -E 'FAIL|DIFFER|HIT' "$TMP/out" | sed 's/^/        /'
    sed 's/^/        /' "$TMP/err"
fi
if head -n 1 "$TMP/out" | grep -q '^vae-vk selftest: Vulkan 0: ' &&
    sed -n 2p "$TMP/out" | grep -q 'driver'; then
    ok "header names the device and its driver: $(head -n 1 "$TMP/out" | cut -c18-)"
else
    fail "header does not name the device and driver:"
    head -n 2 "$TMP/out" | sed 's/^/        /'
fi
check "validation layer silent" grep -q '^validation layer: 0 warnings/errors  ok' "$TMP/out"
check "no row failed" sh -c "! grep -q 'FAIL' '$TMP/out'"

expect_error "--device reference is what the selftest compares against" selftest --device reference
expect_error "is not 'cpu', 'reference' or a Vulkan device index" selftest --device x

finish
