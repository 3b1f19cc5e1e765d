/* vae_round_f16 and vae_f16_bits against the compiler's own float -> _Float16 conversion
 * (GCC's, round to nearest even with subnormals): every rounding boundary
 * of the binary16 range exactly, and a sweep over all float bit patterns. */
#include <math.h>
#include <string.h>

#include "../common/check.h"
#include "vaevk/half.h"

/* Counts the patterns where the two differ (any NaN equals any NaN). */
static long mismatches;
static uint32_t first_bad = 0;
static long tried;

/* vae_round_f16 and, as bits, vae_f16_bits (through vae_f16_value) both
 * against the compiler's conversion. */
static void compare(uint32_t u) {
    float x = test_bits_float(u), got = vae_round_f16(x), want = (float)(_Float16)x;
    float via_bits = vae_f16_value(vae_f16_bits(x));
    tried++;
    if (isnan(want) ? !isnan(got) || !isnan(via_bits)
                    : test_float_bits(got) != test_float_bits(want) ||
                          test_float_bits(via_bits) != test_float_bits(want)) {
        if (!mismatches)
            first_bad = u;
        mismatches++;
    }
}

int main(void) {
    /* Ties and their neighbours: in the normal range the dropped unit is
     * 0x2000 of the float's bits, so every 0x1000 offset from a multiple
     * of 0x2000 is a tie; in the subnormal range (exponents 102 to 112) the
     * dropped unit grows to 2^24 of the significand. Both signs. */
    for (uint32_t sign = 0; sign <= 1; sign++) {
        const uint32_t s = sign << 31;
        for (uint32_t base = 0x38000000u; base < 0x48000000u; base += 0x2000u)
            for (int d = -2; d <= 2; d++) {
                compare(s | (base + 0x1000u + (uint32_t)d));
                compare(s | (base + (uint32_t)d));
            }
        for (uint32_t e = 100; e <= 113; e++)
            for (uint32_t f = 0; f < 0x800000u; f += 0x100u) /* every multiple of 256 */
                for (int d = -1; d <= 1; d++)
                    compare(s | (e << 23) | ((f + (uint32_t)d) & 0x7fffffu));
    }
    long boundary = tried;
    CHECK(mismatches == 0, "%ld patterns at and around every rounding tie: %ld differ", boundary,
          mismatches);
    long before = mismatches;
    for (uint64_t u = 0; u < (1ull << 32); u += 4099)
        compare((uint32_t)u);
    CHECK(mismatches == before, "%ld patterns across all floats (every 4099th): %ld differ",
          tried - boundary, mismatches - before);

    /* Named cases, so a failure reads as what went wrong. */
    CHECK(vae_round_f16(65504.0f) == 65504.0f, "65504, the largest half, is kept");
    CHECK(vae_round_f16(65519.99f) == 65504.0f, "65519.99 rounds down to 65504");
    CHECK(isinf(vae_round_f16(65520.0f)) && vae_round_f16(-65520.0f) < 0,
          "65520 (the tie above 65504) goes to inf, keeping its sign");
    CHECK(vae_round_f16(0x1p-24f) == 0x1p-24f, "2^-24, the smallest subnormal half, is kept");
    CHECK(vae_round_f16(0x1p-25f) == 0.0f, "2^-25 (the tie with 0) rounds to even: 0");
    CHECK(vae_round_f16(0x1.8p-24f) == 0x1p-23f, "1.5 * 2^-24 (a tie) rounds to even: 2^-23");
    CHECK(vae_round_f16(1.0f + 0x1p-11f) == 1.0f, "1 + 2^-11 (a tie) rounds to even: 1");
    CHECK(vae_round_f16(1.0f + 0x1.8p-10f) == 1.0f + 0x1p-9f, "1 + 1.5 * 2^-10 rounds up to 1 + 2^-9");
    CHECK(test_float_bits(vae_round_f16(-0.0f)) == 0x80000000u, "-0 stays -0");
    CHECK(isnan(vae_round_f16(NAN)) && isinf(vae_round_f16(-INFINITY)), "NaN and -inf are kept");
    if (mismatches)
        printf("first pattern that differs: 0x%08x\n", first_bad);
    return failures ? 1 : 0;
}
