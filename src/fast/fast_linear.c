/* The three linear-layer products, d = B, I, O; x (B,I), y (B,O), w (O,I):
 *   forward       y = x · w^T:   rows b, columns o, terms i
 *   backward-in   dx (+)= dy · w: rows b, columns i, terms o
 *   backward-w    dw = dy^T · x: rows o, columns i, terms b
 * The column side is packed into panels; the row side is read in place. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fast/fast_product.h"

int fast_plan_linear(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen) {
    const vae_op_info *info = vae_op_info_of(op->kind);
    const int64_t B = op->d[0], I = op->d[1], O = op->d[2];
    fast_product *p = &pp->p[0];
    pp->count = 1;
    pp->s = fast_source_of(1, 0, 0, 0, 0);
    int64_t rows, sr, st, dr;   /* row count, source row and term strides, output row stride */
    switch (info->pass) {
    case VAE_PASS_FORWARD:
        /* x rows; panel from w: column o of term i is w[o·I + i] */
        rows = B, sr = I, st = 1, dr = O, p->cols = (int)O, p->K = (int)I;
        pp->v = fast_source_of(2, 0, 0, 0, 0);
        pp->kstride = I;
        break;
    case VAE_PASS_BACKWARD_INPUT:
        /* dy rows; panel from w: column i of term o is w[o·I + i] */
        rows = B, sr = O, st = 1, dr = I, p->cols = (int)I, p->K = (int)O;
        pp->v = fast_source_of(2, 0, 0, 0, 0);
        pp->kstride = 1;
        p->accumulate = op->d[3] != 0;
        break;
    default:
        /* dy columns as rows; panel from x: column i of term b is x[b·I + i] */
        rows = O, sr = 1, st = O, dr = I, p->cols = (int)I, p->K = (int)B;
        pp->v = fast_source_of(2, 0, 0, 0, 0);
        pp->kstride = 1;
        break;
    }
    if (B * I > INT32_MAX || B * O > INT32_MAX || I * O > INT32_MAX) {
        snprintf(err, errlen, "%s: sizes past what the CPU kernels index", info->name);
        return -1;
    }
    p->rows = (fast_rows){1, 1, (int)rows, 0, 0, 0, sr, 0, 0, 0, dr, 1, NULL};
    p->tab = malloc((size_t)p->K * sizeof *p->tab);
    pp->koff[0] = malloc((size_t)p->K * sizeof *pp->koff[0]);
    if (!p->tab || !pp->koff[0]) {
        snprintf(err, errlen, "out of memory planning %s", info->name);
        return -1;
    }
    for (int k = 0; k < p->K; k++) {
        p->tab[k] = (int32_t)(k * st);
        /* forward: w[o·I + k]; backward-in: w[k·I + i]; backward-w: x[k·I + i] */
        pp->koff[0][k] = (int32_t)(info->pass == VAE_PASS_FORWARD ? k : (int64_t)k * I);
    }
    return 0;
}
