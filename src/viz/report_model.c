/* The report's pictures drawn by the model: per-dimension KL, a traversal
 * of the top dimensions, reconstructions and interpolations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/dataset.h"
#include "viz/latent.h"
#include "viz/panels.h"
#include "viz/report_page.h"
#include "viz/svg_plot.h"
#include "viz/traverse.h"

#define IMAGE_BYTES ((size_t)64 * 64 * 3)
#define KL_IMAGES 256  /* "a few hundred": per-dimension KL settles well before */
#define TOP_DIMS 8
#define TRAVERSE_STEPS 5 /* offsets -3, -1.5, 0, 1.5, 3: few enough for 2x zoom */
#define TRAVERSE_RANGE 3.0f
#define RECON_IMAGES 16
#define RECON_COLS 4   /* two 4x4 grids side by side, originals and reconstructions */
#define PAIRS 4
#define INTERP_STEPS 6 /* with the two real images, a row fits the page at 2x zoom */
#define GAP 12         /* pixels between the pictures of one figure */
#define ACTIVE_NATS 0.1 /* a dimension "in use" carries more KL than this */

#define POOL_MAX 64 /* held-out images to draw from */

typedef struct {
    vae_dataset *ds;
    long pool[POOL_MAX]; /* images for reconstructions and interpolations */
    int npool;
    int held_out;        /* the pool is images the model never trained on */
    int L;
    double *kl;
    int *order;
    float *mu;           /* (nmu, L): the codes of the first nmu images, for KL */
    int nmu;
} model_view;

/* Held-out images when the run has them: synthetic faces past the training
 * set, else the run's validation split; else the first images. */
static int make_pool(model_view *v, const vae_train_options *o, char *err, size_t errlen) {
    vae_split split = {0};
    if (!v->ds->unbounded && vae_split_make(&split, v->ds, o->val_fraction, o->seed, err, errlen) != 0)
        return -1;
    v->held_out = v->ds->unbounded || split.nval >= 2;
    long n = v->ds->unbounded ? POOL_MAX : v->held_out ? split.nval : v->ds->count;
    v->npool = n < POOL_MAX ? (int)n : POOL_MAX;
    for (int i = 0; i < v->npool; i++)
        v->pool[i] = v->ds->unbounded ? v->ds->count + i : v->held_out ? split.val[i] : i;
    vae_split_free(&split);
    return 0;
}

static int kl_section(report_page *pg, model_view *v, char *err, size_t errlen) {
    int n = v->ds->count < KL_IMAGES ? (int)v->ds->count : KL_IMAGES;
    float *lv = malloc((size_t)n * v->L * sizeof *lv);
    v->mu = malloc((size_t)n * v->L * sizeof *v->mu);
    int status = lv && v->mu ? viz_dataset_encode(pg->t, v->ds, 0, n, v->mu, lv, err, errlen) : -1;
    if (status == 0) {
        viz_kl_per_dim(v->kl, v->mu, lv, n, v->L);
        v->nmu = n;
    } else if (!lv || !v->mu) {
        snprintf(err, errlen, "out of memory encoding %d images", n);
    }
    free(lv);
    if (status != 0)
        return -1;
    viz_rank_dims(v->order, v->kl, v->L);
    double total = 0;
    int active = 0;
    for (int d = 0; d < v->L; d++) {
        total += v->kl[d];
        active += v->kl[d] > ACTIVE_NATS;
    }
    report_heading(pg, "kl", "KL per latent dimension");
    sb_printf(&pg->html, "<p>Mean over the first %d "
              "training images of \xe2\x88\x92\xc2\xbd(1 + log\xcf\x83\xc2\xb2 \xe2\x88\x92 "
              "\xce\xbc\xc2\xb2 \xe2\x88\x92 \xcf\x83\xc2\xb2), largest first. Total %.2f nats; "
              "%d of %d dimensions carry more than %g nats.</p>\n", n, total, active, v->L,
              ACTIVE_NATS);
    svg_bar_chart(&pg->html, "plot-kl-dims", "KL per latent dimension (sorted)", "nats",
                  v->kl, v->order, v->L, "z", 1000, 260);
    return 0;
}

static void free_canvases(viz_canvas *c, int n) {
    for (int k = 0; k < n; k++)
        viz_canvas_free(&c[k]);
}

/* mu of image pool[0] as the traversal's base, its pixels in rgb. */
static int encode_first(report_page *pg, const model_view *v, uint8_t *rgb, float *base,
                        char *err, size_t errlen) {
    float *lv = malloc((size_t)v->L * sizeof *lv);
    int status = -1;
    if (!lv)
        snprintf(err, errlen, "out of memory for the traversal");
    else if (v->ds->read(v->ds, v->pool[0], rgb) != 0)
        snprintf(err, errlen, "%s", v->ds->error);
    else
        status = viz_encode(pg->t, rgb, 1, base, lv, err, errlen);
    free(lv);
    return status;
}

