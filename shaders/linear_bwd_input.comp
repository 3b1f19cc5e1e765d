#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_LINEAR_BWD_INPUT: dx (B,I) = dy (B,O) · w (O,I), added to the old dx
// when accumulate != 0. ITEM kernel, n = B·I.
// bindings: 0 dx, 1 dy, 2 w.   d: B, I, O, accumulate.
#include "common.glsl"

TENSOR(0, dx);
TENSOR_IN(1, dy);
TENSOR_IN(2, w);

void main() {
    uint I = uint(pc.d[1]), O = uint(pc.d[2]);
    bool accumulate = pc.d[3] != 0;
    FOR_EACH_ITEM(k) {
        uint b = k / I, i = k % I;
        float acc = accumulate ? dx[k] : 0.0;
        for (uint o = 0u; o < O; o++)
            acc += dy[b * O + o] * w[o * I + i];
        dx[k] = acc;
    }
}
