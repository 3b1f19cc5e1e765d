#!/bin/sh
# The GPU checks of the cooperative-matrix work (issue 9), in one go, for a
# session that has a device machine (15 minutes of device time, all tries
# together: this script takes about 5 of them, leaving room to run it again).
#
# Here, first (no GPU needed):
#   meson setup build && ninja -C build      # the binaries travel, built here
#   sh tools/device_check.sh prepare         # Debian's libvulkan1, libjson-c5
#                                            # and vulkan-validationlayers into
#                                            # .gl/ (ignored), for the bare machine
# Then one device call:
#   run(command="sh tools/device_check.sh", carry=["build", ".gl"], timeout_s=540)
#
# What it runs, each step under its own time limit, every log in $OUT
# (at most 8 files come back: these 7):
#   devices.log        vae-vk devices: the NV/KHR shapes the driver lists and
#                      the kernel's choice (vk_coopmat_choose)
#   coopmat_small.log  bench_coopmat on two ragged sizes under the validation
#                      layer (VAEVK_VALIDATION=1): every output checked, and
#                      no message from the layer (it checks each cooperative
#                      matrix type against the shapes the device lists)
#   coopmat.log        bench_coopmat's full set: 4096³, 256×16384×2048, the
#                      ragged, column-major and subnormal ones, each checked
#                      and timed (issue 9 expects about 143 and 124 TFLOP/s
#                      for the first two from a first cut)
#   f16_glsl.log       the shaders' fp16 rounding on the GPU, bit for bit
#   selftest.log       VAEVK_VALIDATION=1 vae-vk selftest (fp32: the kernel
#                      is not wired into training yet)
#   bench.log          vae-vk bench at batch 64, 256 and 1024 (fp32), and
#                      tools/bench_gpu.py's table where the tree has it
#   summary.txt        one line per step: its exit status and time
# Exit status: the number of steps that failed.
#
# Environment: DEV (the Vulkan device index, 0), BUILD (build), OUT (the
# device tool's $OUT, else /tmp/device_check), STEPS (which steps, all by
# default; e.g. STEPS="devices coopmat_small" to try it on lavapipe).
set -u

if [ "${1:-}" = prepare ]; then
    exclude=$(git rev-parse --git-path info/exclude)
    grep -qx '/.gl/' "$exclude" 2>/dev/null || echo '/.gl/' >>"$exclude"
    mkdir -p .gl && cd .gl && apt-get download libvulkan1 libjson-c5 vulkan-validationlayers
    exit $?
fi

DEV=${DEV:-0}
BUILD=${BUILD:-build}
OUT=${OUT:-/tmp/device_check}
STEPS=${STEPS:-devices coopmat_small coopmat f16_glsl selftest bench}
mkdir -p "$OUT"
summary="$OUT/summary.txt"
: >"$summary"
failed=0

# The bare machine: the carried loader, json-c and validation layer.
if [ -d .gl ] && ls .gl/*.deb >/dev/null 2>&1; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
fi
vaevk="$BUILD/vae-vk"
if "$vaevk" devices 2>&1 | grep -q '^no Vulkan devices'; then
    # the NVIDIA driver's manifest, where the loader does not look by itself
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi

# step NAME SECONDS COMMAND...: its output to NAME.log (appended), a line in
# the summary; 77 (nothing to run it on) is not a failure.
step() {
    name=$1 limit=$2
    shift 2
    echo "== $name: $*" >>"$OUT/$name.log"
    start=$(date +%s)
    timeout "$limit" "$@" >>"$OUT/$name.log" 2>&1
    rc=$?
    tail -n 25 "$OUT/$name.log"
    echo "$name: exit $rc in $(($(date +%s) - start)) s: $*" | tee -a "$summary"
    [ $rc -eq 0 ] || [ $rc -eq 77 ] || failed=$((failed + 1))
}

wanted() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }

wanted devices && step devices 30 "$vaevk" devices
wanted coopmat_small && step coopmat_small 120 env VAEVK_VALIDATION=1 \
    "$BUILD/tools/bench_coopmat" --device "$DEV" --reps 1 129 127 33 1000 999 77
wanted coopmat && step coopmat 240 "$BUILD/tools/bench_coopmat" --device "$DEV"
wanted f16_glsl && step f16_glsl 60 env VAEVK_VALIDATION=1 "$BUILD/tests/vk/test_f16_glsl"
wanted selftest && step selftest 180 env VAEVK_VALIDATION=1 "$vaevk" selftest --device "$DEV"
if wanted bench; then
    for batch in 64 256 1024; do
        step bench 60 "$vaevk" bench --device "$DEV" --batch "$batch" --steps 20
    done
    if [ -f tools/bench_gpu.py ]; then
        step bench 240 python3 tools/bench_gpu.py
    fi
fi
echo "$failed step(s) failed" | tee -a "$summary"
exit "$failed"
