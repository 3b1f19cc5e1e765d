#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_LEAKY_RELU_FWD: y = x > 0 ? x : slope·x (NaN stays NaN).
// ITEM kernel, n.   bindings: 0 y, 1 x.   d: n.   f: slope.
#include "common.glsl"

TENSOR(0, y);
TENSOR_IN(1, x);

void main() {
    FOR_EACH_ITEM(i) {
        float v = x[i];
        y[i] = v > 0.0 ? v : pc.f[0] * v;
    }
}
