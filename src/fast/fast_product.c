/* The tile loop of every product (fast_product.h): tiles of FAST_ROWS rows
 * by one column block, spread over the threads in equal runs. Each result
 * is one tile's sum in term order, whatever the thread count. */
#include "fast/fast_product.h"

#include <stdlib.h>
#include <string.h>

#include "fast/fast_kernels.h"

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

size_t fast_panel_words(const fast_product *p) {
    return (size_t)ceil_div(p->cols, FAST_COLS) * (size_t)p->K * FAST_COLS;
}

void fast_product_free(fast_product *p) {
    free(p->tab);
    free(p->vtab);
    p->tab = p->vtab = NULL;
}

/* Source and output offsets of rows first.. (at most FAST_ROWS; a short
 * tile repeats its last row, whose results are not stored). */
static int tile_rows(const fast_rows *r, int64_t first, int64_t total, int64_t src[FAST_ROWS],
                     int64_t dst[FAST_ROWS]) {
    int64_t c = first % r->nc, q = first / r->nc, a = q % r->na, b = q / r->na;
    int valid = total - first < FAST_ROWS ? (int)(total - first) : FAST_ROWS;
    for (int i = 0; i < FAST_ROWS; i++) {
        src[i] = r->s0 + b * r->sb + a * r->sa + c * r->sc;
        dst[i] = r->d0 + b * r->db + a * r->da + c * r->dc;
        if (i + 1 < valid && ++c == r->nc) {
            c = 0;
            if (++a == r->na)
                a = 0, b++;
        }
    }
    return valid;
}

static void store(const fast_product *p, const float *acc, const int64_t dst[FAST_ROWS], int rows,
                  int col0, float *out) {
    int cols = p->cols - col0 < FAST_COLS ? p->cols - col0 : FAST_COLS;
    const int64_t dj = p->rows.dj;
    for (int r = 0; r < rows; r++) {
        float *o = out + dst[r] + (int64_t)col0 * dj;
        const float *a = acc + r * FAST_COLS;
        if (p->accumulate)
            for (int j = 0; j < cols; j++)
                o[j * dj] += a[j];
        else if (dj == 1)
            memcpy(o, a, (size_t)cols * sizeof *a);
        else
            for (int j = 0; j < cols; j++)
                o[j * dj] = a[j];
    }
}

static void run_tile(const fast_kernels *k, const fast_product *p, int64_t tile, int block, const float *s,
                     const float *v, float *out) {
    int64_t rows = (int64_t)p->rows.nb * p->rows.na * p->rows.nc;
    int64_t src[FAST_ROWS], dst[FAST_ROWS];
    int valid = tile_rows(&p->rows, tile * FAST_ROWS, rows, src, dst);
    const float *sr[FAST_ROWS];
    for (int i = 0; i < FAST_ROWS; i++)
        sr[i] = s + src[i];
    float acc[FAST_ROWS * FAST_COLS];
    if (p->patch)
        k->patch(sr, p->tab, p->K, v + block * p->vblock, p->vtab, p->vrow, acc, 0);
    else
        k->panel(sr, p->tab, p->K, v + (size_t)block * p->K * FAST_COLS, acc, 0);
    store(p, acc, dst, valid, block * FAST_COLS, out);
}

void fast_product_run(const fast_backend *f, const fast_product *p, int count, const float *const *s,
                      const float *const *v, float *out) {
    /* items: (product, tile, column block), tiles of a product first */
    int64_t start[5] = {0};
    for (int i = 0; i < count; i++) {
        int64_t rows = (int64_t)p[i].rows.nb * p[i].rows.na * p[i].rows.nc;
        start[i + 1] = start[i] + ceil_div(rows, FAST_ROWS) * ceil_div(p[i].cols, FAST_COLS);
    }
    const int64_t items = start[count];
    const fast_kernels *k = f->kernels;
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int64_t item = 0; item < items; item++) {
        int i = 0;
        while (item >= start[i + 1])
            i++;
        int64_t blocks = ceil_div(p[i].cols, FAST_COLS), local = item - start[i];
        run_tile(k, &p[i], local / blocks, (int)(local % blocks), s[i], v[i], out);
    }
}

