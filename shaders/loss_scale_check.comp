#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_LOSS_SCALE_CHECK: found = 1 when any gradient is inf or NaN (all
// exponent bits set, a test no fast-math assumption can remove); found is
// never cleared here. Invocations that find one all store the same 1.
// ITEM kernel, n.   bindings: 0 loss_scaler, 1 g.   d: n.
#include "common.glsl"

layout(std430, binding = 0) buffer Tensor0 { uint loss_scaler[]; };
WORDS_IN(1, g);

void main() {
    bool found = false;
    FOR_EACH_ITEM(i)
        found = found || (g[i] & 0x7f800000u) == 0x7f800000u;
    if (found)
        loss_scaler[LOSS_SCALER_FOUND] = 1u;
}
