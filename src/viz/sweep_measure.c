/* What a sweep measures on each run: the held-out faces and z every run
 * shares, the run's validation row, active units, and distances between
 * images (sharpness, how near samples fall to what the model makes of
 * real faces, how far apart samples are). */
#include "viz/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/dataset.h"
#include "vaevk/rng.h"
#include "viz/analysis.h"
#include "viz/csv_table.h"
#include "viz/latent.h"

#define IMAGE_BYTES ((size_t)VAE_IMAGE_SIZE * VAE_IMAGE_SIZE * 3)
/* bytes v hold the pixel v / 127.5 - 1: a squared byte difference over
 * this is the squared difference the loss sums */
#define UNIT2 (127.5 * 127.5)

static double spread(const uint8_t *img, int n);
static double detail(const uint8_t *img, int n);

int viz_sweep_inputs_make(viz_sweep_inputs *in, const vae_train_options *o, char *err, size_t errlen) {
    memset(in, 0, sizeof *in);
    vae_data_options dopt;
    vae_data_options_default(&dopt);
    dopt.crop = o->crop;
    vae_dataset *ds = NULL;
    vae_split split = {0};
    int status = -1;
    if (vae_dataset_open_with(o->data, &dopt, o->synthetic_count, o->seed, &ds, err, errlen) != 0)
        return -1;
    if (!ds->unbounded && vae_split_make(&split, ds, o->val_fraction, o->seed, err, errlen) != 0)
        goto done;
    /* synthetic: faces past the training set; else the validation split,
     * or, with fewer than two held out, the first images */
    in->held_out = ds->unbounded || split.nval >= 2;
    long avail = ds->unbounded ? SWEEP_MEASURED : in->held_out ? split.nval : ds->count;
    in->n = avail < SWEEP_MEASURED ? (int)avail : SWEEP_MEASURED;
    in->L = o->model.latent;
    long *index = malloc((size_t)in->n * sizeof *index);
    in->faces = malloc((size_t)in->n * IMAGE_BYTES);
    in->z = malloc((size_t)in->n * in->L * sizeof *in->z);
    if (!index || !in->faces || !in->z) {
        snprintf(err, errlen, "out of memory for %d held-out faces", in->n);
        free(index);
        goto done;
    }
    for (int i = 0; i < in->n; i++)
        index[i] = ds->unbounded ? ds->count + i : in->held_out ? split.val[i] : i;
    status = vae_dataset_read_batch(ds, index, 0, in->n, in->faces);
    if (status != 0)
        snprintf(err, errlen, "%s", ds->error);
    free(index);
    in->face_detail = detail(in->faces, in->n);
    in->face_spread = spread(in->faces, in->n);
    vae_rng_normal_fill(in->z, (uint32_t)(in->n * in->L), o->seed, VAE_STREAM_SAMPLE, 0, 0);
done:
    vae_split_free(&split);
    if (ds)
        vae_dataset_close(ds);
    if (status != 0)
        viz_sweep_inputs_free(in);
    return status;
}

void viz_sweep_inputs_free(viz_sweep_inputs *in) {
    free(in->faces);
    free(in->z);
    memset(in, 0, sizeof *in);
}

int viz_sweep_read_validation(const char *run_dir, viz_sweep_run *r, char *err, size_t errlen) {
    char path[1200];
    csv_table t;
    snprintf(path, sizeof path, "%s/val.csv", run_dir);
    r->val_step = 0;
    int status = csv_table_read(path, &t, err, errlen);
    if (status != 0)
        return status < 0 ? -1 : 0;
    int cs = csv_table_col(&t, "step"), cr = csv_table_col(&t, "recon"), ck = csv_table_col(&t, "kl"),
        ci = csv_table_col(&t, "images");
    if (t.nrows > 0 && cs >= 0 && cr >= 0 && ck >= 0) {
        const double *row = t.v + (size_t)(t.nrows - 1) * t.ncols;
        r->val_step = (long)row[cs];
        r->val_recon = row[cr];
        r->val_kl = row[ck];
        r->val_images = ci >= 0 ? (long)row[ci] : 0;
    }
    csv_table_free(&t);
    return 0;
}

/* The active units of viz/analysis.h among the codes mu (n, L); -1 when
 * memory runs out. */
static int active_units(const float *mu, int n, int L) {
    double *var = malloc((size_t)L * sizeof *var);
    if (!var)
        return -1;
    viz_mu_variance(var, mu, n, L);
    int active = viz_count_active(var, L);
    free(var);
    return active;
}

/* Mean over dimensions of Var(mu_d) + E[sigma_d^2]: the variance of the
 * aggregate posterior q(z) along each axis, averaged. */
