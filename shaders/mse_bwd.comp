#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_MSE_BWD: dxhat = 2·(xhat - x)/B·S, S the loss scale (a power of
// two, so the last product is exact). ITEM kernel, n = B·N.
// bindings: 0 dxhat, 1 xhat, 2 x, 3 loss_scaler.   d: B, N.
#include "common.glsl"

TENSOR(0, dxhat);
TENSOR_IN(1, xhat);
TENSOR_IN(2, x);
WORDS_IN(3, loss_scaler);

void main() {
    float B = float(pc.d[0]);
    float S = uintBitsToFloat(loss_scaler[LOSS_SCALER_SCALE]);
    FOR_EACH_ITEM(i) {
        precise float g = 2.0 * (xhat[i] - x[i]) / B * S;
        dxhat[i] = g;
    }
}
