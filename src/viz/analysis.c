#include "viz/analysis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/latent.h"

#define IMAGE_BYTES ((size_t)VAE_IMAGE_SIZE * VAE_IMAGE_SIZE * 3)

void viz_analysis_defaults(viz_analysis_options *o) {
    *o = (viz_analysis_options){.n = 512, .samples = 2, .repeats = 3, .iwae_images = 16,
                                .nk = 3, .k = {1, 8, 64}, .holes = 1024, .seed = 1};
}

void viz_mu_variance(double *var, const float *mu, int n, int L) {
    for (int d = 0; d < L; d++) {
        double mean = 0, dev = 0;
        for (int i = 0; i < n; i++)
            mean += mu[(size_t)i * L + d];
        mean /= n > 0 ? n : 1;
        for (int i = 0; i < n; i++) {
            double e = mu[(size_t)i * L + d] - mean;
            dev += e * e;
        }
        var[d] = n > 0 ? dev / n : 0;
    }
}

int viz_count_active(const double *mu_var, int L) {
    int active = 0;
    for (int d = 0; d < L; d++)
        active += mu_var[d] > VIZ_ACTIVE_VAR;
    return active;
}

/* The held-out images, at most `want`: their indices in ds. */
static long *held_out_images(vae_dataset *ds, const vae_train_options *run, int want, int *n,
                             int *held_out, char *err, size_t errlen) {
    vae_split split = {0};
    if (!ds->unbounded && vae_split_make(&split, ds, run->val_fraction, run->seed, err, errlen) != 0)
        return NULL;
    *held_out = ds->unbounded || split.nval >= 2;
    long have = ds->unbounded ? want : *held_out ? split.nval : ds->count;
    *n = have < want ? (int)have : want;
    long *idx = malloc((size_t)(*n > 0 ? *n : 1) * sizeof *idx);
    for (int i = 0; idx && i < *n; i++)
        idx[i] = ds->unbounded ? ds->count + i : *held_out ? split.val[i] : i;
    if (!idx)
        snprintf(err, errlen, "out of memory for %d image indices", *n);
    vae_split_free(&split);
    return idx;
}

/* Reads and encodes the images; the per-dimension figures. */
static int encode(vae_trainer *t, vae_dataset *ds, const long *idx, uint8_t *px, viz_analysis *a,
                  char *err, size_t errlen) {
    const int n = a->n, L = a->L;
    a->mu = malloc((size_t)n * L * sizeof *a->mu);
    a->log_var = malloc((size_t)n * L * sizeof *a->log_var);
    a->kl_dim = malloc((size_t)L * sizeof *a->kl_dim);
    a->order = malloc((size_t)L * sizeof *a->order);
    a->mu_var = malloc((size_t)L * sizeof *a->mu_var);
    if (!a->mu || !a->log_var || !a->kl_dim || !a->order || !a->mu_var) {
        snprintf(err, errlen, "out of memory encoding %d images", n);
        return -1;
    }
    if (vae_dataset_read_batch(ds, idx, 0, n, px) != 0) {
        snprintf(err, errlen, "%s", ds->error);
        return -1;
    }
    if (viz_encode(t, px, n, a->mu, a->log_var, err, errlen) != 0)
        return -1;
    viz_kl_per_dim(a->kl_dim, a->mu, a->log_var, n, L);
    viz_rank_dims(a->order, a->kl_dim, L);
    viz_mu_variance(a->mu_var, a->mu, n, L);
    a->active = viz_count_active(a->mu_var, L);
    return 0;
}

int viz_analyze(vae_trainer *t, vae_dataset *ds, const vae_train_options *run,
                const viz_analysis_options *o, vae_progress_fn fn, void *ctx, viz_analysis *a,
                char *err, size_t errlen) {
    memset(a, 0, sizeof *a);
    a->o = *o;
    a->L = t->lay.cfg.latent;
    if (o->n < 2 || o->iwae_images < 1) {
        snprintf(err, errlen, "the analysis needs 2 or more images and 1 or more for the bounds "
                 "(got %d and %d)", o->n, o->iwae_images);
        return -1;
    }
    long *idx = held_out_images(ds, run, o->n, &a->n, &a->held_out, err, errlen);
    if (!idx)
        return -1;
    if (a->n < 2) {
        snprintf(err, errlen, "%s has %d image%s; the analysis needs 2 or more", ds->description,
                 a->n, a->n == 1 ? "" : "s");
        free(idx);
        return -1;
    }
    uint8_t *px = malloc((size_t)a->n * IMAGE_BYTES);
    int iwae_n = o->iwae_images < a->n ? o->iwae_images : a->n, status = -1;
    if (!px)
        snprintf(err, errlen, "out of memory for %d images", a->n);
    else if (encode(t, ds, idx, px, a, err, errlen) == 0 &&
             viz_kl_decompose(t, a->mu, a->log_var, a->n, a->L, o->samples, o->repeats, o->seed,
                              fn, ctx, &a->kl, err, errlen) == 0 &&
             viz_iwae_bounds(t, px, iwae_n, o->k, o->nk, o->seed, fn, ctx, &a->iwae, err,
                             errlen) == 0 &&
             viz_holes_score(t, a->mu, a->log_var, a->n, a->L, o->holes, o->seed, &a->holes, err,
                             errlen) == 0)
        status = 0;
    free(px);
    free(idx);
    return status;
}

void viz_analysis_free(viz_analysis *a) {
    free(a->mu);
    free(a->log_var);
    free(a->kl_dim);
    free(a->order);
    free(a->mu_var);
    viz_holes_free(&a->holes);
    memset(a, 0, sizeof *a);
}
