/* The tile loop of every product (fast_product.h): tiles of FAST_ROWS rows
 * by one column block, spread over the threads in equal runs. Each result
 * is one tile's sum in term order, whatever the thread count. */
#include "fast/fast_product.h"

#include <stdlib.h>
#include <string.h>

#include "fast/fast_kernels.h"
#include "fast/fast_threads.h"

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

/* The loop: items of up to GROUP_TILES tiles by GROUP_BLOCKS column
 * blocks, spread over the threads; in an item, the terms in chunks of
 * CHUNK_TERMS, each chunk's part of the row source and of the columns
 * reused across the item's tiles and blocks while in cache, the sums
 * carried in the item's accumulators from chunk to chunk (the same sums in
 * the same order as in one pass). Then the item's results go out column
 * by column, each column a run of rows: written tile by tile, the 16
 * columns of a convolution's output would lie a plane apart, often a
 * multiple of 4 KiB, and compete for the same cache sets. */
#define GROUP_TILES 16
#define GROUP_BLOCKS 4
#ifndef CHUNK_TERMS
#define CHUNK_TERMS 256
#endif

typedef struct {
    float acc[GROUP_TILES][GROUP_BLOCKS][FAST_ROWS * FAST_COLS];
    int64_t dst[GROUP_TILES * FAST_ROWS];
    const float *src[GROUP_TILES][FAST_ROWS];
    int rows;
} item_state;

typedef struct {
    int64_t tiles, blocks;   /* of each product */
    int64_t tiles_per, blocks_per; /* in one item */
    int64_t tile_groups, block_groups;
} item_grid;

static void flush(const fast_kernels *k, const fast_product *p, const item_state *st, int tiles,
                  int block_in_item, int col0, float *out) {
    const int cols = p->cols - col0 < FAST_COLS ? p->cols - col0 : FAST_COLS;
    const int64_t dj = p->rows.dj;
    if (dj == 1 && !p->rows.dcol) { /* a row's columns are contiguous: row by row */
        for (int r = 0; r < st->rows; r++) {
            float *o = out + st->dst[r] + col0;
            const float *a = st->acc[r / FAST_ROWS][block_in_item] + r % FAST_ROWS * FAST_COLS;
            if (p->accumulate)
                for (int j = 0; j < cols; j++)
                    o[j] += a[j];
            else
                memcpy(o, a, (size_t)cols * sizeof *a);
        }
        return;
    }
    /* eight rows whose results are consecutive words go out as 8×8
     * transposes: eight consecutive words per column */
    int r0 = 0;
    if (!p->accumulate && !p->rows.dcol)
        for (; r0 + 8 <= st->rows && st->dst[r0 + 7] - st->dst[r0] == 7; r0 += 8) {
            const float *rows[8];
            for (int i = 0; i < 8; i++)
                rows[i] = st->acc[(r0 + i) / FAST_ROWS][block_in_item] + (r0 + i) % FAST_ROWS * FAST_COLS;
            k->columns8(rows, cols, out + st->dst[r0] + (int64_t)col0 * dj, dj);
        }
    for (int j = 0; j < cols; j++) {
        float *o = out + (p->rows.dcol ? p->rows.dcol[col0 + j] : (int64_t)(col0 + j) * dj);
        for (int t = r0 / FAST_ROWS; t < tiles; t++) {
            const float *a = st->acc[t][block_in_item] + j;
            const int64_t *d = st->dst + t * FAST_ROWS;
            const int rows = st->rows - t * FAST_ROWS < FAST_ROWS ? st->rows - t * FAST_ROWS : FAST_ROWS;
            const int first = r0 > t * FAST_ROWS ? r0 - t * FAST_ROWS : 0; /* rows already out */
            if (p->accumulate)
                for (int r = first; r < rows; r++)
                    o[d[r]] += a[r * FAST_COLS];
            else
                for (int r = first; r < rows; r++)
                    o[d[r]] = a[r * FAST_COLS];
        }
    }
}

