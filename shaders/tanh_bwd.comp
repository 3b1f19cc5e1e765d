#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_TANH_BWD: dx = dy·(1 - y²) from the forward output y; dx may alias dy.
// ITEM kernel, n.   bindings: 0 dx, 1 dy, 2 y.   d: n.
#include "common.glsl"

TENSOR(0, dx);
TENSOR_IN(1, dy);
TENSOR_IN(2, y);

void main() {
    FOR_EACH_ITEM(i) {
        float t = y[i];
        precise float g = dy[i] * (1.0 - t * t);
        dx[i] = g;
    }
}
