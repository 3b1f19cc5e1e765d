#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_MSE_BWD: dxhat = 2·(xhat - x)/B. ITEM kernel, n = B·N.
// bindings: 0 dxhat, 1 xhat, 2 x.   d: B, N.
#include "common.glsl"

TENSOR(0, dxhat);
TENSOR_IN(1, xhat);
TENSOR_IN(2, x);

void main() {
    float B = float(pc.d[0]);
    FOR_EACH_ITEM(i) {
        precise float g = 2.0 * (xhat[i] - x[i]) / B;
        dxhat[i] = g;
    }
}