static double aggregate_variance(const float *mu, const float *log_var, int n, int L) {
    double total = 0;
    for (int d = 0; d < L; d++) {
        double sum = 0, sum2 = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double m = mu[(size_t)i * L + d];
            sum += m;
            sum2 += m * m;
            s2 += exp(log_var[(size_t)i * L + d]);
        }
        total += sum2 / n - (sum / n) * (sum / n) + s2 / n;
    }
    return total / L;
}

/* Squared byte distance of two images (at most 255^2 * 12288 < 2^32). */
static uint32_t distance(const uint8_t *a, const uint8_t *b) {
    uint32_t sum = 0;
    for (size_t k = 0; k < IMAGE_BYTES; k++) {
        int d = (int)a[k] - (int)b[k];
        sum += (uint32_t)(d * d);
    }
    return sum;
}

/* Mean over images of a of the distance to the nearest image of b; with
 * same (a is b), the nearest other one. */
static double nearest_mean(const uint8_t *a, int na, const uint8_t *b, int nb, int same) {
    double total = 0;
    for (int i = 0; i < na; i++) {
        uint32_t best = UINT32_MAX;
        for (int j = 0; j < nb; j++)
            if (!(same && i == j)) {
                uint32_t d = distance(a + i * IMAGE_BYTES, b + j * IMAGE_BYTES);
                best = d < best ? d : best;
            }
        total += best;
    }
    return total / na / UNIT2;
}

/* Mean distance over the pairs of images. */
static double spread(const uint8_t *img, int n) {
    double total = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            total += distance(img + i * IMAGE_BYTES, img + j * IMAGE_BYTES);
    return n > 1 ? total / ((double)n * (n - 1) / 2) / UNIT2 : 0;
}

/* Mean per image of the squared differences of horizontally and vertically
 * neighbouring pixels: what blur takes away. */
static double detail(const uint8_t *img, int n) {
    const int S = VAE_IMAGE_SIZE;
    double total = 0;
    for (int i = 0; i < n; i++) {
        const uint8_t *p = img + i * IMAGE_BYTES; // (S, S, 3)
        uint32_t sum = 0;
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++)
                for (int c = 0; c < 3; c++) {
                    int v = p[(y * S + x) * 3 + c];
                    int dx = x + 1 < S ? p[(y * S + x + 1) * 3 + c] - v : 0;
                    int dy = y + 1 < S ? p[((y + 1) * S + x) * 3 + c] - v : 0;
                    sum += (uint32_t)(dx * dx + dy * dy);
                }
        total += sum;
    }
    return n ? total / n / UNIT2 : 0;
}

int viz_sweep_measure(vae_trainer *t, const viz_sweep_inputs *in, viz_sweep_run *r, char *err,
                      size_t errlen) {
    const int n = in->n, L = in->L, shown = n < SWEEP_SHOWN ? n : SWEEP_SHOWN;
    float *mu = malloc((size_t)n * L * sizeof *mu), *lv = malloc((size_t)n * L * sizeof *lv);
    uint8_t *recon = malloc((size_t)n * IMAGE_BYTES), *samples = malloc((size_t)n * IMAGE_BYTES);
    r->recon = malloc((size_t)SWEEP_SHOWN * IMAGE_BYTES);
    r->samples = malloc((size_t)SWEEP_SHOWN * IMAGE_BYTES);
    int status = -1;
    if (!mu || !lv || !recon || !samples || !r->recon || !r->samples)
        snprintf(err, errlen, "out of memory measuring %s", r->name);
    else if (t->lay.cfg.latent != L)
        snprintf(err, errlen, "%s has %d latent dimensions, the sweep %d", r->name, t->lay.cfg.latent, L);
    else if (viz_encode(t, in->faces, n, mu, lv, err, errlen) == 0 &&
             viz_decode(t, mu, n, recon, err, errlen) == 0 &&
             viz_decode(t, in->z, n, samples, err, errlen) == 0) {
        r->L = L;
        r->active = active_units(mu, n, L);
        r->qz_var = aggregate_variance(mu, lv, n, L);
        r->recon_detail = in->face_detail > 0 ? detail(recon, n) / in->face_detail : NAN;
        r->sample_detail = in->face_detail > 0 ? detail(samples, n) / in->face_detail : NAN;
        r->recon_gap = nearest_mean(recon, n, recon, n, 1);
        r->sample_gap = nearest_mean(samples, n, recon, n, 0);
        r->gap_ratio = r->recon_gap > 0 ? r->sample_gap / r->recon_gap : NAN;
        r->sample_spread = spread(samples, n);
        memcpy(r->recon, recon, shown * IMAGE_BYTES);
        memcpy(r->samples, samples, shown * IMAGE_BYTES);
        r->measured = 1;
        status = 0;
    }
    free(mu);
    free(lv);
    free(recon);
    free(samples);
    return status;
}

void viz_sweep_run_free(viz_sweep_run *r) {
    free(r->recon);
    free(r->samples);
    r->recon = r->samples = NULL;
}
