/* The counter-based random generator shared by every backend: Philox4x32-10.
 * A number is a pure function of (seed, stream, step, index), so the CPU
 * reference and the GPU shaders (shaders/rng.glsl) draw the same values
 * without sharing state, and a resumed run draws what it would have drawn. */
#ifndef VAEVK_RNG_H
#define VAEVK_RNG_H

#include <stdint.h>

/* What the numbers are for; each use has its own stream so none overlap. */
typedef enum {
    VAE_STREAM_INIT = 1,     /* parameter initialisation: step = tensor index */
    VAE_STREAM_EPS = 2,      /* reparameterisation noise: step = training step */
    VAE_STREAM_FLIP = 3,     /* horizontal flips: step = training step */
    VAE_STREAM_SHUFFLE = 4,  /* data order: step = epoch */
    VAE_STREAM_SAMPLE = 5,   /* z for `sample`: step = 0 */
    VAE_STREAM_DATA = 6,     /* synthetic faces: step = image, index = attribute */
    VAE_STREAM_SPLIT = 7,    /* train/validation split of a dataset */
    VAE_STREAM_TEST = 8,     /* test inputs */
    VAE_STREAM_ANALYSIS = 9, /* draws of the model's analysis: step = what for (viz/analysis.h) */
} vae_stream;

/* Philox4x32 with 10 rounds: counter (4 words) and key (2 words) in, 4 words out. */
void philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* The 4 raw words of block `block` of (seed, stream, step). */
void vae_rng_block(uint64_t seed, uint32_t stream, uint32_t step, uint32_t block,
                   uint32_t out[4]);

/* 32 random bits for element `index`: word index%4 of block index/4. */
uint32_t vae_rng_u32(uint64_t seed, uint32_t stream, uint32_t step, uint32_t index);

/* Uniform in the open interval (0, 1): (top 24 bits + 0.5) / 2^24. */
float vae_rng_uniform(uint64_t seed, uint32_t stream, uint32_t step, uint32_t index);

/* Standard normal for element `index`, by Box-Muller on the two uniforms of
 * pair index/2 (cos for even, sin for odd), with sin/cos computed from a
 * polynomial of our own so that GLSL and C agree to rounding. */
float vae_rng_normal(uint64_t seed, uint32_t stream, uint32_t step, uint32_t index);

/* Fills out[0..n) with vae_rng_normal(seed, stream, step, first + i). */
void vae_rng_normal_fill(float *out, uint32_t n, uint64_t seed, uint32_t stream,
                         uint32_t step, uint32_t first);

/* The polynomial sin/cos of 2π·t for t in [0, 1) used by vae_rng_normal. */
void vae_sincos_turns(float t, float *s, float *c);

#endif
