#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_KL_FWD: kl[b] = -0.5·Σ_L (1 + lv - mu² - e^lv) = 0.5·Σ_L (mu² + (e^lv - 1 - lv)),
// the second form because its terms are all >= 0 and formed without
// cancellation. GROUP kernel, n = B outputs of L terms.
// bindings: 0 kl (B), 1 mu (B,L), 2 log_var (B,L).   d: B, L.
#include "common.glsl"
#include "math.glsl"
#include "reduce.glsl"

TENSOR(0, kl);
TENSOR_IN(1, mu);
TENSOR_IN(2, log_var);

void main() {
    uint L = uint(pc.d[1]);
    FOR_EACH_OUTPUT(b) {
        float acc = 0.0;
        for (uint l = seg_lane(); b < pc.n && l < L; l += pc.seg) {
            float m = mu[b * L + l];
            acc += m * m + exp_minus_1_minus(log_var[b * L + l]);
        }
        float total = segment_sum(acc);
        if (b < pc.n && seg_lane() == 0u)
            kl[b] = 0.5 * total;
    }
}
