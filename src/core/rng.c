/* Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3")
 * and the uniform and normal variates built on it. Mirrored by shaders/rng.glsl:
 * change one, change both. */
#include "vaevk/rng.h"

#include <math.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

void vae_rng_block(uint64_t seed, uint32_t stream, uint32_t step, uint32_t block,
                   uint32_t out[4]) {
    const uint32_t ctr[4] = {block, step, stream, 0u};
    const uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    philox4x32_10(ctr, key, out);
}

uint32_t vae_rng_u32(uint64_t seed, uint32_t stream, uint32_t step, uint32_t index) {
    uint32_t words[4];
    vae_rng_block(seed, stream, step, index / 4u, words);
    return words[index % 4u];
}

/* 23 random bits as an odd multiple of 2^-24: exact in float, never 0 or 1. */
static float uniform_from_bits(uint32_t bits) {
    return (float)((bits >> 9) * 2u + 1u) * 0x1p-24f;
}

float vae_rng_uniform(uint64_t seed, uint32_t stream, uint32_t step, uint32_t index) {
    return uniform_from_bits(vae_rng_u32(seed, stream, step, index));
}

/* sin and cos of x = 2π·f for |f| <= 1/8 (|x| <= π/4) by Taylor polynomials
 * to x^11 and x^12: the truncation error is below 1e-11, far under float
 * rounding, and the arithmetic is only + and ×, which GLSL rounds as C does. */
void vae_sincos_turns(float t, float *s, float *c) {
    float q = floorf(t * 4.0f + 0.5f);
    float f = t - q * 0.25f;
    float x = f * 6.28318530717958648f;
    float x2 = x * x;
    float sn = 1.0f / 39916800.0f;
    sn = sn * -x2 + 1.0f / 362880.0f;
    sn = sn * -x2 + 1.0f / 5040.0f;
    sn = sn * -x2 + 1.0f / 120.0f;
    sn = sn * -x2 + 1.0f / 6.0f;
    sn = sn * -x2 + 1.0f;
    sn = sn * x;
    float cs = 1.0f / 479001600.0f;
    cs = cs * -x2 + 1.0f / 3628800.0f;
    cs = cs * -x2 + 1.0f / 40320.0f;
    cs = cs * -x2 + 1.0f / 720.0f;
    cs = cs * -x2 + 1.0f / 24.0f;
    cs = cs * -x2 + 0.5f;
    cs = cs * -x2 + 1.0f;
    switch ((int)q & 3) {
    case 0: *s = sn; *c = cs; break;
    case 1: *s = cs; *c = -sn; break;
    case 2: *s = -sn; *c = -cs; break;
    default: *s = -cs; *c = sn; break;
    }
}

float vae_rng_normal(uint64_t seed, uint32_t stream, uint32_t step, uint32_t index) {
    uint32_t words[4];
    uint32_t pair = index / 2u;
    vae_rng_block(seed, stream, step, pair / 2u, words);
    uint32_t first = (pair % 2u) * 2u;
    float u1 = uniform_from_bits(words[first]);
    float u2 = uniform_from_bits(words[first + 1u]);
    float r = sqrtf(-2.0f * logf(u1));
    float s, c;
    vae_sincos_turns(u2, &s, &c);
    return r * ((index % 2u) ? s : c);
}

void vae_rng_normal_fill(float *out, uint32_t n, uint64_t seed, uint32_t stream,
                         uint32_t step, uint32_t first) {
    for (uint32_t i = 0; i < n; i++)
        out[i] = vae_rng_normal(seed, stream, step, first + i);
}
