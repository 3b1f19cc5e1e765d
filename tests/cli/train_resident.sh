#!/bin/sh
# Where the batches come from changes nothing: a run whose training images
# sit on the device (gathered there by index, the default when they fit)
# and one streamed from the host (VAEVK_RESIDENT_MAX_MB=0 forces it) log the
# same rows, save the same checkpoint bytes and draw the same grids; a run
# stopped in one way and resumed in the other ends where both do. train says
# which it does, and why it streams.
. "$(dirname "$0")/lib.sh"

# streamed ARGS...: expect_ok ARGS with VAEVK_RESIDENT_MAX_MB=0
streamed() {
    export VAEVK_RESIDENT_MAX_MB=0
    expect_ok "$@"
    unset VAEVK_RESIDENT_MAX_MB
}

same_run() { # DIR_A DIR_B WHAT
    if cmp -s "$1/checkpoint.safetensors" "$2/checkpoint.safetensors" &&
        [ "$(log_curve "$1")" = "$(log_curve "$2")" ] &&
        cmp -s "$1/samples_epoch_002.png" "$2/samples_epoch_002.png"; then
        ok "$3: checkpoint bytes, log.csv ($(log_rows "$2") rows) and samples_epoch_002.png the same"
    else
        fail "$3: the runs differ (< $1, > $2):"
        log_curve "$1" >"$TMP/a.csv"
        log_curve "$2" >"$TMP/b.csv"
        diff "$TMP/a.csv" "$TMP/b.csv" | head -n 6 | sed 's/^/        /'
    fi
}

LOUD=$(echo "$TINY" | sed 's/ --quiet//')
# shellcheck disable=SC2086
expect_ok train $LOUD --steps 20 --out "$TMP/held"
check "says: $(grep 'batches:' "$TMP/err")" \
    grep -q "^vae-vk train: batches: gathered on the device from its 64 training images (0.8 MiB, put there in" "$TMP/err"
# shellcheck disable=SC2086
streamed train $LOUD --steps 20 --out "$TMP/streamed"
check "says: $(grep 'batches:' "$TMP/err")" grep -q "^vae-vk train: batches: streamed from the host (the 64 \
training images stay there: 0.8 MiB, over VAEVK_RESIDENT_MAX_MB=0)$" "$TMP/err"
same_run "$TMP/held" "$TMP/streamed" "20 steps held vs streamed"

echo "-- stopped at step 13 one way, resumed the other"
# shellcheck disable=SC2086
streamed train $TINY --steps 13 --out "$TMP/streamed_then_held"
expect_ok train --device cpu --quiet --resume "$TMP/streamed_then_held" --steps 20
same_run "$TMP/held" "$TMP/streamed_then_held" "streamed to 13, then held"
# shellcheck disable=SC2086
expect_ok train $TINY --steps 13 --out "$TMP/held_then_streamed"
streamed train --device cpu --quiet --resume "$TMP/held_then_streamed" --steps 20
same_run "$TMP/held" "$TMP/held_then_streamed" "held to 13, then streamed"

echo "-- the reference backend holds them too"
tiny_ref=$(echo "$LOUD" | sed 's/--device cpu/--device reference/')
# shellcheck disable=SC2086
expect_ok train $tiny_ref --steps 3 --out "$TMP/ref"
check "reference: $(grep 'batches:' "$TMP/err")" grep -q "batches: gathered on the device" "$TMP/err"
finish
