// Philox4x32-10 and the variates built on it: the GLSL twin of
// src/core/rng.c (change one, change both). The raw words, the uniforms and
// the polynomial sin/cos are bit-identical to the C code; the normal's log
// is math.glsl's vae_log (within an ulp or two of the C library's logf).
#ifndef RNG_GLSL
#define RNG_GLSL

#include "math.glsl"

const uint PHILOX_M0 = 0xD2511F53u;
const uint PHILOX_M1 = 0xCD9E8D57u;
const uint PHILOX_W0 = 0x9E3779B9u;
const uint PHILOX_W1 = 0xBB67AE85u;

uvec4 philox4x32_10(uvec4 c, uvec2 k) {
    for (int round = 0; round < 10; round++) {
        uint hi0, lo0, hi1, lo1;
        umulExtended(PHILOX_M0, c.x, hi0, lo0);
        umulExtended(PHILOX_M1, c.z, hi1, lo1);
        c = uvec4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
        k += uvec2(PHILOX_W0, PHILOX_W1);
    }
    return c;
}

// seed = (low word, high word) of the 64-bit seed
uvec4 vae_rng_block(uvec2 seed, uint stream, uint step, uint block) {
    return philox4x32_10(uvec4(block, step, stream, 0u), seed);
}

uint vae_rng_u32(uvec2 seed, uint stream, uint step, uint index) {
    return vae_rng_block(seed, stream, step, index / 4u)[index % 4u];
}

// 23 random bits as an odd multiple of 2^-24: exact, never 0 or 1.
float uniform_from_bits(uint bits) {
    return float((bits >> 9) * 2u + 1u) * 5.96046448e-08;
}

float vae_rng_uniform(uvec2 seed, uint stream, uint step, uint index) {
    return uniform_from_bits(vae_rng_u32(seed, stream, step, index));
}

// sin and cos of 2π·t, t in [0, 1): see vae_sincos_turns in rng.c.
void vae_sincos_turns(float t, out float s, out float c) {
    precise float q = floor(t * 4.0 + 0.5);
    precise float f = t - q * 0.25;
    precise float x = f * 6.28318548;
    precise float x2 = x * x;
    precise float sn = 2.50521079e-08;         // 1/11!
    sn = sn * -x2 + 2.75573188e-06;            // 1/9!
    sn = sn * -x2 + 0.000198412701;            // 1/7!
    sn = sn * -x2 + 0.00833333377;             // 1/5!
    sn = sn * -x2 + 0.166666672;               // 1/3!
    sn = sn * -x2 + 1.0;
    sn = sn * x;
    precise float cs = 2.08767559e-09;         // 1/12!
    cs = cs * -x2 + 2.755732e-07;              // 1/10!
    cs = cs * -x2 + 2.48015876e-05;            // 1/8!
    cs = cs * -x2 + 0.00138888892;             // 1/6!
    cs = cs * -x2 + 0.0416666679;              // 1/4!
    cs = cs * -x2 + 0.5;
    cs = cs * -x2 + 1.0;
    switch (int(q) & 3) {
    case 0: s = sn; c = cs; break;
    case 1: s = cs; c = -sn; break;
    case 2: s = -sn; c = -cs; break;
    default: s = -cs; c = sn; break;
    }
}

float vae_rng_normal(uvec2 seed, uint stream, uint step, uint index) {
    uint pair = index / 2u;
    uvec4 words = vae_rng_block(seed, stream, step, pair / 2u);
    uint first = (pair % 2u) * 2u;
    float u1 = uniform_from_bits(words[first]);
    float u2 = uniform_from_bits(words[first + 1u]);
    precise float r = sqrt(-2.0 * vae_log(u1));
    float s, c;
    vae_sincos_turns(u2, s, c);
    precise float z = r * ((index % 2u) != 0u ? s : c);
    return z;
}

// Stream ids (vaevk/rng.h).
const uint VAE_STREAM_EPS = 2u;
const uint VAE_STREAM_FLIP = 3u;

#endif
