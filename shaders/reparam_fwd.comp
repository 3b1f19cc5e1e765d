#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_REPARAM_FWD: z = mu + exp(0.5·log_var)·eps. ITEM kernel, n.
// bindings: 0 z, 1 mu, 2 log_var, 3 eps.   d: n.
#include "common.glsl"
#include "math.glsl"

TENSOR(0, z);
TENSOR_IN(1, mu);
TENSOR_IN(2, log_var);
TENSOR_IN(3, eps);

void main() {
    FOR_EACH_ITEM(i) {
        float sd = vae_exp(0.5 * log_var[i]);
        precise float v = mu[i] + sd * eps[i];
        z[i] = v;
    }
}
