#!/bin/sh
# Installs the Debian packages vae-vk needs (only those missing), then
# configures and builds it in ./build. Quiet and quick when all is in place.
#   tools/setup.sh            set up and build
#   VAEVK_BUILD=dir tools/setup.sh   build somewhere else
set -eu

cd "$(dirname "$0")/.."
build_dir=${VAEVK_BUILD:-build}

packages="gcc pkg-config meson ninja-build libjson-c-dev libstb-dev \
libvulkan-dev libvulkan-volk-dev glslang-tools spirv-tools \
mesa-vulkan-drivers vulkan-tools vulkan-validationlayers"

missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    log=$(mktemp)
    if ! { $sudo apt-get update -q && $sudo apt-get install -y -q --no-install-recommends $missing; } \
        >"$log" 2>&1; then
        cat "$log"
        rm -f "$log"
        echo "setup: installing the packages failed (see above)" >&2
        exit 1
    fi
    rm -f "$log"
fi

if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" >/dev/null
fi
# ninja's own output only when something fails
if ! out=$(ninja -C "$build_dir" 2>&1); then
    echo "$out"
    echo "setup: the build failed (see above)" >&2
    exit 1
fi
