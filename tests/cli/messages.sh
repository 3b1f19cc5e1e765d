#!/bin/sh
# What the commands say: every command that writes a file names it in one
# line of one form, "vae-vk CMD: wrote PATH (what)" on stderr, and says
# nothing with --quiet; reconstruct's default file is named; check-reference
# --quiet prints its verdict alone.
. "$(dirname "$0")/lib.sh"

# expect_wrote CMD PATH [FILE]: $TMP/err holds exactly one "wrote" line,
# "vae-vk CMD: wrote PATH (...)", and FILE (default PATH) exists.
expect_wrote() {
    file=${3:-$2}
    line=$(grep ': wrote ' "$TMP/err")
    n=$(grep -c ': wrote ' "$TMP/err")
    case "$line" in
        "vae-vk $1: wrote $2 ("*")")
            if [ "$n" -eq 1 ] && [ "$RC" -eq 0 ] && [ -e "$file" ]; then
                ok "$line"
                return
            fi ;;
    esac
    fail "vae-vk $1: exit $RC, $n wrote line(s); wanted one 'vae-vk $1: wrote $2 (...)' and the file:"
    sed 's/^/        /' "$TMP/err"
}

# expect_silent DESCRIPTION: --quiet printed nothing at all.
expect_silent() {
    check "$1 --quiet: exit $RC, $(cat "$TMP/out" "$TMP/err" | wc -l) lines printed" \
        test "$RC" -eq 0 -a ! -s "$TMP/err" -a ! -s "$TMP/out"
}

expect_ok train $TINY --steps 8 --out "$TMP/run"
# on_model CMD ARGS...: run CMD on the tiny model just trained.
on_model() {
    cmd=$1
    shift
    run "$cmd" --device cpu --checkpoint "$TMP/run" "$@"
}

echo "-- the wrote line of each command"
on_model sample --n 3 --out "$TMP/s.png"
expect_wrote sample "$TMP/s.png"
on_model reconstruct --n 3 --out "$TMP/r.png"
expect_wrote reconstruct "$TMP/r.png"
on_model interpolate --a 0 --b 1 --steps 3 --out "$TMP/i.png"
expect_wrote interpolate "$TMP/i.png"
on_model traverse --dims 2 --steps 3 --kl-images 8 --out "$TMP/t.png"
expect_wrote traverse "$TMP/t.png"
run report "$TMP/run" --device cpu
expect_wrote report "$TMP/run/report.html"
run dataset preview --n 4 --out "$TMP/p.png"
expect_wrote "dataset preview" "$TMP/p.png"
run dataset export --n 5 --out "$TMP/faces"
expect_wrote "dataset export" "$TMP/faces"
check "dataset export prints nothing on stdout" test ! -s "$TMP/out"
run dataset prepare "$TMP/faces" --out "$TMP/faces.bin"
expect_wrote "dataset prepare" "$TMP/faces.bin"
check "dataset prepare prints nothing on stdout" test ! -s "$TMP/out"
# a folder's automatic cache, built by whichever command opens it first
run dataset preview --data "$TMP/faces" --n 2 --out "$TMP/p2.png"
check "the automatic cache is named: $(grep -F 'wrote' "$TMP/err" | head -n 1)" \
    grep -qF "vae-vk dataset preview: wrote $TMP/faces/.vae-vk-cache-64.bin (a cache of 5 images" "$TMP/err"

echo "-- --quiet: nothing printed"
on_model sample --n 3 --out "$TMP/s.png" --quiet
expect_silent sample
on_model reconstruct --n 3 --out "$TMP/r.png" --quiet
expect_silent reconstruct
run dataset preview --n 4 --out "$TMP/p.png" --quiet
expect_silent "dataset preview"
run dataset export --n 5 --out "$TMP/faces_q" --quiet
expect_silent "dataset export"
run dataset prepare "$TMP/faces" --out "$TMP/faces_q.bin" --quiet
expect_silent "dataset prepare"

echo "-- reconstruct without --out: the default is said"
mkdir "$TMP/cwd"
exe=$(cd "$(dirname "$VAEVK")" && pwd)/$(basename "$VAEVK")
(cd "$TMP/cwd" && "$exe" reconstruct --device cpu --checkpoint "$TMP/run" --n 2 >"$TMP/out" 2>"$TMP/err")
RC=$?
expect_wrote reconstruct reconstructions.png "$TMP/cwd/reconstructions.png"
"$VAEVK" reconstruct --help >"$TMP/help" 2>&1
check "reconstruct --help shows --out as optional with its default" \
    grep -qF '[--out reconstructions.png]' "$TMP/help"

echo "-- check-reference --quiet: the verdict alone"
run check-reference "$FIXTURES/ref_small_beta1.safetensors" --device cpu --quiet
lines=$(cat "$TMP/out" "$TMP/err" | wc -l)
check "one line, the verdict (exit $RC, $lines lines): $(head -n 1 "$TMP/out")" \
    test "$RC" -eq 0 -a "$lines" -eq 1 -a -n "$(grep ': PASS (0 failures' "$TMP/out")"
run check-reference "$FIXTURES/ref_small_beta1.safetensors" --device cpu
lines=$(wc -l <"$TMP/out")
check "without --quiet every tensor has its line ($lines)" test "$lines" -gt 50

finish
