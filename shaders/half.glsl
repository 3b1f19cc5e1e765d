// Mixed precision's one rounding: round_to_f16(x) is x rounded to the
// nearest IEEE binary16 value, ties to even, as a float holding exactly
// that value, the same bits as vae_round_f16 (vaevk/half.h): binary16
// subnormals kept (multiples of 2^-24), |x| >= 65520 to ±inf, ±inf and
// NaN unchanged. Integer operations on the float's bits only: Vulkan
// leaves the rounding of float16_t conversions (and of anything that
// could flush subnormals) to the implementation, so this is the only way
// every device gives the same bits.
#ifndef HALF_GLSL
#define HALF_GLSL

// q·2^-24 for q <= 1024, as a float's bits: q's top bit e makes the
// exponent (2^-24 is exponent field 103), the bits below it the fraction.
uint f16_subnormal_bits(uint q) {
    if (q == 0u)
        return 0u;
    int e = findMSB(q);
    return uint(103 + e) << 23 | ((q << uint(23 - e)) & 0x7fffffu);
}

float round_to_f16(float x) {
    uint u = floatBitsToUint(x), sign = u & 0x80000000u, a = u ^ sign, r = 0u;
    if (a >= 0x7f800000u) // inf or NaN
        return x;
    if (a >= 0x38800000u) {
        // binary16 normals (from 2^-14): keep 10 of the 23 fraction bits;
        // adding just under half the dropped unit, plus the kept last bit,
        // rounds to nearest even and carries into the exponent
        r = (a + 0x0fffu + ((a >> 13) & 1u)) & ~0x1fffu;
        if (r >= 0x47800000u) // 65536 and up: past binary16's range
            r = 0x7f800000u;
    } else if (a > 0x33000000u) {
        // subnormals: q multiples of 2^-24 from the 24-bit significand
        // shifted right by 14..24, ties to even (2^-25 itself, the tie
        // with 0, is below this branch and goes to 0)
        uint shift = 126u - (a >> 23), m = (a & 0x7fffffu) | 0x800000u;
        uint rest = m & ((1u << shift) - 1u), half_unit = 1u << (shift - 1u);
        uint q = m >> shift;
        if (rest > half_unit || (rest == half_unit && (q & 1u) != 0u))
            q += 1u;
        r = f16_subnormal_bits(q);
    }
    return uintBitsToFloat(r | sign);
}

// The same rounding as binary16 bits, in the low 16 bits, for float16_t
// storage (unpackFloat2x16): vae_f16_bits (vaevk/half.h) bit for bit, NaN
// to a quiet NaN of the same sign.
uint f16_bits(float x) {
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
