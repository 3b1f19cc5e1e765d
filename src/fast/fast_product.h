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
    const int64_t *dcol;          /* if set, column j goes dcol[j] from the row's place, not j·dj */
} fast_rows;

typedef struct {
    fast_rows rows;
    int cols, K;
    int32_t *tab;       /* K offsets of the terms in a row's source */
    int halves;         /* 0: columns from a packed panel [blocks][K][FAST_COLS] */
    /* halves: block j's columns of term k are the 8 words at
     * v + j·vblock + vtab[k] and the 8 at vrow further */
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

/* ---- a product op, planned: its products and how their operands are made
 * from the op's tensors before the tile loop runs. */

/* How an operand is made from one of the op's tensors, planes of h×w:
 *   AS_IS    the tensor itself;
 *   PADDED   a copy inside a zero border of one pixel, (h+2)×(w+2);
 *   WINDOWS  the stride-2 4×4 windows of the padded image as halves: for
 *            window row p (padded rows 2p..2p+1) and column x, 8 words: the
 *            4 taps of padded row 2p at padded columns 2x..2x+3, then row
 *            2p+1's; p in [0, h/2], x in [0, w/2) (a weight gradient's
 *            windows start at every even padded row and column);
 *   COPY     the tensor's first `planes` words as they are (h = w = 1): a
 *            mixed product's operand that fp32 reads in place. */
typedef enum { FAST_AS_IS, FAST_PADDED, FAST_WINDOWS, FAST_COPY } fast_layout;

typedef struct {
    int tensor;          /* which of the op's tensors */
    fast_layout layout;
    int64_t planes;
    int h, w;
    /* A mixed product's operand: the copy's words, and the panels packed
     * from it (or from the tensor, AS_IS), rounded to binary16 as they are
     * made; an AS_IS operand the tile reads in place becomes a COPY. */
    int rounded;
    /* A copy that a later op of the same recording reads again is kept at
     * this word of the backend's keep space (fast_share_copies) instead of
     * in the scratch space: made by the first op (owned), read by the
     * later ones. -1: not kept. */
    int64_t keep_at;
    int owned;
} fast_source;

static inline fast_source fast_source_of(int tensor, fast_layout layout, int64_t planes, int h, int w) {
    return (fast_source){tensor, layout, planes, h, w, 0, -1, 0};
}

typedef struct {
    fast_product p[4];
    int count;           /* 1, or a convolution's 4 parity classes */
    fast_source s;       /* the broadcast operand */
    fast_source v;       /* halves products: the windows' image; panels: the packed tensor */
    /* panel products: panel i packed from tensor v.tensor, column j of term
     * k being word koff[i][k] + j·kstride; or, with kmap, word
     * kmap[k·cols + j] (-1: zero) */
    int32_t *koff[4];
    int64_t kstride;
    int32_t *kmap;
    int64_t *dcol;       /* the products' column offsets, if any (freed with the plan) */
} fast_product_plan;

/* Each of the nine product kinds as products (fast_conv.c, fast_linear.c);
 * -1 with err set when a size is past what the kernels index. */
int fast_plan_conv(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen);
int fast_plan_linear(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen);
/* Makes a planned product mixed (op->precision VAE_PRECISION_MIXED): both
 * operands rounded wherever they reach the tile, those read in place
 * copied. -1 with err set when sizes cannot be had (vae_op_size_of). */
int fast_plan_mixed(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen);
/* Finds the copies a recording would make twice: a later product that
 * copies the same words the same way, rounded alike, with no op in between
 * writing them, reads the first product's copy, kept in the backend's keep
 * space. Every copy lives within one submission and submissions run one
 * at a time, so all recordings share that space. Returns the words it
 * needs. (Not called by fast_record yet.) */
size_t fast_share_copies(fast_step *steps, int count);
/* The scratch words running the plan needs. */
size_t fast_product_plan_scratch(const fast_product_plan *pp);
/* Makes the operands in f->scratch, then runs the tile loop into t[0]. */
void fast_product_plan_run(const fast_backend *f, const fast_product_plan *pp, const vae_op *op);
void fast_product_plan_free(fast_product_plan *pp);

#endif