/* The traversal around z = 0, or around mu of image pool[0] with that image
 * at its left. */
static int traversal_section(report_page *pg, const model_view *v, int from_image, char *err,
                             size_t errlen) {
    int rows = v->L < TOP_DIMS ? v->L : TOP_DIMS;
    float *base = calloc((size_t)v->L, sizeof *base); /* z = 0 unless from_image */
    uint8_t *img = malloc((size_t)rows * TRAVERSE_STEPS * IMAGE_BYTES), rgb[IMAGE_BYTES];
    viz_canvas part[2] = {{0}}, c = {0}; /* the image, the traversal */
    char from[64] = "z = 0", heading[32];
    snprintf(heading, sizeof heading, "image %ld", v->npool ? v->pool[0] : 0L);
    const char *headings[2] = {heading, NULL};
    int status = -1;
    if (!base || !img)
        snprintf(err, errlen, "out of memory for the traversal");
    else if ((!from_image || (encode_first(pg, v, rgb, base, err, errlen) == 0 &&
                              viz_canvas_grid(&part[0], rgb, 1, 1, 1, 0, 0, err, errlen) == 0)) &&
             viz_traversal_images(pg->t, base, v->order, rows, TRAVERSE_STEPS, TRAVERSE_RANGE,
                                  img, err, errlen) == 0 &&
             viz_traverse_canvas(&part[1], img, v->order, v->kl, rows, TRAVERSE_STEPS,
                                 TRAVERSE_RANGE, 1, err, errlen) == 0 &&
             (!from_image || viz_canvas_beside(&c, part, headings, 2, GAP, 1, err, errlen) == 0)) {
        if (from_image)
            snprintf(from, sizeof from, "\xce\xbc of image %ld (left)", v->pool[0]);
        sb_printf(&pg->html, "<h3>Around %s</h3>\n<p>The top %d dimensions by KL, one per row, "
                  "each moved by \xe2\x88\x92%g to +%g from its value at %s while the others "
                  "stay there.</p>\n", from, rows, (double)TRAVERSE_RANGE, (double)TRAVERSE_RANGE,
                  from);
        status = from_image
                     ? report_embed_canvas(pg, "img-traversal-image", "the image, and a traversal "
                                           "of the top dimensions around its code", &c, 0, err, errlen)
                     : report_embed_canvas(pg, "img-traversal-zero", "traversal of the top "
                                           "dimensions around z = 0", &part[1], 0, err, errlen);
    }
    free_canvases(part, 2);
    viz_canvas_free(&c);
    free(base);
    free(img);
    return status;
}

static int reconstruction_section(report_page *pg, const model_view *v, char *err,
                                  size_t errlen) {
    static const char *const headings[2] = {"original", "reconstruction"};
    int n = v->npool < RECON_IMAGES ? v->npool : RECON_IMAGES;
    if (n < 1)
        return 0;
    uint8_t *orig = malloc((size_t)n * IMAGE_BYTES), *pairs = malloc((size_t)2 * n * IMAGE_BYTES);
    uint8_t *rec = malloc((size_t)n * IMAGE_BYTES);
    viz_canvas part[2] = {{0}}, c = {0};
    int status = -1;
    if (!orig || !pairs || !rec)
        snprintf(err, errlen, "out of memory for the reconstructions");
    else if (vae_dataset_read_batch(v->ds, v->pool, 0, n, orig) != 0)
        snprintf(err, errlen, "%s", v->ds->error);
    else if (viz_reconstruction_images(pg->t, orig, n, pairs, err, errlen) == 0) {
        for (int i = 0; i < n; i++) /* pairs interleaves original, reconstruction */
            memcpy(rec + (size_t)i * IMAGE_BYTES, pairs + (size_t)(2 * i + 1) * IMAGE_BYTES,
                   IMAGE_BYTES);
        if (viz_canvas_grid(&part[0], orig, n, RECON_COLS, 1, 0, 0, err, errlen) == 0 &&
            viz_canvas_grid(&part[1], rec, n, RECON_COLS, 1, 0, 0, err, errlen) == 0 &&
            viz_canvas_beside(&c, part, headings, 2, GAP, 1, err, errlen) == 0) {
            report_heading(pg, "reconstructions", "Reconstructions");
            sb_printf(&pg->html, "<p>%d %s (left) and their reconstructions (right), decoded "
                      "from z = \xce\xbc; the same place in each grid is the same image.</p>\n",
                      n, v->held_out ? "images the model never trained on" : "training images");
            status = report_embed_canvas(pg, "img-reconstructions", "original images, and "
                                         "beside them their reconstructions", &c, 0, err, errlen);
        }
    }
    free_canvases(part, 2);
    viz_canvas_free(&c);
    free(orig);
    free(pairs);
    free(rec);
    return status;
}

