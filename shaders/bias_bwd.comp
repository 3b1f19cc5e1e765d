#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_BIAS_BWD: db (C) = Σ over B and N of dy (B,C,N). GROUP kernel,
// n = C outputs of B·N terms.
// bindings: 0 db, 1 dy.   d: B, C, N.
#include "common.glsl"
#include "reduce.glsl"

TENSOR(0, db);
TENSOR_IN(1, dy);

void main() {
    uint B = uint(pc.d[0]), C = uint(pc.d[1]), N = uint(pc.d[2]);
    FOR_EACH_OUTPUT(c) {
        float acc = 0.0;
        if (c < pc.n)
            for (uint j = seg_lane(); j < B * N; j += pc.seg)
                acc += dy[((j / N) * C + c) * N + j % N];
        float total = segment_sum(acc);
        if (c < pc.n && seg_lane() == 0u)
            db[c] = total;
    }
}
