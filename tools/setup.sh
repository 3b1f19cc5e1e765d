#!/bin/sh
# Installs the Debian packages vae-vk needs (only those missing), then
# configures and builds it in ./build with a progress count. Quiet and quick
# when all is in place.
#   tools/setup.sh           set up and build
#   tools/setup.sh --tests   also what the tests need: Chromium (the report
#                            opened in a browser) and Python 3 (the report's
#                            checker); PyTorch stays optional (README)
#   VAEVK_BUILD=dir tools/setup.sh   build somewhere else
set -eu

cd "$(dirname "$0")/.."
build_dir=${VAEVK_BUILD:-build}

packages="gcc pkg-config meson ninja-build libjson-c-dev libstb-dev \
libvulkan-dev libvulkan-volk-dev glslang-tools spirv-tools \
mesa-vulkan-drivers vulkan-tools vulkan-validationlayers"
test_packages="chromium fonts-liberation python3"

case "${1:-}" in
    "") ;;
    --tests) packages="$packages $test_packages" ;;
    *)
        echo "setup: unknown option '$1': give none, or --tests to install what the tests need too" >&2
        exit 2 ;;
esac

log=$(mktemp)
rc_file=$(mktemp)
trap 'rm -f "$log" "$rc_file"' EXIT

missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -n "$missing" ]; then
    echo "setup: installing$missing (apt-get)"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    if ! { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends $missing; } \
        >"$log" 2>&1; then
        cat "$log"
        echo "setup: installing the packages failed (see above)" >&2
        exit 1
    fi
fi

if [ ! -f "$build_dir/build.ninja" ]; then
    echo "setup: configuring $build_dir/ (meson setup)"
    if ! meson setup "$build_dir" >"$log" 2>&1; then
        cat "$log"
        echo "setup: meson setup failed (see above)" >&2
        exit 1
    fi
fi

# ninja's [done/total] lines become one count: redrawn in place on a
# terminal, a line at each quarter in a log. Nothing when all is built
# (a dry run, ninja -n, counts the steps first).
export NINJA_STATUS='[%f/%t] '
steps=$(ninja -C "$build_dir" -n 2>/dev/null | grep -c '^\[' || true)
if [ -t 1 ]; then tty=1; else tty=0; fi
if [ "$steps" -gt 0 ] && [ "$tty" -eq 1 ]; then
    printf 'setup: building in %s/ ...' "$build_dir"
elif [ "$steps" -gt 0 ]; then
    echo "setup: building in $build_dir/ ($steps steps) ..."
fi
start=$(date +%s)
{ rc=0; ninja -C "$build_dir" 2>&1 || rc=$?; echo "$rc" >"$rc_file"; } | tee "$log" |
    awk -v dir="$build_dir" -v tty="$tty" '
    /^\[[0-9]+\/[0-9]+\] / {
        split(substr($1, 2, length($1) - 2), f, "/")
        done = f[1] + 0; total = f[2] + 0
        if (tty)
            printf "\rsetup: building in %s/ ... %d/%d", dir, done, total
        else if (4 * done >= (quarter + 1) * total) {
            while (4 * done >= (quarter + 1) * total) quarter++
            printf "setup: %d/%d built\n", done, total
        }
        fflush()
    }'
if [ "$steps" -gt 0 ] && [ "$tty" -eq 1 ]; then echo; fi
if [ "$(cat "$rc_file")" -ne 0 ]; then
    cat "$log"
    echo "setup: the build failed (see above)" >&2
    exit 1
fi
if [ "$steps" -gt 0 ]; then
    echo "setup: built $build_dir/ in $(($(date +%s) - start)) s"
fi
