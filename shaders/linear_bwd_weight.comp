#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_LINEAR_BWD_WEIGHT: dw (O,I) = dy (B,O)^T · x (B,I). ITEM kernel,
// n = O·I, each summing its B terms.
// bindings: 0 dw, 1 dy, 2 x.   d: B, I, O.
#include "common.glsl"

TENSOR(0, dw);
TENSOR_IN(1, dy);
TENSOR_IN(2, x);

void main() {
    uint B = uint(pc.d[0]), I = uint(pc.d[1]), O = uint(pc.d[2]);
    FOR_EACH_ITEM(k) {
        uint o = k / I, i = k % I;
        float acc = 0.0;
        for (uint b = 0u; b < B; b++)
            acc += dy[b * O + o] * x[b * I + i];
        dw[k] = acc;
    }
}
