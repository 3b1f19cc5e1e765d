// Where mixed precision rounds (issue 9): an fp32 value to IEEE binary16,
// round to nearest, ties to even; results below 2^-14 kept as subnormals,
// not flushed; 65520 and up (the halfway point past the largest finite
// half, 65504) to infinity; NaN to a quiet NaN of the same sign. Integer
// operations only, so every device gives the same bits whatever its float16
// conversions and denormal modes do. The C twin is vae_f16_bits
// (src/core/f16.c); tests/vk/test_f16_glsl.c runs this one against it.
#ifndef F16_ROUND_GLSL
#define F16_ROUND_GLSL

// The binary16 bits of x, in the low 16 bits.
uint round_to_f16(float x) {
    uint u = floatBitsToUint(x);
    uint sign = (u >> 16) & 0x8000u;
    uint a = u & 0x7fffffffu;
    if (a >= 0x7f800000u) // infinity, NaN (the payload's top bits kept)
        return sign | 0x7c00u | (a > 0x7f800000u ? 0x200u | ((a >> 13) & 0x3ffu) : 0u);
    if (a >= 0x477ff000u)
        return sign | 0x7c00u;
    if (a >= 0x38800000u) {
        // 2^-14 and up: rebias the exponent (127 - 15 = 112), drop 13 bits
        // of the significand; a carry out of them moves into the exponent.
        uint r = a - 0x38000000u;
        return sign | ((r + 0xfffu + ((r >> 13) & 1u)) >> 13);
    }
    if (a <= 0x33000000u) // up to 2^-25, which is half the least subnormal: ties to 0
        return sign;
    // A subnormal: the 24-bit significand in units of 2^-24 is sig >> s.
    uint e = a >> 23, sig = (a & 0x7fffffu) | 0x800000u;
    uint s = 126u - e; // 14..24
    uint q = sig >> s, rest = sig & ((1u << s) - 1u), tie = 1u << (s - 1u);
    if (rest > tie || (rest == tie && (q & 1u) != 0u))
        q += 1u; // 0x3ff + 1 is the least normal's encoding, as it should be
    return sign | q;
}

#endif
