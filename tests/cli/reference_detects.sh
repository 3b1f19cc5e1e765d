#!/bin/sh
# check-reference must not be a rubber stamp: each fixture with one value
# changed (the exponent of the file's last float, so it is off by a factor
# of 2^64 or so, or becomes inf) must FAIL, with exit status 1, on the fast
# CPU backend, the mixed files too (its products round their operands to
# binary16 as the reference's do).
. "$(dirname "$0")/lib.sh"

for f in "$FIXTURES"/*.safetensors; do
    name=$(basename "$f")
    copy=$TMP/$name
    cp "$f" "$copy"
    size=$(wc -c <"$copy")
    last=$(tail -c 1 "$copy" | od -An -tu1 | tr -d ' ')
    flipped=$((last ^ 64))
    # shellcheck disable=SC2059 # the format is the octal escape itself
    printf "\\$(printf '%03o' "$flipped")" | dd of="$copy" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
    device=cpu
    run check-reference "$copy" --device "$device"
    failing=$(grep -c 'FAIL$' "$TMP/out")
    check "$name on $device, last byte $last -> $flipped: exit $RC (want 1), $failing comparison(s) FAIL" \
        test "$RC" -eq 1 -a "$failing" -ge 1
done

finish
