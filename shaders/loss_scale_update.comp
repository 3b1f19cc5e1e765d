#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_LOSS_SCALE_UPDATE, as loss_scale_update in ops.h: after an inf or
// NaN gradient S halves (not below 2^-24) and the step counts as skipped;
// otherwise after `interval` clean steps in a row S doubles (not above
// 2^24). found is cleared, and S and the skipped count go to step_out.
// ITEM kernel, n = 1.   bindings: 0 loss_scaler, 1 step_out.   d: interval.
#include "common.glsl"

layout(std430, binding = 0) buffer Tensor0 { uint loss_scaler[]; };
layout(std430, binding = 1) buffer Tensor1 { uint step_out[]; };

void main() {
    if (gl_GlobalInvocationID.x != 0u)
        return;
    // S as its exponent bits: halving and doubling are exact steps of them
    uint S = loss_scaler[LOSS_SCALER_SCALE], clean = loss_scaler[LOSS_SCALER_CLEAN];
    uint skipped = loss_scaler[LOSS_SCALER_SKIPPED];
    const uint lowest = 103u << 23, highest = 151u << 23; // 2^-24, 2^24
    if (loss_scaler[LOSS_SCALER_FOUND] != 0u) {
        S = S > lowest ? S - (1u << 23) : lowest;
        clean = 0u;
        skipped++;
    } else if (++clean >= uint(pc.d[0])) {
        S = S < highest ? S + (1u << 23) : highest;
        clean = 0u;
    }
    loss_scaler[LOSS_SCALER_SCALE] = S;
    loss_scaler[LOSS_SCALER_CLEAN] = clean;
    loss_scaler[LOSS_SCALER_SKIPPED] = skipped;
    loss_scaler[LOSS_SCALER_FOUND] = 0u;
    step_out[STEP_OUT_LOSS_SCALE] = S;
    step_out[STEP_OUT_SKIPPED] = skipped;
}
