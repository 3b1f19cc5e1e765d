# Shared by the CLI test scripts (POSIX sh), which meson runs as
#   sh SCRIPT VAEVK_EXE [CKPT_TOOL]
# and which source this file with `. "$(dirname "$0")/lib.sh"`.
# Checks print "ok" or "FAIL" with what they measured; `finish` exits 1 if
# any failed.

VAEVK=${1:-$VAEVK}
CKPT_TOOL=${2:-}
SOURCE_ROOT=${SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
FIXTURES=$SOURCE_ROOT/tests/fixtures
if [ ! -x "$VAEVK" ]; then
    echo "FAIL  no vae-vk executable (got '$VAEVK'): pass it as the first argument"
    exit 1
fi

# The tiny model every training test uses: 64 synthetic faces, 8 per batch,
# so an epoch is 8 steps of about 50 ms on one core.
TINY="--device cpu --channels 4,8,8,16 --latent 8 --batch 8 --synthetic-count 64 --quiet"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vaevk-cli-XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
FAILS=0

ok() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; FAILS=$((FAILS + 1)); }
# check DESCRIPTION COMMAND...: ok if the command succeeds.
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else fail "$desc"; fi
}

# run ARGS...: vae-vk ARGS; sets RC, stdout in $TMP/out, stderr in $TMP/err.
run() {
    "$VAEVK" "$@" >"$TMP/out" 2>"$TMP/err"
    RC=$?
}

# expect_error PHRASE ARGS...: vae-vk ARGS must fail (exit status 1..127, so
# not killed by a signal) and print exactly one line on stderr, holding
# PHRASE.
expect_error() {
    phrase=$1
    shift
    run "$@"
    lines=$(wc -l <"$TMP/err")
    if [ "$RC" -ne 0 ] && [ "$RC" -lt 128 ] && [ "$lines" -eq 1 ] &&
        grep -qF -- "$phrase" "$TMP/err"; then
        ok "exit $RC: $(cat "$TMP/err")"
    else
        fail "vae-vk $*: exit $RC and $lines lines on stderr; wanted 1..127 and one line holding '$phrase':"
        sed 's/^/        /' "$TMP/err"
    fi
}

# expect_ok ARGS...: vae-vk ARGS must exit 0.
expect_ok() {
    run "$@"
    if [ "$RC" -eq 0 ]; then
        ok "exit 0: vae-vk $*"
    else
        fail "vae-vk $*: exit $RC:"
        sed 's/^/        /' "$TMP/err"
    fi
}

# png_size FILE: "WIDTH HEIGHT" from the IHDR chunk, or "none" unless FILE
# starts with the PNG signature and IHDR and ends with the IEND chunk.
png_size() {
    end=$(tail -c 8 "$1" 2>/dev/null | head -c 4)
    # word splitting of od's output into the positional parameters is meant
    # shellcheck disable=SC2046
    set -- $(od -An -tu1 -N24 "$1" 2>/dev/null)
    if [ $# -eq 24 ] && [ "$1 $2 $3 $4 $5 $6 $7 $8" = "137 80 78 71 13 10 26 10" ] &&
        [ "${13} ${14} ${15} ${16}" = "73 72 68 82" ] && [ "$end" = "IEND" ]; then
        echo "$(( (${17} << 24) + (${18} << 16) + (${19} << 8) + ${20} ))" \
            "$(( (${21} << 24) + (${22} << 16) + (${23} << 8) + ${24} ))"
    else
        echo none
    fi
}

# grid_size N COLS SCALE: the size of a grid of N 64x64 images, COLS per row,
# with the 1-pixel border of io/image.h: COLS*(64*SCALE+1)+1 wide,
# ROWS*(64*SCALE+1)+1 high.
grid_size() {
    cell=$((64 * $3 + 1))
    echo "$(($2 * cell + 1)) $(( ($1 + $2 - 1) / $2 * cell + 1))"
}

# expect_png FILE N COLS SCALE
expect_png() {
    got=$(png_size "$1")
    want=$(grid_size "$2" "$3" "$4")
    if [ "$got" = "$want" ]; then
        ok "$1: PNG $got for $2 images, $3 per row, scale $4"
    else
        fail "$1: PNG size '$got', wanted '$want' for $2 images, $3 per row, scale $4"
    fi
}

# log_rows DIR: data rows of DIR/log.csv.
log_rows() {
    if [ -f "$1/log.csv" ]; then tail -n +2 "$1/log.csv" | wc -l; else echo 0; fi
}

# wait_rows DIR N PID: waits until DIR/log.csv holds N rows or process PID
# has ended. The bound (60 s) only keeps a hung run from hanging the test;
# nothing is asserted about time.
wait_rows() {
    i=0
    while [ "$(log_rows "$1")" -lt "$2" ] && kill -0 "$3" 2>/dev/null && [ "$i" -lt 1200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
}

# log_curve DIR: the log without its images_per_s column (a timing).
log_curve() {
    cut -d, -f1-6 "$1/log.csv"
}

finish() {
    if [ "$FAILS" -eq 0 ]; then
        echo "PASS"
        exit 0
    fi
    echo "FAIL: $FAILS check(s) failed"
    exit 1
}
