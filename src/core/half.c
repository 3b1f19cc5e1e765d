/* Rounding to binary16 on the bits of a float (see vaevk/half.h). */
#include <string.h>

#include "vaevk/half.h"

static uint32_t bits_of(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}

static float float_of(uint32_t u) {
    float x;
    memcpy(&x, &u, 4);
    return x;
}

float vae_round_f16(float x) {
    const unsigned u = bits_of(x), sign = u & 0x80000000u, a = u ^ sign;
    unsigned r;
    if (a >= 0x7f800000u) /* inf or NaN */
        return x;
    if (a >= 0x38800000u) {
        /* binary16 normals (from 2^-14): keep 10 of the 23 fraction bits;
         * adding just under half the dropped unit, plus the kept last bit,
         * rounds to nearest even and carries into the exponent */
        r = (a + 0x0fffu + ((a >> 13) & 1u)) & ~0x1fffu;
        if (r >= 0x47800000u) /* 65536 and up: past binary16's range */
            r = 0x7f800000u;
    } else if (a > 0x33000000u) {
        /* subnormals: a multiple q of 2^-24 from the 24-bit significand,
         * shift bits dropped, ties to even (2^-25 itself, the tie with 0,
         * falls through to 0) */
        const unsigned shift = 126u - (a >> 23), m = (a & 0x7fffffu) | 0x800000u;
        const unsigned rest = m & ((1u << shift) - 1u), half = 1u << (shift - 1u);
        unsigned q = m >> shift;
        q += rest > half || (rest == half && (q & 1u));
        r = bits_of((float)q * 0x1p-24f); /* exact: q <= 1024 */
    } else {
        r = 0;
    }
    return float_of(r | sign);
}

uint16_t vae_f16_bits(float x) {
    uint32_t u = bits_of(x);
    uint32_t sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
    if (a >= 0x7f800000u) /* infinity, NaN (the payload's top bits kept) */
        return (uint16_t)(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u | ((a >> 13) & 0x3ffu) : 0u));
    if (a >= 0x477ff000u)
        return (uint16_t)(sign | 0x7c00u);
    if (a >= 0x38800000u) {
        /* 2^-14 and up: rebias the exponent (127 - 15 = 112), drop 13 bits
         * of the significand; a carry out of them moves into the exponent */
        uint32_t r = a - 0x38000000u;
        return (uint16_t)(sign | ((r + 0xfffu + ((r >> 13) & 1u)) >> 13));
    }
    if (a <= 0x33000000u) /* up to 2^-25, half the least subnormal: ties to 0 */
        return (uint16_t)sign;
    /* a subnormal: the 24-bit significand in units of 2^-24 is sig >> s */
    uint32_t e = a >> 23, sig = (a & 0x7fffffu) | 0x800000u;
    uint32_t s = 126u - e; /* 14..24 */
    uint32_t q = sig >> s, rest = sig & ((1u << s) - 1u), tie = 1u << (s - 1u);
    if (rest > tie || (rest == tie && (q & 1u)))
        q++; /* 0x3ff + 1 is the least normal's encoding, as it should be */
    return (uint16_t)(sign | q);
}

float vae_f16_value(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
    if (e == 0x1f) /* infinity, NaN */
        return float_of(sign | 0x7f800000u | (m << 13));
    if (e != 0)
        return float_of(sign | ((e + 112u) << 23) | (m << 13));
    /* zero or a subnormal, m · 2^-24: exact in float */
    float v = (float)m * 0x1p-24f;
    return sign ? -v : v;
}
