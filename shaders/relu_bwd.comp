#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_RELU_BWD: dx = x > 0 ? dy : 0; dx may alias dy.
// ITEM kernel, n.   bindings: 0 dx, 1 dy, 2 x (forward input).   d: n.
#include "common.glsl"

TENSOR(0, dx);
TENSOR_IN(1, dy);
TENSOR_IN(2, x);

void main() {
    FOR_EACH_ITEM(i) {
        float g = dy[i];
        dx[i] = x[i] > 0.0 ? g : 0.0;
    }
}
