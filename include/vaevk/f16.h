/* IEEE binary16 ("half", fp16): where mixed precision rounds the operands
 * of a product (issue 9). Round to nearest, ties to even; results below
 * 2^-14 kept as subnormals; 65520 and up (halfway past the largest finite
 * half, 65504) to infinity; NaN to a quiet NaN of the same sign. Integer
 * arithmetic only, the same as shaders/f16_round.glsl's round_to_f16, so
 * the CPU and every GPU round alike bit for bit (tests/core/test_f16.c
 * checks floats against the compiler's _Float16 where it has one,
 * tests/vk/test_f16_glsl.c the shader against this). */
#ifndef VAEVK_F16_H
#define VAEVK_F16_H

#include <stdint.h>

/* The binary16 bits of x rounded. */
uint16_t vae_f16_bits(float x);
/* The value of binary16 bits h as a float (exact: every half is a float). */
float vae_f16_value(uint16_t h);
/* x rounded to the nearest half, as a float: vae_f16_value(vae_f16_bits(x)). */
float vae_round_f16(float x);

#endif
