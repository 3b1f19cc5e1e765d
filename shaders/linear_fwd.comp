#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_LINEAR_FWD: y (B,O) = x (B,I) · w (O,I)^T. GROUP kernel, n = B·O
// outputs of I terms.
// bindings: 0 y, 1 x, 2 w.   d: B, I, O.
#include "common.glsl"
#include "reduce.glsl"

TENSOR(0, y);
TENSOR_IN(1, x);
TENSOR_IN(2, w);

void main() {
    uint I = uint(pc.d[1]), O = uint(pc.d[2]);
    FOR_EACH_OUTPUT(o) {
        uint b = o / O, row = o % O;
        float acc = 0.0;
        for (uint i = seg_lane(); o < pc.n && i < I; i += pc.seg)
            acc += x[b * I + i] * w[row * I + i];
        float total = segment_sum(acc);
        if (o < pc.n && seg_lane() == 0u)
            y[o] = total;
    }
}
