#!/bin/sh
# A full disk: every command that writes fails with a line that says the
# disk is full and what to do, keeps what was saved before, and leaves no
# temporary file. The disk is a 256 KiB tmpfs, room for one checkpoint of
# the tiny model (170 KiB) but not a second beside it; mounting it needs
# root, so elsewhere the test is skipped (exit 77).
. "$(dirname "$0")/lib.sh"

FULL=$TMP/full
mkdir "$FULL"
if ! mount -t tmpfs -o size=256k vaevk-full "$FULL" 2>/dev/null; then
    echo "SKIP  cannot mount a tmpfs (needs root): no full disk to test on"
    exit 77
fi
trap 'umount "$FULL"; rm -rf "$TMP"' EXIT

# expect_full PHRASE ARGS...: vae-vk ARGS fails (1..127) and its last line
# on stderr holds both "No space left on device; free some disk space" and
# PHRASE. (report and sample print the device they run on first.)
expect_full() {
    phrase=$1
    shift
    run "$@"
    last=$(tail -n 1 "$TMP/err")
    case $last in *"No space left on device; free some disk space"*)
        case $last in *"$phrase"*)
            if [ "$RC" -ne 0 ] && [ "$RC" -lt 128 ]; then
                ok "exit $RC: $last"
                return
            fi ;;
        esac ;;
    esac
    fail "vae-vk $*: exit $RC; wanted 1..127 and a last line saying the disk is full and '$phrase':"
    sed 's/^/        /' "$TMP/err"
}

no_tmp() {
    check "no temporary file left on the full disk" test -z "$(find "$FULL" -name '*.tmp*')"
}

echo "-- train: the second checkpoint does not fit"
expect_full "the checkpoint in $FULL/run (step 2) is kept" \
    train $TINY --steps 8 --checkpoint-every 2 --out "$FULL/run"
info=$("$CKPT_TOOL" info "$FULL/run")
check "the first checkpoint is whole: $info" test "$info" = "step 2 epoch 0 steps_per_epoch 8 moments 1"
no_tmp
before=$(cksum <"$FULL/run/checkpoint.safetensors")
expect_full "the checkpoint in $FULL/run (step 2) is kept" \
    train --device cpu --quiet --resume "$FULL/run" --steps 8
check "resuming on the full disk leaves the checkpoint as it was" \
    test "$(cksum <"$FULL/run/checkpoint.safetensors")" = "$before"
no_tmp

echo "-- the commands that write pictures and pages"
expect_full "report.html" report "$FULL/run"
expect_full "s.png" sample --device cpu --checkpoint "$FULL/run" --n 64 --scale 4 --out "$FULL/s.png"
check "no s.png" test ! -e "$FULL/s.png"
expect_full "stopped (every image file written is whole)" dataset export --out "$FULL/faces" --n 300
expect_full "stopped" dataset export --out "$FULL/faces_jpg" --n 300 --format jpg
no_tmp

echo "-- the disk made larger: the run carries on"
mount -o remount,size=2m "$FULL"
expect_ok train --device cpu --quiet --resume "$FULL/run" --steps 3
info=$("$CKPT_TOOL" info "$FULL/run")
check "one more step saved once the space is back: $info" \
    test "$info" = "step 3 epoch 0 steps_per_epoch 8 moments 1"

finish
