/* The six convolution products (kernel 4, stride 2, padding 1) as tiled
 * products (fast_product.h). With `in` the (H, W) side of the op:
 *
 *   gather   conv2d forward and conv_transpose2d backward-input: each result
 *            is a 4×4 window of the big side, stride 2 (K = channels·16);
 *   parity   conv2d backward-input and conv_transpose2d forward: each result
 *            on the big side takes 2×2 of the 16 taps, which two depends on
 *            the parity of its row and column, so the pixels split into
 *            four classes, each a product over the small side (K = channels·4);
 *   subpixel conv_transpose2d forward to at most 4 channels (the image): the
 *            four classes side by side as columns, so 16 lanes hold
 *            4 classes × up to 4 channels instead of 3 of 16 channels, each
 *            row a small-side pixel and its 3×3 neighbourhood (K = channels·9,
 *            the taps a class does not use multiplying zero weights);
 *   weight   both weight gradients: a row per channel of the small side,
 *            a column per (big-side channel, tap), summed over every pixel
 *            of the small side, the 16 taps read as a 4×4 window.
 *
 * Gather and parity read a copy of the big (parity: small) side padded with
 * a zero border of one pixel, so no term needs a bounds test; the weight
 * gradients read the big side's windows copied as two runs of 8 (FAST_WINDOWS).
 * A term the reference skips (a pad, a tap a class does not use) is a
 * multiplication by zero here: the same sums for finite values, but an Inf
 * or NaN among a layer's inputs or weights spreads to a few more results
 * than in the reference (a run that meets one is lost either way). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fast/fast_product.h"

typedef struct {
    int64_t B, Cb, Cs;  /* batch, big-side channels, small-side channels */
    int64_t Hb, Wb;     /* the big side */
    int64_t Hs, Ws;     /* the small side */
    int transposed;     /* conv_transpose2d: the big side is the output */
} conv_geometry;

static conv_geometry geometry(const vae_op *op, const vae_op_info *info) {
    conv_geometry g;
    int64_t B = op->d[0], Cin = op->d[1], H = op->d[2], W = op->d[3], Cout = op->d[4];
    g.B = B;
    g.transposed = info->layer == VAE_LAYER_CONVT;
    if (!g.transposed)
        g.Cb = Cin, g.Cs = Cout, g.Hb = H, g.Wb = W, g.Hs = H / 2, g.Ws = W / 2;
    else
        g.Cs = Cin, g.Cb = Cout, g.Hs = H, g.Ws = W, g.Hb = 2 * H, g.Wb = 2 * W;
    return g;
}

/* Word (c_small, c_big, kh, kw) of the weights: conv2d's are (Cout, Cin, 4, 4)
 * = (small, big), the transposed one's (Cin, Cout, 4, 4) = (small, big) too. */
static int64_t weight_at(const conv_geometry *g, int64_t small, int64_t big, int kh, int kw) {
    return (small * g->Cb + big) * 16 + kh * 4 + kw;
}

static int32_t *table(int64_t n) { return malloc((size_t)(n ? n : 1) * sizeof(int32_t)); }

/* Results on the small side, each a 4×4 window of the padded big side:
 * column = small-side channel, term k = (big channel, kh, kw). */
static int plan_gather(const conv_geometry *g, fast_product_plan *pp) {
    const int64_t hp = g->Hb + 2, wp = g->Wb + 2, K = g->Cb * 16;
    fast_product *p = &pp->p[0];
    pp->count = 1;
    pp->s = fast_source_of(1, FAST_PADDED, g->B * g->Cb, (int)g->Hb, (int)g->Wb);
    pp->v = fast_source_of(2, FAST_AS_IS, 0, 0, 0);
    p->rows = (fast_rows){(int)g->B, (int)g->Hs, (int)g->Ws,
                          0, g->Cb * hp * wp, 2 * wp, 2,
                          0, g->Cs * g->Hs * g->Ws, g->Ws, 1, g->Hs * g->Ws, NULL};
    p->cols = (int)g->Cs, p->K = (int)K;
    p->tab = table(K);
    pp->koff[0] = table(K);
    if (!p->tab || !pp->koff[0])
        return -1;
    for (int64_t c = 0, k = 0; c < g->Cb; c++)
        for (int kh = 0; kh < 4; kh++)
            for (int kw = 0; kw < 4; kw++, k++) {
                p->tab[k] = (int32_t)(c * hp * wp + kh * wp + kw);
                pp->koff[0][k] = (int32_t)weight_at(g, 0, c, kh, kw);
            }
    pp->kstride = g->Cb * 16;
    return 0;
}

/* The two taps of a big-side row (or column) of parity q, and the
 * small-side offset each reads: q = 0 takes kh 1 (same index) and 3 (one
 * before), q = 1 takes 0 (one after) and 2 (same). */
static const int tap_k[2][2] = {{1, 3}, {0, 2}};
static const int tap_d[2][2] = {{0, -1}, {1, 0}};