static void run_item(const fast_kernels *k, const fast_product *p, const item_grid *g, int64_t tile_group,
                     int64_t block_group, const float *s, const float *v, float *out, item_state *st) {
    const int64_t rows = (int64_t)p->rows.nb * p->rows.na * p->rows.nc;
    const int64_t t0 = tile_group * g->tiles_per, b0 = block_group * g->blocks_per;
    const int nt = (int)(g->tiles - t0 < g->tiles_per ? g->tiles - t0 : g->tiles_per);
    const int nb = (int)(g->blocks - b0 < g->blocks_per ? g->blocks - b0 : g->blocks_per);
    if (nt <= 0)
        return;
    st->rows = 0;
    for (int t = 0; t < nt; t++) {
        int64_t src[FAST_ROWS];
        st->rows += tile_rows(&p->rows, (t0 + t) * FAST_ROWS, rows, src, st->dst + st->rows);
        for (int i = 0; i < FAST_ROWS; i++)
            st->src[t][i] = s + src[i];
    }
    for (int kc = 0; kc < p->K; kc += CHUNK_TERMS) {
        const int n = p->K - kc < CHUNK_TERMS ? p->K - kc : CHUNK_TERMS;
        for (int t = 0; t < nt; t++)
            for (int b = 0; b < nb; b++) {
                const int64_t block = b0 + b;
                if (p->halves)
                    k->halves(st->src[t], p->tab + kc, n, v + block * p->vblock, p->vtab + kc, p->vrow,
                              st->acc[t][b], kc > 0);
                else
                    k->panel(st->src[t], p->tab + kc, n, v + ((size_t)block * p->K + kc) * FAST_COLS,
                             st->acc[t][b], kc > 0);
            }
    }
    for (int b = 0; b < nb; b++)
        flush(k, p, st, nt, b, (int)(b0 + b) * FAST_COLS, out);
}

/* Items small enough that every thread gets several, when there is work. */
static item_grid grid_of(const fast_product *p, int count, int threads) {
    item_grid g;
    g.tiles = 0;
    for (int i = 0; i < count; i++) {
        int64_t t = ceil_div((int64_t)p[i].rows.nb * p[i].rows.na * p[i].rows.nc, FAST_ROWS);
        g.tiles = t > g.tiles ? t : g.tiles;
    }
    g.blocks = ceil_div(p[0].cols, FAST_COLS);
    g.tiles_per = GROUP_TILES, g.blocks_per = GROUP_BLOCKS;
    for (;;) {
        g.tile_groups = ceil_div(g.tiles, g.tiles_per);
        g.block_groups = ceil_div(g.blocks, g.blocks_per);
        if (g.tile_groups * g.block_groups >= 4 * threads || (g.tiles_per == 1 && g.blocks_per == 1))
            break;
        if (g.blocks_per > 1 && (g.blocks_per >= g.tiles_per || g.tiles_per == 1))
            g.blocks_per /= 2;
        else
            g.tiles_per /= 2;
    }
    return g;
}

typedef struct {
    const fast_kernels *k;
    const fast_product *p;
    int count;
    const float *const *s, *const *v;
    float *out;
    item_grid g;
} run_ctx;

static void run_items(void *ctx, int64_t begin, int64_t end) {
    const run_ctx *c = ctx;
    item_state st;
    for (int64_t item = begin; item < end; item++)
        for (int i = 0; i < c->count; i++) {
            item_grid gi = c->g;
            gi.tiles = ceil_div((int64_t)c->p[i].rows.nb * c->p[i].rows.na * c->p[i].rows.nc, FAST_ROWS);
            run_item(c->k, &c->p[i], &gi, item / c->g.block_groups, item % c->g.block_groups, c->s[i], c->v[i],
                     c->out, &st);
        }
}

void fast_product_run(const fast_backend *f, const fast_product *p, int count, const float *const *s,
                      const float *const *v, float *out) {
    /* items in order (tile group, block group, product): the parity classes
     * of the same pixels are computed one after the other, filling each
     * other's output lines */
    run_ctx c = {f->kernels, p, count, s, v, out, grid_of(p, count, f->threads)};
    fast_parallel_for(f->pool, c.g.tile_groups * c.g.block_groups, 1, run_items, &c);
}

/* ---- planned product ops ------------------------------------------------ */