/* Each row: image A, the decodings from mu(A) to mu(B), image B. */
static int interpolation_picture(report_page *pg, const uint8_t *a, const uint8_t *b,
                                 viz_canvas *c, char *err, size_t errlen) {
    static const char *const headings[3] = {"image A", "decoded along the line from A to B",
                                            "image B"};
    uint8_t *img = malloc((size_t)PAIRS * INTERP_STEPS * IMAGE_BYTES);
    viz_canvas part[3] = {{0}};
    int status = -1;
    if (!img)
        snprintf(err, errlen, "out of memory for the interpolation");
    else if (viz_interpolation_images(pg->t, a, b, PAIRS, INTERP_STEPS, 0, img, err, errlen) == 0 &&
             viz_canvas_grid(&part[0], a, PAIRS, 1, 1, 0, 0, err, errlen) == 0 &&
             viz_canvas_grid(&part[1], img, PAIRS * INTERP_STEPS, INTERP_STEPS, 1, 0, 0, err,
                             errlen) == 0 &&
             viz_canvas_grid(&part[2], b, PAIRS, 1, 1, 0, 0, err, errlen) == 0)
        status = viz_canvas_beside(c, part, headings, 3, GAP, 1, err, errlen);
    free_canvases(part, 3);
    free(img);
    return status;
}

static int interpolation_section(report_page *pg, const model_view *v, char *err,
                                 size_t errlen) {
    long ia[PAIRS], ib[PAIRS];
    if (v->npool < 2)
        return 0;
    viz_random_pairs(ia, ib, PAIRS, v->npool, pg->o->seed);
    uint8_t *a = malloc(PAIRS * IMAGE_BYTES), *b = malloc(PAIRS * IMAGE_BYTES);
    viz_canvas c = {0};
    int status = -1;
    if (!a || !b) {
        snprintf(err, errlen, "out of memory for the interpolation");
        goto done;
    }
    for (int i = 0; i < PAIRS; i++)
        if (v->ds->read(v->ds, v->pool[ia[i]], a + i * IMAGE_BYTES) != 0 ||
            v->ds->read(v->ds, v->pool[ib[i]], b + i * IMAGE_BYTES) != 0) {
            snprintf(err, errlen, "%s", v->ds->error);
            goto done;
        }
    if (interpolation_picture(pg, a, b, &c, err, errlen) != 0)
        goto done;
    report_heading(pg, "interpolation", "Interpolation");
    sb_printf(&pg->html, "<p>%d random pairs of %s. Each row shows image A at the left and "
              "image B at the right; between them, %d evenly spaced points on the line from "
              "\xce\xbc(A) to \xce\xbc(B), decoded (the first and last are the reconstructions "
              "of A and B).</p>\n", PAIRS, v->held_out ? "held-out images" : "images",
              INTERP_STEPS);
    status = report_embed_canvas(pg, "img-interpolation", "interpolations between pairs of "
                                 "images, with the two images at the ends of each row", &c, 0,
                                 err, errlen);
done:
    viz_canvas_free(&c);
    free(a);
    free(b);
    return status;
}

int report_model_sections(report_page *pg, char *err, size_t errlen) {
    const vae_train_options *o = pg->o;
    model_view v = {.L = pg->t->lay.cfg.latent};
    vae_data_options dopt;
    vae_data_options_default(&dopt);
    dopt.crop = o->crop;
    char why[800];
    if (vae_dataset_open_with(o->data, &dopt, o->synthetic_count, o->seed, &v.ds, why,
                              sizeof why) != 0) {
        report_heading(pg, "model", "Model pictures");
        sb_puts(&pg->html, "<p>No reconstructions, "
                "interpolation, traversal or KL: ");
        sb_escape(&pg->html, why);
        sb_puts(&pg->html, "</p>\n");
        return 0;
    }
    v.kl = malloc((size_t)v.L * sizeof *v.kl);
    v.order = malloc((size_t)v.L * sizeof *v.order);
    int status = -1;
    if (!v.kl || !v.order)
        snprintf(err, errlen, "out of memory for %d latent dimensions", v.L);
    else if (make_pool(&v, o, err, errlen) == 0 &&
             reconstruction_section(pg, &v, err, errlen) == 0 &&
             interpolation_section(pg, &v, err, errlen) == 0 &&
             kl_section(pg, &v, err, errlen) == 0 &&
             (report_heading(pg, "traversal", "Traversals"), 1) &&
             traversal_section(pg, &v, 0, err, errlen) == 0 &&
             (v.npool < 1 || traversal_section(pg, &v, 1, err, errlen) == 0)) {
        if (v.ds->unbounded && strcmp(o->data, "synthetic") == 0)
            report_attribute_section(pg, v.mu, v.nmu, v.L, v.order, v.kl, TOP_DIMS);
        status = 0;
    }
    free(v.kl);
    free(v.order);
    free(v.mu);
    vae_dataset_close(v.ds);
    return status;
}
