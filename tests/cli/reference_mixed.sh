#!/bin/sh
# check-reference on the mixed-precision fixtures (suite 'reference'):
# - the reference (plain C, with mixed products) and the fast CPU backend
#   (binary16 operands in its copies and panels, fp32 sums) run both and
#   pass, with the precision, S and the mixed limit in the verdict; exit 77
#   is a failure, not a skip: these backends must run the mixed fixtures
#   (an fp32-only backend would skip with 77; none is on the command line);
# - metadata it must refuse in one line (a copy's JSON header edited here, so
#   no PyTorch is needed): a precision that is neither fp32 nor mixed, a
#   loss_scale that is not a power of two, zero or inf, a loss_scale in an
#   fp32 file;
# - S = 2^17 on the warm fixture, whose largest S*gradient operand is then
#   past binary16's largest: the step is skipped on both backends, and that
#   is one FAIL line.
# Run by meson as: sh reference_mixed.sh VAEVK_EXE
. "$(dirname "$0")/lib.sh"

S1=$FIXTURES/ref_mixed_s1.safetensors
WARM=$FIXTURES/ref_mixed_warm_s65536.safetensors

# le64 N: N as 8 bytes, little-endian (a safetensors header length).
le64() {
    v=$1
    i=0
    while [ "$i" -lt 8 ]; do
        # shellcheck disable=SC2059 # the format is the octal escape itself
        printf "\\$(printf '%03o' $((v % 256)))"
        v=$((v / 256))
        i=$((i + 1))
    done
}

# edit_meta IN OUT OLD NEW: OUT is IN with the text OLD of its JSON header
# replaced by NEW (no '|' in either), the header length rewritten.
edit_meta() {
    n=$(od -An -tu1 -N8 "$1" | awk '{ print $1 + 256 * $2 + 65536 * $3 + 16777216 * $4 }')
    head -c $((8 + n)) "$1" | tail -c "$n" >"$TMP/header"
    if ! grep -qF -- "$3" "$TMP/header"; then
        fail "$(basename "$1")'s header holds no '$3' to edit"
        return
    fi
    sed "s|$3|$4|" "$TMP/header" | tr -d '\n' >"$TMP/header.new"
    { le64 "$(wc -c <"$TMP/header.new")"; cat "$TMP/header.new"; tail -c +$((9 + n)) "$1"; } >"$2"
}

for f in "$S1" "$WARM"; do
    name=$(basename "$f")
    for device in reference cpu; do
        run check-reference "$f" --device $device --quiet
        verdict=$(cat "$TMP/out")
        check "$name on $device: exit $RC (want 0; 77 would mean it does not run): $verdict" \
            test "$RC" -eq 0 -a -n "$(grep ': PASS (0 failures;.* limit 1e-05; .*; precision mixed, loss scale ' "$TMP/out")"
    done
done

# The edit itself: changing nothing must still pass, so a failure below is
# the metadata's, not a broken copy's.
edit_meta "$WARM" "$TMP/same.safetensors" '"loss_scale":"65536"' '"loss_scale": "65536"'
expect_ok check-reference "$TMP/same.safetensors" --device reference --quiet

edit_meta "$S1" "$TMP/float.safetensors" '"precision":"mixed"' '"precision":"float16"'
expect_error "metadata precision='float16' is neither 'fp32' nor 'mixed'" \
    check-reference "$TMP/float.safetensors" --device reference --quiet
for bad in 3 0 -1 0x1p25 1e999 2x; do
    edit_meta "$S1" "$TMP/s$bad.safetensors" '"loss_scale":"1"' "\"loss_scale\":\"$bad\""
    expect_error "metadata loss_scale='$bad' is not a power of two in [2^-24, 2^24]" \
        check-reference "$TMP/s$bad.safetensors" --device reference --quiet
done
edit_meta "$S1" "$TMP/fp32.safetensors" '"precision":"mixed"' '"precision":"fp32"'
expect_error "metadata loss_scale='1' in an fp32 file" \
    check-reference "$TMP/fp32.safetensors" --device reference --quiet
edit_meta "$S1" "$TMP/noprec.safetensors" '"precision":"mixed",' ''
expect_error "metadata loss_scale='1' in an fp32 file" \
    check-reference "$TMP/noprec.safetensors" --device reference --quiet

edit_meta "$WARM" "$TMP/s2e17.safetensors" '"loss_scale":"65536"' '"loss_scale":"131072"'
for device in reference cpu; do
    run check-reference "$TMP/s2e17.safetensors" --device $device
    lines=$(wc -l <"$TMP/out")
    check "S = 2^17 overflows binary16 on $device: exit $RC (want 1), $lines line(s): $(cat "$TMP/out")" \
        test "$RC" -eq 1 -a -n "$(grep -F ': FAIL: the step was skipped' "$TMP/out")" -a \
        "$(grep -c FAIL "$TMP/out")" -eq 1
done

finish