static size_t source_words(const fast_source *src) {
    switch (src->layout) {
    case FAST_PADDED: return (size_t)src->planes * (size_t)(src->h + 2) * (size_t)(src->w + 2);
    case FAST_WINDOWS: return (size_t)src->planes * (size_t)(src->h / 2 + 1) * (size_t)(src->w / 2) * 8;
    case FAST_COPY: return (size_t)src->planes;
    default: return 0;
    }
}

static size_t panels_words(const fast_product_plan *pp) {
    size_t words = 0;
    for (int i = 0; i < pp->count; i++)
        words += pp->p[i].halves ? 0 : fast_panel_words(&pp->p[i]);
    return words;
}

size_t fast_product_plan_scratch(const fast_product_plan *pp) {
    return (pp->s.keep_at >= 0 ? 0 : source_words(&pp->s)) + (pp->v.keep_at >= 0 ? 0 : source_words(&pp->v)) +
           panels_words(pp);
}

void fast_product_plan_free(fast_product_plan *pp) {
    for (int i = 0; i < pp->count; i++) {
        fast_product_free(&pp->p[i]);
        free(pp->koff[i]);
        pp->koff[i] = NULL;
    }
    free(pp->kmap);
    free(pp->dcol);
    pp->kmap = NULL;
    pp->dcol = NULL;
}

typedef struct {
    const fast_source *src;
    const float *in;
    float *out;
    fast_round_fn round; /* NULL: the words as they are */
} copy_ctx;

/* out: planes of (h+2)×(w+2), in's planes of h×w inside a zero border. */
static void pad_range(void *ctx, int64_t begin, int64_t end) {
    const copy_ctx *c = ctx;
    const float *in = c->in;
    float *out = c->out;
    const int h = c->src->h, w = c->src->w, hp = h + 2, wp = w + 2;
    for (int64_t n = begin; n < end; n++) {
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
        if (c->round) /* the plane, while in cache; the border stays zero */
            c->round(d, (int64_t)hp * wp);
    }
}

/* FAST_WINDOWS (fast_product.h) from planes of h×w. */
static void window_range(void *ctx, int64_t begin, int64_t end) {
    const copy_ctx *c = ctx;
    const float *in = c->in;
    float *out = c->out;
    const int h = c->src->h, w = c->src->w, ph = h / 2 + 1, pw = w / 2;
    for (int64_t n = begin; n < end; n++) {
        const float *plane = in + n * h * w;
        float *const first = out + n * ph * pw * 8, *d = first;
        for (int p = 0; p < ph; p++)
            for (int x = 0; x < pw; x++, d += 8)
                for (int i = 0; i < 8; i++) {
                    int y = 2 * p - 1 + i / 4, c = 2 * x - 1 + i % 4;
                    d[i] = y >= 0 && y < h && c >= 0 && c < w ? plane[y * w + c] : 0.0f;
                }
        if (c->round)
            c->round(first, (int64_t)ph * pw * 8);
    }
}

/* FAST_COPY: words [begin, end). */
static void word_range(void *ctx, int64_t begin, int64_t end) {
    const copy_ctx *c = ctx;
    memcpy(c->out + begin, c->in + begin, (size_t)(end - begin) * sizeof *c->in);
    if (c->round)
        c->round(c->out + begin, end - begin);
}

static void copy_planes(const fast_backend *f, const fast_source *src, const float *in, float *out) {
    copy_ctx c = {src, in, out, src->rounded ? f->kernels->round_f16 : NULL};
    if (src->layout == FAST_COPY)
        fast_parallel_for(f->pool, src->planes, 4096, word_range, &c);
    else
        fast_parallel_for(f->pool, src->planes, 4, src->layout == FAST_PADDED ? pad_range : window_range, &c);
}

static const float *make_source(const fast_backend *f, const fast_source *src, const float *in, float **scratch) {
    if (src->layout == FAST_AS_IS)
        return in;
    if (src->keep_at >= 0 && !src->owned)
        return f->keep + src->keep_at;
    if (src->keep_at >= 0) {
        copy_planes(f, src, in, f->keep + src->keep_at);
        return f->keep + src->keep_at;
    }
    copy_planes(f, src, in, *scratch);
    const float *made = *scratch;
    *scratch += source_words(src);
    return made;
}

