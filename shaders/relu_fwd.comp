#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_RELU_FWD: y = x > 0 ? x : 0 (NaN gives 0, as on the CPU).
// ITEM kernel, n.   bindings: 0 y, 1 x.   d: n.
#include "common.glsl"

TENSOR(0, y);
TENSOR_IN(1, x);

void main() {
    FOR_EACH_ITEM(i) {
        float v = x[i];
        y[i] = v > 0.0 ? v : 0.0;
    }
}
