#version 450
#extension GL_GOOGLE_include_directive : require
// VAE_OP_EPS_NORMAL: eps[i] = vae_rng_normal(seed, EPS stream, step, i).
// ITEM kernel, n.   bindings: 0 eps, 1 step_in.   d: n.
#include "common.glsl"
#include "math.glsl"
#include "rng.glsl"

TENSOR(0, eps);
WORDS_IN(1, step_in);

void main() {
    uvec2 seed = uvec2(step_in[STEP_IN_SEED_LO], step_in[STEP_IN_SEED_HI]);
    uint step = step_in[STEP_IN_STEP];
    FOR_EACH_ITEM(i)
        eps[i] = vae_rng_normal(seed, VAE_STREAM_EPS, step, i);
}
