#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_LOSS_REDUCE: step_out = {recon + beta·kl, recon, kl} with
// recon = mean_B(sse), kl = mean_B(kl per image); word 3 is left alone.
// GROUP kernel, n = 1 output of B terms.
// bindings: 0 step_out, 1 sse (B), 2 kl (B), 3 step_in (beta).   d: B.
#include "common.glsl"
#include "reduce.glsl"

TENSOR(0, step_out);
TENSOR_IN(1, sse);
TENSOR_IN(2, kl);
WORDS_IN(3, step_in);

void main() {
    uint B = uint(pc.d[0]);
    float beta = uintBitsToFloat(step_in[STEP_IN_BETA]);
    FOR_EACH_OUTPUT(o) {
        float a = 0.0, k = 0.0;
        for (uint b = seg_lane(); o < pc.n && b < B; b += pc.seg) {
            a += sse[b];
            k += kl[b];
        }
        float recon = segment_sum(a) / float(B);
        float kl_mean = segment_sum(k) / float(B);
        if (o < pc.n && seg_lane() == 0u) {
            step_out[0] = recon + beta * kl_mean;
            step_out[1] = recon;
            step_out[2] = kl_mean;
        }
    }
}
