#!/bin/sh
# The GPU checks of the cooperative-matrix work (issue 9), in one go, for a
# session that has a device machine (15 minutes of device time, all tries
# together: this script stops itself after BUDGET seconds, 420 by default,
# leaving room for the machine's start and one more try).
#
# Here, first (no GPU needed):
#   meson setup build && ninja -C build      # the binaries travel, built here
#   sh tools/device_check.sh prepare         # Debian's libvulkan1, libjson-c5
#                                            # and vulkan-validationlayers into
#                                            # .gl/ (ignored), for the bare machine
# Then one device call:
#   run(command="sh tools/device_check.sh", carry=["build", ".gl"], timeout_s=480)
#
# The steps, most important first, each under its own time limit and never
# past the budget (a step that would start with under 15 s left is skipped
# and says so); every log in $OUT, at most 8 files (these):
#   devices.log        vae-vk devices: the NV/KHR shapes the driver lists and
#                      the kernel's choice (vk_coopmat_choose)
#   coopmat_small.log  bench_coopmat on two ragged sizes under the validation
#                      layer: every output checked, no message from the layer
#   selftest_coopmat.log
#                      VAEVK_COOPMAT=1 VAEVK_VALIDATION=1 vae-vk selftest: the
#                      mixed products on the cooperative-matrix kernel through
#                      the explicit route (src/vk/vk_im2col.h), every op
#                      against the reference and the training lockstep. When
#                      it passes, VAEVK_COOPMAT=1 may become the default.
#                      Before it, tests/vk/test_vk_im2col: the planning, and
#                      on device 0 a mixed convolution planned on gemm_coopmat
#   bench.log          VAEVK_COOPMAT=1 vae-vk bench in fp32 and mixed at batch
#                      64, 256 and 1024; one mixed run at 256 with
#                      VAEVK_PROFILE=1 (each dispatch's time: layout kernels
#                      against the GEMM); tools/bench_gpu.py's table with
#                      PyTorch, where python3 has torch
#   selftest.log       VAEVK_VALIDATION=1 vae-vk selftest without VAEVK_COOPMAT
#                      (fp32 and emulated mixed, as every device runs today)
#   f16_glsl.log       the shaders' fp16 rounding on the GPU, bit for bit
#   coopmat.log        bench_coopmat's full set: 4096³, 256×16384×2048, the
#                      ragged, column-major and subnormal ones, each checked
#                      and timed (issue 9: about 143 and 124 TFLOP/s for the
#                      first two from a first cut)
#   summary.txt        written last: one table row per step, its exit status,
#                      seconds and headline (the selftest's verdict, bench's
#                      ms per step and images/s, bench_coopmat's failures)
# Exit status: the number of steps that failed (77, nothing to run it on,
# is not a failure; a step skipped for time is).
#
# Environment: DEV (the Vulkan device index, 0), BUILD (build), OUT (the
# device tool's $OUT, else /tmp/device_check), BUDGET (seconds, 420), STEPS
# (which steps, all by default: devices coopmat_small selftest_coopmat bench
# bench_gpu selftest f16_glsl coopmat; e.g. STEPS="devices selftest" to try
# it on lavapipe).
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
BUDGET=${BUDGET:-420}
STEPS=${STEPS:-devices coopmat_small selftest_coopmat bench bench_gpu selftest f16_glsl coopmat}
mkdir -p "$OUT"
rows="$OUT/.rows"
: >"$rows"
failed=0
started=$(date +%s)

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

# The headline of a step's output $1: its label $2 says what it ran, $3 is
# its exit status.
headline() {
    case $2 in
    devices) grep -E 'product kernel:|cooperative matrices: none' "$1" | head -n 1 | sed 's/^ *//' ;;
    selftest*) grep -E '^[0-9]+ of [0-9]+ checks passed' "$1" | tail -n 1 | cut -d: -f1 ;;
    "bench "*)
        ms=$(grep '^time per step:' "$1" | tail -n 1 | awk '{print $4}')
        ips=$(grep '^images/s:' "$1" | tail -n 1 | awk '{print $2}')
        [ -n "$ms" ] && echo "$ms ms/step, $ips images/s" ;;
    bench_coopmat*)
        if [ "$3" -eq 77 ]; then
            tail -n 1 "$1"
        else
            echo "$(grep -c 'FAIL' "$1") outputs FAIL; best $(grep -o '[0-9.]* TFLOP/s' "$1" | sort -n | tail -n 1)"
        fi ;;
    *) tail -n 1 "$1" ;;
    esac | cut -c1-110 | tr '|' '/'
}

