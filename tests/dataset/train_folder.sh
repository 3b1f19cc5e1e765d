# `train --data DIR` and the dataset commands as a user runs them, on a
# folder made on the spot: exported synthetic faces in subfolders, CelebA-
# shaped JPEGs, and three unusable files. Run as: sh train_folder.sh VAEVK.
VAEVK=${1:-$VAEVK}
if [ ! -x "$VAEVK" ]; then
    echo "FAIL  no vae-vk executable (got '$VAEVK'): pass it as the first argument"
    exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/vaevk-dataset-XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
FAILS=0
ok() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; FAILS=$((FAILS + 1)); }
check() { desc=$1; shift; if "$@"; then ok "$desc"; else fail "$desc"; fi; }
run() { "$VAEVK" "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?; }
has() { grep -q -- "$2" "$1"; }
rows() { tail -n +2 "$1" | wc -l | tr -d ' '; }
TINY="--device cpu --channels 4,8,8,16 --latent 8 --batch 4"
D=$TMP/faces
CACHE=$D/.vae-vk-cache-64.bin

"$VAEVK" dataset export --n 36 --out "$D" --quiet >/dev/null &&
"$VAEVK" dataset export --n 4 --first 36 --out "$D/celeba" --shape celeba --format jpg --quiet >/dev/null ||
    { echo "FAIL  dataset export"; exit 1; }
printf 'not an image\n' >"$D/notes.jpg"
: >"$D/empty.png"
head -c 300 "$D/000/000001.png" >"$D/000/cut.png"

echo "-- train --data DIR: the cache is built, bad files named, a few steps run"
run train --data "$D" $TINY --steps 5 --out "$TMP/run"
check "train exits 0 (rc $RC)" [ "$RC" -eq 0 ]
check "summary: 40 images from 43 files, 3 skipped" has "$TMP/err" "40 images from 43 files, 3 skipped"
for f in notes.jpg empty.png 000/cut.png; do
    check "summary names $f" has "$TMP/err" "$f ("
done
check "the cache went into the folder" [ -s "$CACHE" ]
check "log.csv has 5 steps ($(rows "$TMP/run/log.csv"))" [ "$(rows "$TMP/run/log.csv")" -eq 5 ]
check "val.csv has one row, after step 5, on 2 held-out images: $(tail -n 1 "$TMP/run/val.csv")" \
    has "$TMP/run/val.csv" "^1,5,[0-9.e+]*,[0-9.e+]*,[0-9.e+-]*,2$"
check "the loader's wait is reported" has "$TMP/err" "done: step 5 of 5 in .* ([0-9.]* s waiting for data)"

echo "-- the cache is reused, and a resumed run continues the log and val.csv"
run train --resume "$TMP/run" --steps 8 --device cpu
check "resume exits 0 (rc $RC)" [ "$RC" -eq 0 ]
check "the cache was not rebuilt" sh -c "! grep -q 'wrote .*a cache of' '$TMP/err'"
check "val.csv rows after steps 5 and 8" has "$TMP/run/val.csv" "^1,8,"

echo "-- dataset info, preview, prepare; reconstruct on held-out images"
run dataset info --data "$D" --quiet
check "info exits 0" [ "$RC" -eq 0 ]
check "info: 40 images" has "$TMP/out" "^images: *40$"
check "info: 3 skipped, each listed" has "$TMP/out" "^  notes.jpg: not an image"
check "info: mean and std per channel" has "$TMP/out" "^std (RGB): *0\.[0-9]* 0\.[0-9]* 0\.[0-9]*"
run dataset preview --data "$D" --n 8 --out "$TMP/p.png" --quiet
check "preview writes a PNG" [ -s "$TMP/p.png" ]
run dataset prepare "$D" --out "$TMP/prep.bin" --quiet
check "prepare writes a cache ($(cat "$TMP/out"))" [ -s "$TMP/prep.bin" ]
run train --data "$TMP/prep.bin" $TINY --steps 2 --out "$TMP/run_file" --quiet
check "train --data FILE runs (rc $RC)" [ "$RC" -eq 0 ]
run reconstruct --checkpoint "$TMP/run" --device cpu --n 2 --out "$TMP/r.png" --quiet
check "reconstruct shows the 2 held-out images (rc $RC)" sh -c "[ $RC -eq 0 ] && [ -s '$TMP/r.png' ]"

echo "-- a damaged cache is named, never used"
OFF=$((4096 + 12288 * 3 + 100))
BYTE=$(od -An -tu1 -j $OFF -N1 "$CACHE" | tr -d ' ')
printf "$(printf '\\%03o' $(( (BYTE + 1) % 256 )))" | dd of="$CACHE" bs=1 seek=$OFF conv=notrunc 2>/dev/null
run train --data "$D" $TINY --steps 30 --out "$TMP/run_bad" --quiet
check "train stops (rc $RC) naming the damaged cache: $(cat "$TMP/err")" \
    sh -c "[ $RC -ne 0 ] && grep -q 'corrupted: images 0..39' '$TMP/err'"
run dataset info --data "$D" --quiet
check "info refuses it too" has "$TMP/err" "is corrupted"

echo "-- bad options"
run train --data "$D" $TINY --crop wide --out "$TMP/x"
check "--crop wide is refused (rc $RC)" has "$TMP/err" "--crop wide must be auto, square or a side"
run train --data "$D" $TINY --val-fraction 0.9 --out "$TMP/x"
check "--val-fraction 0.9 is out of range" has "$TMP/err" "out of range"
run train --data "$TMP/nowhere" $TINY --out "$TMP/x"
check "a missing --data path is named" has "$TMP/err" "$TMP/nowhere"

[ "$FAILS" -eq 0 ] || { echo "$FAILS check(s) failed"; exit 1; }
