/* The activations of the fast backend, shared by the element-wise ops and
 * the products that apply them as they write their results: each computes
 * what the reference's op computes, tanh to within about one ulp. */
#ifndef VAEVK_FAST_MATH_H
#define VAEVK_FAST_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float fast_leaky_relu(float x, float slope) { return x > 0 ? x : slope * x; }
static inline float fast_relu(float x) { return x > 0 ? x : 0; }

/* e^r for |r| <= ln2/2, Taylor to r^8 (as shaders/math.glsl). */
static inline float fast_exp_reduced(float r) {
    float p = 2.48015876e-05f;
    p = p * r + 0.000198412701f;
    p = p * r + 0.00138888892f;
    p = p * r + 0.00833333377f;
    p = p * r + 0.0416666679f;
    p = p * r + 0.166666672f;
    p = p * r + 0.5f;
    p = p * (r * r) + r;
    return p + 1.0f;
}

/* tanh = expm1(2a) / (expm1(2a) + 2), a = |x| < 9.1, sign put back; ±1
 * beyond. expm1 by its Taylor series to y^9 for y <= 0.35, else e^y - 1
 * with e^y = 2^k·e^r, |r| <= ln2/2. Branch-free, so the loop vectorises. */
static inline float fast_tanh(float x) {
    const float a = fabsf(x), y = 2.0f * (a < 9.1f ? a : 9.1f);
    /* k = y/ln2 rounded to an integer by adding and taking away 1.5·2^23
     * (a plain add, which every vector unit has; (int)(v + 0.5f) is
     * recognised as a rounding call and stops the loop vectorising) */
    const float k = (y * 1.44269502f + 12582912.0f) - 12582912.0f;
    const float r = (y - k * 0.693145752f) - k * 1.42860677e-06f;
    const int32_t bits = ((int32_t)k + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    const float big = fast_exp_reduced(r) * scale - 1.0f;
    float p = 2.75573188e-06f;
    p = p * y + 2.48015876e-05f;
    p = p * y + 0.000198412701f;
    p = p * y + 0.00138888892f;
    p = p * y + 0.00833333377f;
    p = p * y + 0.0416666679f;
    p = p * y + 0.166666672f;
    p = p * y + 0.5f;
    const float small = p * (y * y) + y;
    const float e = y > 0.35f ? big : small;
    const float q = e / (e + 2.0f);
    const float t = a < 9.1f ? q : 1.0f;
    return x != x ? x : copysignf(t, x);
}

#endif
