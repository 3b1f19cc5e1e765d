#!/bin/sh
# The run report as a user gets it: train writes RUN_DIR/report.html at the
# end of a run; `vae-vk report RUN_DIR` rewrites it, with validation points
# once a val.csv exists. check_report.py (standard library only) parses each
# page and checks what it embeds and how it reads. The rerun also gets a
# sessions.csv written here (two train processes on two devices) and a
# samples.png, which train writes from the final model. Bad input to
# `report` fails with one line.
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
images=$images,img-traversal-zero,img-traversal-image,img-holes

"$VAEVK" train --out "$dir/run" --device cpu --channels 4,8,8,8 --latent 8 --batch 8 \
    --synthetic-count 64 --epochs 2 --anneal-epochs 1 --quiet || fail "tiny training run"
if [ -f "$dir/run/report.html" ]; then
    echo "ok    train wrote report.html"
    check "$dir/run/report.html" --expect "$images" --sections attributes --no-rows "step cap" \
        --rows "precision=fp32"
else
    fail "train did not write $dir/run/report.html"
fi

printf 'epoch,step,loss,recon,kl\n0,8,900.5,850.25,40\n1,16,800,760,35\n' > "$dir/run/val.csv"
# 6m12s on the CPU, then 56m18s on a GPU ten minutes later: 1h02m30s in all
printf 'started,ended,first_step,last_step,device\n1796094600,1796094972,0,8,cpu\n' \
    > "$dir/run/sessions.csv"
printf '1796095572,1796098950,8,16,vulkan 0\n' >> "$dir/run/sessions.csv"
[ -f "$dir/run/samples.png" ] || cp "$dir/run/samples_epoch_002.png" "$dir/run/samples.png"
rm -f "$dir/run/report.html"
TZ=UTC "$VAEVK" report "$dir/run" --device cpu --quiet || fail "vae-vk report"
check "$dir/run/report.html" --expect "$images,img-samples-final" \
    --sections attributes,final-samples --validation \
    --rows "started=2026-12-01 03:10;ended=2026-12-01 04:22;training time=1h02m;devices=cpu, vulkan 0;sessions=2 (the run was resumed 1 time)"

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
