#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_TANH_FWD: y = tanh(x) (math.glsl's, never NaN for finite x).
// ITEM kernel, n.   bindings: 0 y, 1 x.   d: n.
#include "common.glsl"
#include "math.glsl"

TENSOR(0, y);
TENSOR_IN(1, x);

void main() {
    FOR_EACH_ITEM(i)
        y[i] = vae_tanh(x[i]);
}