/* Results on the big side by parity class (qy, qx): rows (b, y, x) with
 * big pixel (2y + qy, 2x + qx); column = big-side channel; term k =
 * (small channel, ty, tx) reads the padded small side at (y + 1 + dy, x + 1 + dx). */
static int plan_parity(const conv_geometry *g, fast_product_plan *pp) {
    const int64_t hp = g->Hs + 2, wp = g->Ws + 2, K = g->Cs * 4;
    pp->count = 4;
    pp->s = fast_source_of(1, FAST_PADDED, g->B * g->Cs, (int)g->Hs, (int)g->Ws);
    pp->v = fast_source_of(2, FAST_AS_IS, 0, 0, 0);
    pp->kstride = 16;
    for (int cls = 0; cls < 4; cls++) {
        const int qy = cls >> 1, qx = cls & 1;
        fast_product *p = &pp->p[cls];
        int64_t ny = (g->Hb - qy + 1) / 2, nx = (g->Wb - qx + 1) / 2;
        p->rows = (fast_rows){(int)g->B, (int)ny, (int)nx,
                              wp + 1, g->Cs * hp * wp, wp, 1,
                              qy * g->Wb + qx, g->Cb * g->Hb * g->Wb, 2 * g->Wb, 2, g->Hb * g->Wb, NULL};
        p->cols = (int)g->Cb, p->K = (int)K;
        p->tab = table(K);
        pp->koff[cls] = table(K);
        if (!p->tab || !pp->koff[cls])
            return -1;
        for (int64_t c = 0, k = 0; c < g->Cs; c++)
            for (int ty = 0; ty < 2; ty++)
                for (int tx = 0; tx < 2; tx++, k++) {
                    p->tab[k] = (int32_t)(c * hp * wp + tap_d[qy][ty] * wp + tap_d[qx][tx]);
                    pp->koff[cls][k] = (int32_t)weight_at(g, c, 0, tap_k[qy][ty], tap_k[qx][tx]);
                }
    }
    /* column j is big-side channel j: weight_at(c, j, ...) = koff + j·16 */
    return 0;
}

/* The transposed forward to few channels: rows = small-side pixels (b, y, x),
 * terms (c, ey, ex) the padded small side at (y + ey, x + ex), ey, ex in
 * 0..2; column (class (qy, qx), channel) writes big pixel (2y + qy,
 * 2x + qx), its weight the class's tap for that offset (parity's tap_d),
 * zero where the class has none. */
static int plan_subpixel(const conv_geometry *g, fast_product_plan *pp) {
    const int64_t hp = g->Hs + 2, wp = g->Ws + 2, K = g->Cs * 9, cols = 4 * g->Cb;
    fast_product *p = &pp->p[0];
    pp->count = 1;
    pp->s = fast_source_of(1, FAST_PADDED, g->B * g->Cs, (int)g->Hs, (int)g->Ws);
    pp->v = fast_source_of(2, FAST_AS_IS, 0, 0, 0);
    p->cols = (int)cols, p->K = (int)K;
    p->tab = table(K);
    pp->kmap = malloc((size_t)(K * cols) * sizeof *pp->kmap);
    pp->dcol = malloc((size_t)cols * sizeof *pp->dcol);
    if (!p->tab || !pp->kmap || !pp->dcol)
        return -1;
    p->rows = (fast_rows){(int)g->B, (int)g->Hs, (int)g->Ws,
                          wp + 1, g->Cs * hp * wp, wp, 1,
                          0, g->Cb * g->Hb * g->Wb, 2 * g->Wb, 2, 0, pp->dcol};
    for (int64_t col = 0; col < cols; col++) {
        int cls = (int)(col / g->Cb), qy = cls >> 1, qx = cls & 1;
        pp->dcol[col] = (col % g->Cb) * g->Hb * g->Wb + qy * g->Wb + qx;
    }
    for (int64_t c = 0, k = 0; c < g->Cs; c++)
        for (int ey = 0; ey < 3; ey++)
            for (int ex = 0; ex < 3; ex++, k++) {
                p->tab[k] = (int32_t)(c * hp * wp + (ey - 1) * wp + (ex - 1));
                for (int64_t col = 0; col < cols; col++) {
                    int cls = (int)(col / g->Cb), qy = cls >> 1, qx = cls & 1, kh = -1, kw = -1;
                    for (int t = 0; t < 2; t++) {
                        if (tap_d[qy][t] == ey - 1)
                            kh = tap_k[qy][t];
                        if (tap_d[qx][t] == ex - 1)
                            kw = tap_k[qx][t];
                    }
                    pp->kmap[k * cols + col] =
                        kh < 0 || kw < 0 ? -1 : (int32_t)weight_at(g, c, col % g->Cb, kh, kw);
                }
            }
    return 0;
}

/* The weight gradient when the big side has few channels (the image's 3):
 * rows = small-side channels, read from the small side's tensor; term k =
 * (b, y, x), a small-side pixel; column block j = big-side channel j, its
 * 16 taps the 4×4 window at padded (2y, 2x), which in the FAST_WINDOWS copy
 * is window row y and y + 1, column x. Results go to the weights in
 * (small, big, kh, kw) order. With a wide big side plan_weight_panel is
 * faster: its row source stays in cache and it copies less. */
