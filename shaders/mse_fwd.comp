#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_MSE_FWD: sse[b] = Σ_N (xhat - x)². GROUP kernel, n = B outputs
// of N terms.   bindings: 0 sse (B), 1 xhat (B,N), 2 x (B,N).   d: B, N.
#include "common.glsl"
#include "reduce.glsl"

TENSOR(0, sse);
TENSOR_IN(1, xhat);
TENSOR_IN(2, x);

void main() {
    uint N = uint(pc.d[1]);
    FOR_EACH_OUTPUT(b) {
        float acc = 0.0;
        for (uint i = seg_lane(); b < pc.n && i < N; i += pc.seg) {
            float d = xhat[b * N + i] - x[b * N + i];
            acc += d * d;
        }
        float total = segment_sum(acc);
        if (b < pc.n && seg_lane() == 0u)
            sse[b] = total;
    }
}