/* panel[block][k][j] = m[koff[k] + (block·FAST_COLS + j)·kstride], zero past
 * cols; in runs of PACK_TERMS terms, column by column, so each column is
 * read along its terms (often contiguous) and the run's panel lines stay
 * in cache while its 16 columns fill them. */
#define PACK_TERMS 64

/* With a map instead: panel[block][k][j] = m[kmap[k·cols + col]], or 0
 * where the map says -1 or past cols. */
typedef struct {
    const fast_product *p;
    const int32_t *koff, *kmap;
    int64_t kstride;
    const float *m;
    float *panel;
    fast_round_fn round; /* NULL: the words as they are */
} pack_ctx;

/* Every term of every block (the map is small: one thread). */
static void pack_mapped(const pack_ctx *c) {
    const fast_product *p = c->p;
    const int64_t blocks = ceil_div(p->cols, FAST_COLS);
    for (int64_t b = 0; b < blocks; b++)
        for (int k = 0; k < p->K; k++)
            for (int j = 0; j < FAST_COLS; j++) {
                const int64_t col = b * FAST_COLS + j;
                const int32_t at = col < p->cols ? c->kmap[(int64_t)k * p->cols + col] : -1;
                c->panel[((size_t)b * p->K + k) * FAST_COLS + j] = at >= 0 ? c->m[at] : 0.0f;
            }
    if (c->round)
        c->round(c->panel, blocks * p->K * FAST_COLS);
}

/* Runs [begin, end) of PACK_TERMS terms, over all blocks (block-major). */
static void pack_range(void *ctx, int64_t begin, int64_t end) {
    const pack_ctx *c = ctx;
    const fast_product *p = c->p;
    const int32_t *koff = c->koff;
    const int64_t kstride = c->kstride;
    const float *m = c->m;
    float *panel = c->panel;
    const int64_t runs = ceil_div(p->K, PACK_TERMS);
    for (int64_t item = begin; item < end; item++) {
        const int64_t b = item / runs, k0 = item % runs * PACK_TERMS;
        const int n = p->K - k0 < PACK_TERMS ? (int)(p->K - k0) : PACK_TERMS;
        float *dst = panel + ((size_t)b * p->K + k0) * FAST_COLS;
        const int32_t *ko = koff + k0;
        if (kstride == 1) { /* a term's columns are contiguous: term by term */
            const int cols = p->cols - b * FAST_COLS < FAST_COLS ? (int)(p->cols - b * FAST_COLS) : FAST_COLS;
            for (int k = 0; k < n; k++) {
                memcpy(dst + k * FAST_COLS, m + ko[k] + b * FAST_COLS, (size_t)cols * sizeof *m);
                memset(dst + k * FAST_COLS + cols, 0, (size_t)(FAST_COLS - cols) * sizeof *m);
            }
        } else {
            for (int j = 0; j < FAST_COLS; j++) {
                const int64_t col = b * FAST_COLS + j;
                if (col < p->cols) {
                    const float *src = m + col * kstride;
                    for (int k = 0; k < n; k++)
                        dst[k * FAST_COLS + j] = src[ko[k]];
                } else {
                    for (int k = 0; k < n; k++)
                        dst[k * FAST_COLS + j] = 0.0f;
                }
            }
        }
        if (c->round) /* the run's panel lines, while in cache */
            c->round(dst, (int64_t)n * FAST_COLS);
    }
}

void fast_product_plan_run(const fast_backend *f, const fast_product_plan *pp, const vae_op *op) {
    float *scratch = f->scratch;
    const float *s = make_source(f, &pp->s, fast_at(f, op->t[pp->s.tensor]), &scratch);
    const float *v = make_source(f, &pp->v, fast_at(f, op->t[pp->v.tensor]), &scratch);
    const float *s_each[4], *v_each[4];
    for (int i = 0; i < pp->count; i++) {
        s_each[i] = s;
        v_each[i] = v;
        if (!pp->p[i].halves) {
            pack_ctx c = {&pp->p[i], pp->koff[i], pp->kmap, pp->kstride, v, scratch,
                          pp->v.rounded ? f->kernels->round_f16 : NULL};
            if (pp->kmap)
                pack_mapped(&c);
            else
                fast_parallel_for(f->pool, ceil_div(pp->p[i].cols, FAST_COLS) * ceil_div(pp->p[i].K, PACK_TERMS), 4,
                                  pack_range, &c);
            v_each[i] = scratch;
            scratch += fast_panel_words(&pp->p[i]);
        }
    }
    fast_product_run(f, pp->p, pp->count, s_each, v_each, fast_at(f, op->t[0]));
}