/* ---- planned product ops ------------------------------------------------ */

static size_t padded_words(const fast_source *src) {
    return src->pad ? (size_t)src->planes * (size_t)(src->h + 2) * (size_t)(src->w + 2) : 0;
}

static size_t panels_words(const fast_product_plan *pp) {
    size_t words = 0;
    for (int i = 0; i < pp->count; i++)
        words += pp->p[i].patch ? 0 : fast_panel_words(&pp->p[i]);
    return words;
}

size_t fast_product_plan_scratch(const fast_product_plan *pp) {
    return padded_words(&pp->s) + padded_words(&pp->v) + panels_words(pp);
}

void fast_product_plan_free(fast_product_plan *pp) {
    for (int i = 0; i < pp->count; i++) {
        fast_product_free(&pp->p[i]);
        free(pp->koff[i]);
        pp->koff[i] = NULL;
    }
}

/* dst: planes of (h+2)×(w+2), src's planes of h×w inside a zero border. */
static void pad_planes(const fast_backend *f, const fast_source *src, const float *in, float *out) {
    const int h = src->h, w = src->w, hp = h + 2, wp = w + 2;
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int64_t n = 0; n < src->planes; n++) {
        float *d = out + n * hp * wp;
        const float *s = in + n * h * w;
        memset(d, 0, (size_t)wp * sizeof *d);
        for (int y = 0; y < h; y++) {
            float *row = d + (int64_t)(y + 1) * wp;
            row[0] = 0.0f;
            memcpy(row + 1, s + (int64_t)y * w, (size_t)w * sizeof *s);
            row[w + 1] = 0.0f;
        }
        memset(d + (int64_t)(h + 1) * wp, 0, (size_t)wp * sizeof *d);
    }
}

/* panel[block][k][j] = m[koff[k] + (block·FAST_COLS + j)·kstride], zero past cols. */
static void pack_panel(const fast_backend *f, const fast_product *p, const int32_t *koff, int64_t kstride,
                       const float *m, float *panel) {
    const int blocks = (int)ceil_div(p->cols, FAST_COLS), K = p->K;
#pragma omp parallel for num_threads(f->threads) schedule(static) collapse(2)
    for (int b = 0; b < blocks; b++)
        for (int k = 0; k < K; k++) {
            float *dst = panel + ((size_t)b * K + k) * FAST_COLS;
            for (int j = 0; j < FAST_COLS; j++) {
                int col = b * FAST_COLS + j;
                dst[j] = col < p->cols ? m[koff[k] + (int64_t)col * kstride] : 0.0f;
            }
        }
}

void fast_product_plan_run(const fast_backend *f, const fast_product_plan *pp, const vae_op *op) {
    float *scratch = f->scratch;
    const float *s = fast_at(f, op->t[pp->s.tensor]);
    if (pp->s.pad) {
        pad_planes(f, &pp->s, s, scratch);
        s = scratch;
        scratch += padded_words(&pp->s);
    }
    const float *s_each[4], *v_each[4];
    const float *v = fast_at(f, op->t[pp->v.tensor]);
    if (pp->v.pad) {
        pad_planes(f, &pp->v, v, scratch);
        v = scratch;
        scratch += padded_words(&pp->v);
    }
    for (int i = 0; i < pp->count; i++) {
        s_each[i] = s;
        v_each[i] = v;
        if (!pp->p[i].patch) {
            pack_panel(f, &pp->p[i], pp->koff[i], pp->kstride, v, scratch);
            v_each[i] = scratch;
            scratch += fast_panel_words(&pp->p[i]);
        }
    }
    fast_product_run(f, pp->p, pp->count, s_each, v_each, fast_at(f, op->t[0]));
}
