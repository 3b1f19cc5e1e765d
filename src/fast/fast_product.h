/* A product on the fast backend, as its tile loop sees it: `rows` results
 * per column, each the sum of K terms (fast_kernels.h), for `cols` columns
 * in blocks of FAST_COLS.
 *
 * Rows are numbered n = (b·na + a)·nc + c over three counts, and row n's
 * terms start at s0 + b·sb + a·sa + c·sc in the broadcast source; its
 * result for column j goes to d0 + b·db + a·da + c·dc + j·dj in the output.
 * Every convolution's rows (batch, output row, output column; or one
 * parity class of them) and every linear layer's fit this. */
#ifndef VAEVK_FAST_PRODUCT_H
#define VAEVK_FAST_PRODUCT_H

#include <stdint.h>

#include "fast/fast_internal.h"

typedef struct {
    int nb, na, nc;               /* rows = nb·na·nc */
    int64_t s0, sb, sa, sc;       /* where a row's terms start in the source */
    int64_t d0, db, da, dc, dj;   /* where a row's result for column 0 goes, and column stride */
} fast_rows;

typedef struct {
    fast_rows rows;
    int cols, K;
    int32_t *tab;       /* K offsets of the terms in a row's source */
    int patch;          /* 0: columns from a packed panel [blocks][K][FAST_COLS] */
    /* patch: columns are the 16 taps of 4×4 windows; block j's window of
     * term k at v + j·vblock + vtab[k], rows vrow apart */
    int32_t *vtab;
    int64_t vblock;
    int vrow;
    int accumulate;     /* add to the output instead of overwriting it */
} fast_product;

/* Runs `count` products (a convolution's parity classes) in one threaded
 * loop: product i reads s[i] and v[i] and writes out. */
void fast_product_run(const fast_backend *f, const fast_product *p, int count, const float *const *s,
                      const float *const *v, float *out);
/* Panel words of a product: ceil(cols / FAST_COLS) blocks of K·FAST_COLS. */
size_t fast_panel_words(const fast_product *p);
void fast_product_free(fast_product *p);

#endif

/* ---- a product op, planned: its products and how their operands are made
 * from the op's tensors before the tile loop runs. */

typedef struct {
    int tensor;          /* which of the op's tensors */
    int pad;             /* 0: used as it is; 1: copied with a zero border of one pixel */
    int64_t planes;      /* pad: planes of h×w */
    int h, w;
} fast_source;

typedef struct {
    fast_product p[4];
    int count;           /* 1, or a convolution's 4 parity classes */
    fast_source s;       /* the broadcast operand */
    fast_source v;       /* patch products: the windows' image (padded) */
    /* panel products: panel i packed from tensor v.tensor, column j of term
     * k being word koff[i][k] + j·kstride */
    int32_t *koff[4];
    int64_t kstride;
} fast_product_plan;

/* Each of the nine product kinds as products (fast_conv.c, fast_linear.c);
 * -1 with err set when a size is past what the kernels index. */
int fast_plan_conv(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen);
int fast_plan_linear(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen);
/* The scratch words running the plan needs. */
size_t fast_product_plan_scratch(const fast_product_plan *pp);
/* Makes the operands in f->scratch, then runs the tile loop into t[0]. */
void fast_product_plan_run(const fast_backend *f, const fast_product_plan *pp, const vae_op *op);
void fast_product_plan_free(fast_product_plan *pp);