/* ---- mixed precision ----------------------------------------------------- */

/* Every way an operand reaches the tile goes through a copy or a panel:
 * the broadcast rows (s) through a PADDED or COPY copy, the columns (v)
 * through a WINDOWS copy (halves) or a panel packed from v. So rounding
 * those as they are made rounds every operand word the tile reads, and
 * nothing in the arena changes. */
int fast_plan_mixed(const vae_op *op, fast_product_plan *pp, char *err, size_t errlen) {
    vae_op_size size;
    if (vae_op_size_of(op, &size, err, errlen) != 0)
        return -1;
    int halves = 0;
    for (int i = 0; i < pp->count; i++)
        halves |= pp->p[i].halves;
    fast_source *both[2] = {&pp->s, &pp->v};
    for (int k = 0; k < 2; k++) {
        fast_source *src = both[k];
        src->rounded = 1;
        /* v read in place as panels' source is rounded as it is packed */
        const int in_place = src->layout == FAST_AS_IS && (src == &pp->s || halves);
        if (in_place)
            *src = (fast_source){src->tensor, FAST_COPY, size.words[src->tensor], 1, 1, 1, -1, 0};
    }
    return 0;
}

/* ---- copies shared between the ops of a recording ------------------------ */

static int same_copy(const fast_source *a, vae_tensor ta, const fast_source *b, vae_tensor tb) {
    return a->layout != FAST_AS_IS && a->layout == b->layout && a->planes == b->planes && a->h == b->h &&
           a->w == b->w && a->rounded == b->rounded && ta.arena == tb.arena && ta.offset == tb.offset;
}

static int writes_into(const vae_op *op, vae_tensor t) {
    const vae_op_info *info = vae_op_info_of(op->kind);
    for (int k = 0; k < info->tensors; k++)
        if ((info->writes >> k & 1) && op->t[k].arena == t.arena && op->t[k].offset < t.offset + t.count &&
            t.offset < op->t[k].offset + op->t[k].count)
            return 1;
    return 0;
}

static fast_product_plan *plan_of(fast_step *s) {
    return vae_op_info_of(s->op.kind)->family == VAE_FAMILY_PRODUCT ? s->plan : NULL;
}

size_t fast_share_copies(fast_step *steps, int count) {
    size_t used = 0;
    for (int i = 0; i < count; i++) {
        fast_product_plan *later = plan_of(&steps[i]);
        for (int w = 0; later && w < 2; w++) {
            fast_source *want = w ? &later->v : &later->s;
            const vae_tensor tw = steps[i].op.t[want->tensor];
            if (want->layout == FAST_AS_IS || want->keep_at >= 0)
                continue;
            /* the nearest earlier copy of the same words, if nothing since wrote them */
            for (int j = i - 1; j >= 0; j--) {
                if (writes_into(&steps[j].op, tw))
                    break;
                fast_product_plan *earlier = plan_of(&steps[j]);
                fast_source *made = NULL;
                for (int e = 0; earlier && e < 2 && !made; e++) {
                    fast_source *src = e ? &earlier->v : &earlier->s;
                    if (same_copy(src, steps[j].op.t[src->tensor], want, tw))
                        made = src;
                }
                if (!made)
                    continue;
                if (made->keep_at < 0) {
                    made->keep_at = (int64_t)used;
                    made->owned = 1;
                    used += (source_words(made) + 15) / 16 * 16;
                    steps[j].scratch_words = fast_product_plan_scratch(earlier);
                }
                want->keep_at = made->keep_at;
                steps[i].scratch_words = fast_product_plan_scratch(later);
                break;
            }
        }
    }
    return used;
}
