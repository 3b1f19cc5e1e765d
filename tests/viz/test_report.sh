#!/bin/sh
# The run report as a user gets it: train writes RUN_DIR/report.html at the
# end of a run; `vae-vk report RUN_DIR` rewrites it, with validation points
# once a val.csv exists. check_report.py (standard library only) parses each
# page and checks what it embeds. Bad input to `report` fails with one line.
set -u
: "${VAEVK:?VAEVK must name the vae-vk executable}" "${SOURCE_ROOT:?SOURCE_ROOT must be set}"
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
    echo "SKIP: $PY is missing; the report checker needs a standard Python 3"
    exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
status=0
fail() { echo "FAIL  $*"; status=1; }
check() { "$PY" "$SOURCE_ROOT/tests/viz/check_report.py" "$@" || status=1; }
images=img-samples-epoch-001,img-samples-epoch-002,img-reconstructions,img-interpolation
images=$images,img-traversal-zero,img-traversal-image

"$VAEVK" train --out "$dir/run" --device cpu --channels 4,8,8,8 --latent 8 --batch 8 \
    --synthetic-count 64 --epochs 2 --anneal-epochs 1 --quiet || fail "tiny training run"
if [ -f "$dir/run/report.html" ]; then
    echo "ok    train wrote report.html"
    check "$dir/run/report.html" --expect "$images" --sections attributes
else
    fail "train did not write $dir/run/report.html"
fi

printf 'epoch,step,loss,recon,kl\n0,8,900.5,850.25,40\n1,16,800,760,35\n' > "$dir/run/val.csv"
rm -f "$dir/run/report.html"
"$VAEVK" report "$dir/run" --device cpu --quiet || fail "vae-vk report"
check "$dir/run/report.html" --expect "$images" --sections attributes --validation

"$VAEVK" report 2> "$dir/err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$dir/err")" -eq 1 ] && echo "ok    no RUN_DIR: exit $rc, one line" ||
    fail "no RUN_DIR: exit $rc, $(cat "$dir/err")"
mkdir "$dir/empty"
"$VAEVK" report "$dir/empty" --device cpu 2> "$dir/err"
rc=$?
grep -q "$dir/empty" "$dir/err" && [ $rc -eq 1 ] && [ ! -f "$dir/empty/report.html" ] &&
    echo "ok    a directory without a checkpoint: exit $rc, names it" ||
    fail "no checkpoint: exit $rc, $(cat "$dir/err")"
[ $status -eq 0 ] && echo "all report checks passed" || echo "FAILED"
exit $status
