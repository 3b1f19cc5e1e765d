#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_ADAM, as torch.optim.Adam and spelled operation by operation like
// the CPU's adam_update, on g/S (S the loss scale; nothing is written when
// the loss scaler found an inf or NaN gradient this step):
//   g = g·(1/S);  m = b1·m + (1-b1)·g;  v = b2·v + (1-b2)·(g·g);
//   p = p - step_size·m / (sqrt(v)·inv_sqrt_bc2 + eps)
// ITEM kernel, n.   bindings: 0 p, 1 g, 2 m, 3 v, 4 step_in (step_size,
// inv_sqrt_bc2), 5 loss_scaler.   d: n.   f: 1-b1, 1-b2, eps (see
// adam_update in ops.h).
#include "common.glsl"

TENSOR(0, p);
TENSOR_IN(1, g);
TENSOR(2, m);
TENSOR(3, v);
WORDS_IN(4, step_in);
WORDS_IN(5, loss_scaler);

void main() {
    if (loss_scaler[LOSS_SCALER_FOUND] != 0u)
        return;
    // 1/S from the exponent bits: exact for every power of two in
    // [2^-24, 2^24], where a division may be off by an ulp or more
    float inv_scale = uintBitsToFloat((254u - (loss_scaler[LOSS_SCALER_SCALE] >> 23)) << 23);
    float omb1 = pc.f[0], omb2 = pc.f[1], eps = pc.f[2];
    precise float b1 = 1.0 - omb1, b2 = 1.0 - omb2;
    float step_size = uintBitsToFloat(step_in[STEP_IN_ADAM_STEP_SIZE]);
    float inv_sqrt_bc2 = uintBitsToFloat(step_in[STEP_IN_ADAM_INV_SQRT_BC2]);
    FOR_EACH_ITEM(i) {
        precise float gi = g[i] * inv_scale;
        precise float mi = b1 * m[i] + omb1 * gi;
        precise float vi = b2 * v[i] + omb2 * (gi * gi);
        precise float denom = sqrt(vi) * inv_sqrt_bc2 + eps;
        precise float pi = p[i] - step_size * mi / denom;
        m[i] = mi;
        v[i] = vi;
        p[i] = pi;
    }
}
