/* Rounding to binary16 on the bits of a float (see vaevk/half.h). */
#include <string.h>

#include "vaevk/half.h"

static unsigned bits_of(float x) {
    unsigned u;
    memcpy(&u, &x, 4);
    return u;
}

static float float_of(unsigned u) {
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
