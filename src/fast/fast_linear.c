/* The three linear-layer products, d = B, I, O; x (B,I), y (B,O), w (O,I):
 *   forward       y = x · w^T:    rows o, columns b, terms i
 *   backward-in   dx (+)= dy · w: rows b, columns i, terms o
 *   backward-w    dw = dy^T · x:  rows o, columns i, terms b
 * The column side is packed into panels on every run and the row side is
 * read in place. The forward packs x, not w: packing the weights (up to
 * 4096 × 128 here) cost more than the product itself at small batches.
 * The backward to the input packs w all the same: read in place, its
 * columns are a whole row apart, a cache line per term. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fast/fast_product.h"

int fast_plan_linear(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen) {
    const vae_op_info *info = vae_op_info_of(op->kind);
    const int64_t B = op->d[0], I = op->d[1], O = op->d[2];
    fast_product *p = &pp->p[0];
    pp->count = 1;
    /* row r's terms at r·sr + k·st in the row source; its result for
     * column j at r·dr + j·dj; column j of term k at koff[k] + j·kstride */
    int64_t rows, sr, st, dr, dj, koff_step;
    switch (info->pass) {
    case VAE_PASS_FORWARD:
        /* w's rows; panel from x: column b of term i is x[b·I + i] */
        pp->s = fast_source_of(2, FAST_AS_IS, 0, 0, 0);
        pp->v = fast_source_of(1, FAST_AS_IS, 0, 0, 0);
        rows = O, sr = I, st = 1, dr = 1, dj = O, p->cols = (int)B, p->K = (int)I;
        koff_step = 1, pp->kstride = I;
        break;
    case VAE_PASS_BACKWARD_INPUT:
        /* dy's rows; panel from w: column i of term o is w[o·I + i] */
        pp->s = fast_source_of(1, FAST_AS_IS, 0, 0, 0);
        pp->v = fast_source_of(2, FAST_AS_IS, 0, 0, 0);
        rows = B, sr = O, st = 1, dr = I, dj = 1, p->cols = (int)I, p->K = (int)O;
        koff_step = I, pp->kstride = 1;
        p->accumulate = op->d[3] != 0;
        break;
    default:
        /* dy's columns; panel from x: column i of term b is x[b·I + i] */
        pp->s = fast_source_of(1, FAST_AS_IS, 0, 0, 0);
        pp->v = fast_source_of(2, FAST_AS_IS, 0, 0, 0);
        rows = O, sr = 1, st = O, dr = I, dj = 1, p->cols = (int)I, p->K = (int)B;
        koff_step = I, pp->kstride = 1;
        break;
    }
    if (B * I > INT32_MAX || B * O > INT32_MAX || I * O > INT32_MAX) {
        snprintf(err, errlen, "%s: sizes past what the CPU kernels index", info->name);
        return -1;
    }
    p->rows = (fast_rows){1, 1, (int)rows, 0, 0, 0, sr, 0, 0, 0, dr, dj, NULL};
    p->tab = malloc((size_t)p->K * sizeof *p->tab);
    pp->koff[0] = malloc((size_t)p->K * sizeof *pp->koff[0]);
    if (!p->tab || !pp->koff[0]) {
        snprintf(err, errlen, "out of memory planning %s", info->name);
        return -1;
    }
    for (int64_t k = 0; k < p->K; k++) {
        p->tab[k] = (int32_t)(k * st);
        pp->koff[0][k] = (int32_t)(k * koff_step);
    }
    return 0;
}
