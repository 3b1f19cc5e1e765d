#!/bin/sh
# Rewrites tests/fuzz/corpus/: everything make_corpus (built with the
# project) writes, then, where libjpeg's tools are installed
# (Debian: libjpeg-turbo-progs), JPEGs of the kinds stb_image_write cannot
# make: progressive, restart markers, optimized tables, other subsampling,
# and arithmetic coding (which must be refused). Inputs that fuzzing found
# (found-*: what made a harness fail before its fix) are kept as they are.
#   tests/fuzz/make_corpus.sh [BUILD_DIR]     (default: build)
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
corpus=tests/fuzz/corpus
ninja -C "$build" tests/fuzz/make_corpus >/dev/null
find "$corpus" -type f ! -name 'found-*' -delete 2>/dev/null || true
"$build/tests/fuzz/make_corpus" "$corpus"

if command -v cjpeg >/dev/null && command -v djpeg >/dev/null && command -v jpegtran >/dev/null; then
    tmp=$(mktemp -d)
    djpeg -pnm "$corpus/decode/jpeg_q95.jpg" >"$tmp/rgb.ppm"
    djpeg -pnm "$corpus/decode/jpeg_grey.jpg" >"$tmp/grey.pgm"
    d=$corpus/decode
    cjpeg -progressive "$tmp/rgb.ppm" >"$d/jpeg_progressive.jpg"
    cjpeg -progressive -sample 1x1 -restart 1 "$tmp/rgb.ppm" >"$d/jpeg_progressive_restart.jpg"
    cjpeg -restart 1B -sample 2x1 "$tmp/rgb.ppm" >"$d/jpeg_restart.jpg"
    cjpeg -optimize -sample 1x2,1x1,1x1 "$tmp/rgb.ppm" >"$d/jpeg_optimized.jpg"
    cjpeg -quality 3 -sample 4x2,1x1,1x1 "$tmp/rgb.ppm" >"$d/jpeg_16bit_tables.jpg" 2>/dev/null
    cjpeg -progressive "$tmp/grey.pgm" >"$d/jpeg_grey_progressive.jpg"
    cjpeg -arithmetic "$tmp/rgb.ppm" >"$d/jpeg_arithmetic.jpg"
    rm -rf "$tmp"
else
    echo "make_corpus.sh: cjpeg, djpeg or jpegtran missing: no progressive or restart-marker JPEGs" >&2
fi
du -sh "$corpus"
