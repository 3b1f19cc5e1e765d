/* The register tiles under every product of the fast backend. Both compute
 *
 *   acc[r][c] (+)= Σ_{k<K} s[r][tab[k]] · v_k[c]        r < FAST_ROWS, c < FAST_COLS
 *
 * where s[r] are the rows' own pointers into the broadcast operand (image
 * pixels, weight rows...) and tab[k] the offset of term k, the same for
 * every row. They differ in where term k's FAST_COLS values v_k come from:
 *   panel   a packed panel, v_k = v + k·FAST_COLS;
 *   halves  two runs of 8 anywhere: v_k[j] = v[vtab[k] + j] and
 *           v_k[8 + j] = v[vtab[k] + vrow + j] (a weight gradient's 16
 *           taps, from a copy of the image laid out as window halves).
 * Each row's sum runs over k in order, so a result does not depend on how
 * tiles are spread over threads. With `load`, acc holds partial sums to
 * continue; without, they start at zero. */
#ifndef VAEVK_FAST_KERNELS_H
#define VAEVK_FAST_KERNELS_H

#include <stdint.h>

#include "fast/fast_internal.h"

typedef void (*fast_panel_fn)(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                              float acc[FAST_ROWS * FAST_COLS], int load);
typedef void (*fast_halves_fn)(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                               const int32_t *vtab, int vrow, float acc[FAST_ROWS * FAST_COLS], int load);

/* The machine's ceiling for these kernels: `iterations` passes of
 * independent multiply-add chains held in registers, FAST_PEAK_FLOPS
 * flops per pass; the result goes to *sink so nothing is optimised away. */
#define FAST_PEAK_FLOPS (FAST_ROWS * FAST_COLS * 2)
typedef void (*fast_peak_fn)(long iterations, float *sink);
/* Eight results of each of `cols` (<= FAST_COLS) columns, row r's at
 * rows[r][j], to eight consecutive words per column: out[j·stride + r]. */
typedef void (*fast_columns8_fn)(const float *const rows[8], int cols, float *out, int64_t stride);
/* x[0..n) rounded to binary16 in place, each word to vae_round_f16's bits
 * (vaevk/half.h), NaN kept as it is: a mixed product's operands, rounded
 * in its copies and panels as they are made (fast_product.c). */
typedef void (*fast_round_fn)(float *x, int64_t n);

struct fast_kernels {
    const char *name;   /* "AVX2+FMA", "generic" */
    fast_panel_fn panel;
    fast_halves_fn halves;
    fast_peak_fn peak;
    fast_columns8_fn columns8;
    fast_round_fn round_f16;
};

/* Plain C, any processor. */
extern const fast_kernels fast_kernels_generic;
/* The plain C rounding (the generic set's round_f16). */
void fast_round_f16_plain(float *x, int64_t n);
/* x86-64 with AVX2 and FMA; NULL where the processor or the build lacks
 * them. Its round_f16 uses F16C's conversions where the processor has
 * them, else the plain one. */
const fast_kernels *fast_kernels_avx2(void);

#endif
