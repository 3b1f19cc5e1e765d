/* vae_f16_bits and vae_f16_value (vaevk/f16.h): hand-worked cases at every
 * boundary, every half back to float and round again, then floats against
 * the compiler's own _Float16 conversion (round to nearest even, subnormals
 * kept) where the compiler has the type: all of them where the result is
 * neither 0 nor infinity, a sample of the rest. */
#include <math.h>
#include <string.h>

#include "../common/check.h"
#include "vaevk/f16.h"

static float from_bits(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static int is_nan16(uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0; }

static void hand_cases(void) {
    static const struct { float x; uint16_t h; const char *what; } c[] = {
        {0.0f, 0x0000, "0"},
        {-0.0f, 0x8000, "-0 keeps its sign"},
        {1.0f, 0x3c00, "1"},
        {-2.0f, 0xc000, "-2"},
        {65504.0f, 0x7bff, "the largest half"},
        {65519.99f, 0x7bff, "just under 65520 rounds down to 65504"},
        {65520.0f, 0x7c00, "65520 ties to even: infinity"},
        {1e10f, 0x7c00, "far past the range: infinity"},
        {0x1p-14f, 0x0400, "the least normal half"},
        {0x1p-24f, 0x0001, "the least subnormal"},
        {0x1p-25f, 0x0000, "half the least subnormal ties to 0"},
        {0x1.000002p-25f, 0x0001, "just over half the least subnormal: 2^-24"},
        {0x1.8p-24f, 0x0002, "1.5 subnormal units tie to even: 2"},
        {0x1.4p-23f, 0x0002, "2.5 subnormal units tie to even: 2"},
        {0x1.ffcp-15f, 0x0400, "just under 2^-14 rounds up to the least normal"},
        {1.0f + 0x1p-11f, 0x3c00, "1 + half an ulp ties to even: 1"},
        {1.0f + 0x1.8p-10f, 0x3c02, "1 + 1.5 ulp ties to even: 1 + 2 ulp"},
        {0x1.002002p+0f, 0x3c01, "1 + just over half an ulp: up"},
        {2047.0f + 0.5f, 0x67ff + 1, "2047.5 ties to even 2048"},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        uint16_t h = vae_f16_bits(c[i].x);
        CHECK(h == c[i].h, "%s: %a -> 0x%04x (want 0x%04x)", c[i].what, (double)c[i].x, h, c[i].h);
    }
    CHECK(vae_f16_bits(INFINITY) == 0x7c00 && vae_f16_bits(-INFINITY) == 0xfc00, "infinities stay");
    CHECK(is_nan16(vae_f16_bits(NAN)) && is_nan16(vae_f16_bits(from_bits(0x7f800001u))) &&
              (vae_f16_bits(-NAN) & 0x8000u),
          "NaNs stay NaN (a payload only in the low bits too), with their sign");
}

/* Every half to float and back: the same bits (NaNs: still NaN). */
static void every_half(void) {
    long bad = 0;
    for (uint32_t h = 0; h < 0x10000u; h++) {
        float v = vae_f16_value((uint16_t)h);
        uint16_t back = vae_f16_bits(v);
        if (is_nan16((uint16_t)h) ? !isnan(v) || !is_nan16(back) : back != h)
            bad++;
    }
    CHECK(bad == 0, "every half survives float and back: %ld wrong", bad);
    CHECK(vae_f16_value(0x0001) == 0x1p-24f && vae_f16_value(0x7bff) == 65504.0f &&
              vae_f16_value(0x83ff) == -0x3ffp-24f,
          "values: least subnormal, largest half, a negative subnormal");
}

#ifdef __FLT16_MAX__
static inline __attribute__((always_inline)) uint16_t compiler_f16(float x) {
    _Float16 y = (_Float16)x;
    uint16_t h;
    memcpy(&h, &y, sizeof h);
    return h;
}

/* Floats u0, u0 + step, ... below u1 against the compiler's conversion
 * (libgcc's, or F16C where the target has it) under the default rounding
 * mode: round to nearest even, subnormals kept. */
static inline __attribute__((always_inline)) long differ_in(uint64_t u0, uint64_t u1, uint64_t step,
                                                             uint32_t *first) {
    long bad = 0;
    for (uint64_t u = u0; u < u1; u += step) {
        float x = from_bits((uint32_t)u);
        uint16_t want = compiler_f16(x), got = vae_f16_bits(x);
        int same = isnan(x) ? is_nan16(got) && (got & 0x8000u) == (want & 0x8000u) : got == want;
        if (!same && bad++ == 0)
            *first = (uint32_t)u;
    }
    return bad;
}

/* The same with the conversion in F16C instructions where the processor
 * has them: five times faster than libgcc's. */
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("f16c"))) static long differ_f16c(uint64_t u0, uint64_t u1, uint64_t step,
                                                         uint32_t *first) {
    return differ_in(u0, u1, step, first);
}

static long differ(uint64_t u0, uint64_t u1, uint64_t step, uint32_t *first) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("f16c"))
        return differ_f16c(u0, u1, step, first);
    return differ_in(u0, u1, step, first);
}
#else
static long differ(uint64_t u0, uint64_t u1, uint64_t step, uint32_t *first) {
    return differ_in(u0, u1, step, first);
}
#endif

/* Every positive float from 2^-26 to 2^17, where the result is neither 0
 * nor infinity, every one of the few dozen ulps around the edges of those
 * ranges (in the first call), and every 257th float of all 2^32 (both
 * signs, NaNs and the flat ends) for the rest: all 2^32 take minutes
 * with libgcc's conversion. */
static void every_float(void) {
    uint32_t first = 0;
    long bad = differ(0x32800000u, 0x48000000u, 1, &first);
    CHECK(bad == 0, "every float in [2^-26, 2^17) rounds as _Float16 does: %ld differ (first 0x%08x)",
          bad, first);
    bad = differ(0, 0x100000000u, 257, &first);
    CHECK(bad == 0, "every 257th of all 2^32 floats rounds as _Float16 does: %ld differ (first 0x%08x)",
          bad, first);
}
#endif

int main(void) {
    hand_cases();
    every_half();
#ifdef __FLT16_MAX__
    every_float();
#else
    printf("skip every float: this compiler has no _Float16\n");
#endif
    return failures ? 1 : 0;
}
