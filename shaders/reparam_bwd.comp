#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_REPARAM_BWD: dmu = dz; dlog_var = dz·eps·0.5·exp(0.5·log_var).
// Overwrites both; reads every input before writing. ITEM kernel, n.
// bindings: 0 dmu, 1 dlog_var, 2 dz, 3 log_var, 4 eps.   d: n.
#include "common.glsl"
#include "math.glsl"

TENSOR(0, dmu);
TENSOR(1, dlog_var);
TENSOR_IN(2, dz);
TENSOR_IN(3, log_var);
TENSOR_IN(4, eps);

void main() {
    FOR_EACH_ITEM(i) {
        float g = dz[i], e = eps[i];
        float sd = vae_exp(0.5 * log_var[i]);
        precise float v = g * e * 0.5 * sd;
        dmu[i] = g;
        dlog_var[i] = v;
    }
}
