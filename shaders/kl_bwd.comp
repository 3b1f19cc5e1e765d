#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_KL_BWD: gradient of beta·mean_B(kl), accumulated:
// dmu += beta·mu/B;  dlog_var += beta·0.5·(e^lv - 1)/B, rounded step by step
// as the CPU does, with beta times the loss scale S (exact: a power of two).
// ITEM kernel, n = B·L.
// bindings: 0 dmu, 1 dlog_var, 2 mu, 3 log_var, 4 step_in (beta),
// 5 loss_scaler.   d: B, L.
#include "common.glsl"
#include "math.glsl"

TENSOR(0, dmu);
TENSOR(1, dlog_var);
TENSOR_IN(2, mu);
TENSOR_IN(3, log_var);
WORDS_IN(4, step_in);
WORDS_IN(5, loss_scaler);

void main() {
    precise float beta = uintBitsToFloat(loss_scaler[LOSS_SCALER_SCALE]) *
                         uintBitsToFloat(step_in[STEP_IN_BETA]);
    float B = float(pc.d[0]);
    FOR_EACH_ITEM(i) {
        float e = vae_exp(log_var[i]);
        precise float gm = dmu[i] + beta * mu[i] / B;
        precise float gl = dlog_var[i] + beta * 0.5 * (e - 1.0) / B;
        dmu[i] = gm;
        dlog_var[i] = gl;
    }
}
