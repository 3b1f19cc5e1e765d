// Transcendental functions of our own. Vulkan lets exp, log and tanh be off
// by several ulps (more for large |x|), and some drivers compute tanh as a
// ratio of exponentials that overflows to NaN. These use only +, -, ×, ÷
// and exact scalings, so they are within about one ulp of the C library on
// every device, which is what agreement with the CPU reference needs.
// `precise` keeps the compiler from fusing or reordering the arithmetic.
#ifndef MATH_GLSL
#define MATH_GLSL

const float LN2_HI = 0.693145752;    // 16 significant bits: k·LN2_HI is exact
const float LN2_LO = 1.42860677e-06; // ln 2 - LN2_HI
const float LOG2_E = 1.44269502;
const float EXP_MAX = 88.7228394;    // above: exp overflows
const float EXP_MIN = -103.972084;   // below: exp is under half the least subnormal

// e^r for |r| <= ln2/2: Taylor to r^8; the next term is below 2e-10 relative.
float exp_reduced(float r) {
    precise float p = 2.48015876e-05;          // 1/8!
    p = p * r + 0.000198412701;                // 1/7!
    p = p * r + 0.00138888892;                 // 1/6!
    p = p * r + 0.00833333377;                 // 1/5!
    p = p * r + 0.0416666679;                  // 1/4!
    p = p * r + 0.166666672;                   // 1/3!
    p = p * r + 0.5;
    p = p * (r * r) + r;
    p = p + 1.0;
    return p;
}

float vae_exp(float x) {
    if (isnan(x))
        return x;
    if (x > EXP_MAX)
        return uintBitsToFloat(0x7f800000u);
    if (x < EXP_MIN)
        return 0.0;
    precise float k = floor(x * LOG2_E + 0.5);
    precise float r = x - k * LN2_HI;
    r = r - k * LN2_LO;
    int ki = int(k);
    // two scalings so no intermediate power of two overflows
    return ldexp(ldexp(exp_reduced(r), ki / 2), ki - ki / 2);
}

// e^y - 1 without the cancellation near 0: Taylor to y^9 for |y| <= 0.35.
float vae_expm1(float y) {
    if (abs(y) > 0.35)
        return vae_exp(y) - 1.0;
    precise float p = 2.75573188e-06;          // 1/9!
    p = p * y + 2.48015876e-05;
    p = p * y + 0.000198412701;
    p = p * y + 0.00138888892;
    p = p * y + 0.00833333377;
    p = p * y + 0.0416666679;
    p = p * y + 0.166666672;
    p = p * y + 0.5;
    p = p * (y * y) + y;
    return p;
}

// e^v - 1 - v, which is >= 0: the part of the KL term that cancels when the
// posterior is near the prior. Taylor to v^13 for |v| <= 1 (next term
// below 2e-11 relative).
float exp_minus_1_minus(float v) {
    if (abs(v) > 1.0)
        return (vae_exp(v) - 1.0) - v;
    precise float p = 1.60590444e-10;          // 1/13!
    p = p * v + 2.08767559e-09;
    p = p * v + 2.50521079e-08;
    p = p * v + 2.755732e-07;
    p = p * v + 2.75573188e-06;
    p = p * v + 2.48015876e-05;
    p = p * v + 0.000198412701;
    p = p * v + 0.00138888892;
    p = p * v + 0.00833333377;
    p = p * v + 0.0416666679;
    p = p * v + 0.166666672;
    p = p * v + 0.5;
    p = p * (v * v);
    return p;
}

// tanh = expm1(2|x|) / (expm1(2|x|) + 2) with the sign put back; beyond
// |x| = 9.1 the float result is exactly ±1 (and the ratio would overflow).
float vae_tanh(float x) {
    if (isnan(x))
        return x;
    float a = abs(x);
    precise float t = 1.0;
    if (a < 9.1) {
        float e = vae_expm1(2.0 * a);
        t = e / (e + 2.0);
    }
    return x < 0.0 ? -t : t;
}

// Natural log for normal x > 0: x = m·2^e with m in [√½, √2), then
// log m = 2·atanh(s), s = (m-1)/(m+1), |s| <= 0.172, by its odd series to
// s^11 (next term below 4e-11 relative). For x < 1 the result is always
// negative, which Box-Muller's sqrt(-2 log u) relies on.
float vae_log(float x) {
    uint bits = floatBitsToUint(x);
    int e = int(bits >> 23) - 126;
    float m = uintBitsToFloat((bits & 0x007fffffu) | 0x3f000000u); // [0.5, 1)
    if (m < 0.707106769) {
        m = m * 2.0;
        e = e - 1;
    }
    precise float s = (m - 1.0) / (m + 1.0);
    precise float s2 = s * s;
    precise float p = 0.0909090936;            // 1/11
    p = p * s2 + 0.111111112;                  // 1/9
    p = p * s2 + 0.142857149;                  // 1/7
    p = p * s2 + 0.200000003;                  // 1/5
    p = p * s2 + 0.333333343;                  // 1/3
    precise float log_m = (2.0 * s) + (2.0 * s) * (s2 * p);
    precise float fe = float(e);
    return fe * LN2_HI + (log_m + fe * LN2_LO);
}

#endif