static int plan_weight_windows(const conv_geometry *g, fast_product_plan *pp, int small_tensor,
                               int big_tensor) {
    const int64_t K = g->B * g->Hs * g->Ws;
    const int64_t wrow = g->Ws * 8, wplane = (g->Hb / 2 + 1) * wrow;
    fast_product *p = &pp->p[0];
    pp->count = 1;
    pp->s = fast_source_of(small_tensor, FAST_AS_IS, 0, 0, 0);
    pp->v = fast_source_of(big_tensor, FAST_WINDOWS, g->B * g->Cb, (int)g->Hb, (int)g->Wb);
    p->rows = (fast_rows){1, 1, (int)g->Cs, 0, 0, 0, g->Hs * g->Ws, 0, 0, 0, g->Cb * 16, 1, NULL};
    p->cols = (int)(g->Cb * 16), p->K = (int)K;
    p->halves = 1;
    p->vblock = wplane;
    p->vrow = (int)wrow;
    p->tab = table(K);
    p->vtab = table(K);
    if (!p->tab || !p->vtab)
        return -1;
    for (int64_t b = 0, k = 0; b < g->B; b++)
        for (int64_t y = 0; y < g->Hs; y++)
            for (int64_t x = 0; x < g->Ws; x++, k++) {
                p->tab[k] = (int32_t)(b * g->Cs * g->Hs * g->Ws + y * g->Ws + x);
                p->vtab[k] = (int32_t)(b * g->Cb * wplane + y * wrow + x * 8);
            }
    return 0;
}

/* The weight gradient as a panel product: rows = (big channel, kh, kw),
 * each a tap of the padded big side, term k = (b, y, x) reading it at
 * padded (2y + kh, 2x + kw); columns = small-side channels, packed from the
 * small side's tensor (a transpose: column c of term k is word
 * b·Cs·Ps + c·Ps + y·Ws + x). Results go to the weights in (small, big,
 * kh, kw) order: row (c, kh, kw) at c·16 + kh·4 + kw, columns Cb·16 apart. */
static int plan_weight_panel(const conv_geometry *g, fast_product_plan *pp, int small_tensor, int big_tensor) {
    const int64_t hp = g->Hb + 2, wp = g->Wb + 2, K = g->B * g->Hs * g->Ws, ps = g->Hs * g->Ws;
    fast_product *p = &pp->p[0];
    pp->count = 1;
    pp->s = fast_source_of(big_tensor, FAST_PADDED, g->B * g->Cb, (int)g->Hb, (int)g->Wb);
    pp->v = fast_source_of(small_tensor, FAST_AS_IS, 0, 0, 0);
    p->rows = (fast_rows){(int)g->Cb, 4, 4, 0, hp * wp, wp, 1, 0, 16, 4, 1, g->Cb * 16, NULL};
    p->cols = (int)g->Cs, p->K = (int)K;
    p->tab = table(K);
    pp->koff[0] = table(K);
    if (!p->tab || !pp->koff[0])
        return -1;
    for (int64_t b = 0, k = 0; b < g->B; b++)
        for (int64_t y = 0; y < g->Hs; y++)
            for (int64_t x = 0; x < g->Ws; x++, k++) {
                p->tab[k] = (int32_t)(b * g->Cb * hp * wp + 2 * y * wp + 2 * x);
                pp->koff[0][k] = (int32_t)(b * g->Cs * ps + y * g->Ws + x);
            }
    pp->kstride = ps;
    return 0;
}

int fast_plan_conv(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen) {
    const vae_op_info *info = vae_op_info_of(op->kind);
    conv_geometry g = geometry(op, info);
    /* the padded big side (or its windows, twice its size) is the largest
     * thing a table indexes */
    if (2 * g.B * g.Cb * (g.Hb + 2) * (g.Wb + 2) > INT32_MAX || g.B * g.Cs * (g.Hs + 2) * (g.Ws + 2) > INT32_MAX) {
        snprintf(err, errlen, "a batch of %lld is past what the CPU kernels index: use a smaller --batch",
                 (long long)g.B);
        return -1;
    }
    int status;
    if (info->pass == VAE_PASS_BACKWARD_WEIGHT)
        /* conv2d: t1 = dout (small), t2 = in (big); transposed: t1 = dout (big), t2 = in (small) */
        status = g.Cb < FAST_COLS ? plan_weight_windows(&g, pp, g.transposed ? 2 : 1, g.transposed ? 1 : 2)
                                  : plan_weight_panel(&g, pp, g.transposed ? 2 : 1, g.transposed ? 1 : 2);
    else if ((info->pass == VAE_PASS_FORWARD) != g.transposed)
        status = plan_gather(&g, pp);
    else if (g.transposed && g.Cb * 4 <= FAST_COLS)
        status = plan_subpixel(&g, pp);
    else
        status = plan_parity(&g, pp);
    if (status != 0)
        snprintf(err, errlen, "out of memory planning %s", info->name);
    return status;
}
