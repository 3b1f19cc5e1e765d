/* The register tile under every product of the fast backend:
 *
 *   acc[r][c] (+)= Σ_{k<K} s[r][tab[k]] · v[k·FAST_COLS + c]     r < FAST_ROWS, c < FAST_COLS
 *
 * s[r] are the rows' own pointers into the broadcast operand (image pixels,
 * weight rows...), tab[k] the offset of term k, the same for every row;
 * v is a packed panel of FAST_COLS columns per term. Each row's sum runs
 * over k in order, so a result does not depend on how tiles are spread over
 * threads. With `load`, acc holds partial sums to continue; without, they
 * start at zero. */
#ifndef VAEVK_FAST_KERNELS_H
#define VAEVK_FAST_KERNELS_H

#include <stdint.h>

#include "fast/fast_internal.h"

typedef void (*fast_tile_fn)(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                             float acc[FAST_ROWS * FAST_COLS], int load);

struct fast_kernels {
    const char *name;   /* "AVX2+FMA", "generic" */
    fast_tile_fn tile;
};

/* Plain C, any processor. */
extern const fast_kernels fast_kernels_generic;
/* x86-64 with AVX2 and FMA; NULL where not compiled in. */
const fast_kernels *fast_kernels_avx2(void);

#endif