# step LOG LABEL SECONDS COMMAND...: the output appended to LOG.log, a row
# for the summary; the limit is cut to what is left of the budget.
step() {
    log=$1 label=$2 limit=$3
    shift 3
    left=$((BUDGET - ($(date +%s) - started)))
    if [ "$left" -lt 15 ]; then
        echo "| $label | skipped | 0 | out of time (BUDGET=$BUDGET s) |" >>"$rows"
        failed=$((failed + 1))
        return
    fi
    [ "$limit" -gt "$left" ] && limit=$left
    echo "== $label: $*" >>"$OUT/$log.log"
    part="$OUT/.part"
    start=$(date +%s)
    timeout "$limit" "$@" >"$part" 2>&1
    rc=$?
    cat "$part" >>"$OUT/$log.log"
    tail -n 12 "$part"
    took=$(($(date +%s) - start))
    [ $rc -eq 124 ] && note="timed out after $limit s" || note=$(headline "$part" "$label" $rc)
    echo "$label: exit $rc in $took s: $note"
    echo "| $label | $rc | $took | $note |" >>"$rows"
    [ $rc -eq 0 ] || [ $rc -eq 77 ] || failed=$((failed + 1))
}

wanted() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }

wanted devices && step devices devices 20 "$vaevk" devices
wanted coopmat_small && step coopmat_small "bench_coopmat ragged, validation" 60 env VAEVK_VALIDATION=1 \
    "$BUILD/tools/bench_coopmat" --device "$DEV" --reps 1 129 127 33 1000 999 77
if wanted selftest_coopmat; then
    step selftest_coopmat "explicit route planned on gemm_coopmat" 20 env VAEVK_VALIDATION=1 \
        "$BUILD/tests/vk/test_vk_im2col"
    step selftest_coopmat "selftest VAEVK_COOPMAT=1, validation" 150 \
        env VAEVK_COOPMAT=1 VAEVK_VALIDATION=1 "$vaevk" selftest --device "$DEV"
fi
if wanted bench; then
    for batch in 64 256 1024; do
        for precision in fp32 mixed; do
            step bench "bench $precision $batch (VAEVK_COOPMAT=1)" 40 env VAEVK_COOPMAT=1 \
                "$vaevk" bench --device "$DEV" --precision "$precision" --batch "$batch" --steps 20
        done
    done
    step bench "bench mixed 256 profiled (VAEVK_COOPMAT=1)" 30 env VAEVK_COOPMAT=1 VAEVK_PROFILE=1 \
        "$vaevk" bench --device "$DEV" --precision mixed --batch 256 --steps 2
fi
if wanted bench_gpu && [ -f tools/bench_gpu.py ]; then
    if python3 -c 'import torch' 2>/dev/null; then
        step bench "tools/bench_gpu.py (VAEVK_COOPMAT=1)" 150 env VAEVK_COOPMAT=1 \
            python3 tools/bench_gpu.py --vae "$vaevk" --device "$DEV"
    else
        echo "| tools/bench_gpu.py | 77 | 0 | python3 has no torch here |" >>"$rows"
    fi
fi
wanted selftest && step selftest "selftest, validation (no VAEVK_COOPMAT)" 120 \
    env VAEVK_VALIDATION=1 "$vaevk" selftest --device "$DEV"
wanted f16_glsl && step f16_glsl "f16 rounding in GLSL" 45 env VAEVK_VALIDATION=1 "$BUILD/tests/vk/test_half_glsl"
wanted coopmat && step coopmat "bench_coopmat full set" 150 "$BUILD/tools/bench_coopmat" --device "$DEV"

{
    echo "device_check on device $DEV, $(date -u '+%Y-%m-%d %H:%M UTC'), $(($(date +%s) - started)) s of $BUDGET"
    echo
    echo "| step | exit | seconds | headline |"
    echo "|---|---|---|---|"
    cat "$rows"
    echo
    echo "$failed step(s) failed"
} >"$OUT/summary.txt"
rm -f "$rows" "$OUT/.part"
cat "$OUT/summary.txt"
exit "$failed"
