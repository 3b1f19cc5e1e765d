/* Mixed precision's one rounding: a float to the nearest IEEE binary16
 * value, as the operands of every product are rounded in mixed mode. The
 * reference calls it; shaders/half.glsl computes the same bits. */
#ifndef VAEVK_HALF_H
#define VAEVK_HALF_H

/* x rounded to binary16, ties to even, returned as the float of that exact
 * value: binary16 subnormals kept (multiples of 2^-24), |x| >= 65520 (past
 * the largest half, 65504, by half an ulp or more) to ±inf, ±inf and NaN
 * unchanged. Integer arithmetic only, so no rounding mode or flush-to-zero
 * setting changes it. */
float vae_round_f16(float x);

#endif
