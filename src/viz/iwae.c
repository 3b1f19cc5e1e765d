#include "viz/iwae.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/image.h"
#include "viz/gauss.h"
#include "viz/latent.h"

#define D ((size_t)VAE_IMAGE_SIZE * VAE_IMAGE_SIZE * 3) /* values per image */

int viz_iwae_check_k(const int *k, int nk, char *err, size_t errlen) {
    if (nk < 1 || nk > VIZ_IWAE_MAX_K) {
        snprintf(err, errlen, "give 1 to %d values of k (got %d)", VIZ_IWAE_MAX_K, nk);
        return -1;
    }
    for (int j = 0; j < nk; j++) {
        if (k[j] < 1 || k[j] > 4096 || (j > 0 && k[j] <= k[j - 1])) {
            snprintf(err, errlen, "k must increase, each from 1 to 4096 (got %d after %d)", k[j],
                     j > 0 ? k[j - 1] : 0);
            return -1;
        }
        if (k[nk - 1] % k[j] != 0) {
            snprintf(err, errlen, "every k must divide the largest, %d, so that the bounds share "
                     "their draws (%d does not)", k[nk - 1], k[j]);
            return -1;
        }
    }
    return 0;
}

/* v (n, per): the mean of all, and its standard error from each row's
 * variance: sqrt(sum_i var_i / per) / n (NaN when per < 2). */
static void mean_se(const double *v, int n, int per, double *mean, double *se) {
    double total = 0, var_sum = 0;
    for (int i = 0; i < n; i++) {
        double s1 = 0, dev = 0;
        for (int j = 0; j < per; j++)
            s1 += v[(size_t)i * per + j];
        for (int j = 0; j < per; j++) {
            double d = v[(size_t)i * per + j] - s1 / per;
            dev += d * d;
        }
        total += s1;
        var_sum += per > 1 ? dev / (per - 1) : 0;
    }
    *mean = total / ((double)n * per);
    *se = per > 1 ? sqrt(var_sum / per) / n : NAN;
}

/* log of the mean of exp(x[0..k)), without overflow. */
static double log_mean_exp(const double *x, int k) {
    double top = -INFINITY, sum = 0;
    for (int i = 0; i < k; i++)
        top = fmax(top, x[i]);
    if (top == -INFINITY)
        return -INFINITY;
    for (int i = 0; i < k; i++)
        sum += exp(x[i] - top);
    return top + log(sum / k);
}

int viz_iwae_from_weights(const double *log_w, const double *log_px, const double *sse,
                          const double *kl, int n, int draws, const int *k, int nk,
                          viz_iwae *out, char *err, size_t errlen) {
    if (viz_iwae_check_k(k, nk, err, errlen) != 0)
        return -1;
    if (n < 1 || draws < k[nk - 1]) {
        snprintf(err, errlen, "the bounds need at least one image and %d draws of each (got %d "
                 "images, %d draws)", k[nk - 1], n, draws);
        return -1;
    }
    double *v = malloc((size_t)n * draws * sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory for %d x %d draws", n, draws);
        return -1;
    }
    double keep = out->log_px_const, unused;
    *out = (viz_iwae){.n = n, .draws = draws, .nk = nk, .log_px_const = keep};
    for (int j = 0; j < nk; j++) {
        int G = draws / k[j]; /* groups; draws past G k (none when k divides draws) unused */
        for (int i = 0; i < n; i++)
            for (int g = 0; g < G; g++)
                v[(size_t)i * G + g] = log_mean_exp(log_w + (size_t)i * draws + (size_t)g * k[j], k[j]);
        out->k[j] = k[j];
        mean_se(v, n, G, &out->bound[j], &out->bound_se[j]);
    }
    for (int i = 0; i < n; i++)
        for (int d = 0; d < draws; d++)
            v[(size_t)i * draws + d] = log_px[(size_t)i * draws + d] - kl[i];
    mean_se(v, n, draws, &out->elbo, &out->elbo_se);
    for (size_t s = 0; s < (size_t)n * draws; s++) /* IWAE_1's draw minus the ELBO's */
        v[s] = log_w[s] - (log_px[s] - kl[s / draws]);
    mean_se(v, n, draws, &unused, &out->k1_gap_se);
    mean_se(sse, n, draws, &out->recon, &unused);
    for (int i = 0; i < n; i++)
        out->kl += kl[i] / n;
    free(v);
    return 0;
}

/* Each draw's log-weight terms: z decoded in chunks of the batch. */
static int weigh_draws(vae_trainer *t, const float *x, const float *mu, const float *log_var,
                       const float *z, int n, int draws, double log_px_const, double *log_w,
                       double *log_px, double *sse, vae_progress_fn fn, void *ctx, char *err,
                       size_t errlen) {
    const int L = t->lay.cfg.latent, B = t->lay.batch;
    long total = (long)n * draws;
    float *xhat = malloc((size_t)B * D * sizeof *xhat);
    if (!xhat) {
        snprintf(err, errlen, "out of memory decoding %d images", B);
        return -1;
    }
    for (long s0 = 0; s0 < total; s0 += B) {
        int c = total - s0 < B ? (int)(total - s0) : B;
        if (vae_trainer_decode(t, z + (size_t)s0 * L, c, xhat) != 0) {
            snprintf(err, errlen, "decoding failed: %s", t->be->error);
            free(xhat);
            return -1;
        }
        for (int b = 0; b < c; b++) {
            long s = s0 + b, i = s / draws;
            const float *xi = x + (size_t)i * D, *xh = xhat + (size_t)b * D;
            double e = 0;
            for (size_t p = 0; p < D; p++)
                e += ((double)xi[p] - xh[p]) * ((double)xi[p] - xh[p]);
            const float *zs = z + (size_t)s * L;
            sse[s] = e;
            log_px[s] = -e / (2 * VIZ_DECODER_VAR) - log_px_const;
            log_w[s] = log_px[s] + viz_log_prior(zs, L) -
                       viz_log_posterior(zs, mu + (size_t)i * L, log_var + (size_t)i * L, L);
        }
        if (fn)
            fn(ctx, "importance-weighted bounds", s0 + c, total);
    }
    free(xhat);
    return 0;
}

int viz_iwae_bounds(vae_trainer *t, const uint8_t *pixels, int n, const int *k, int nk,
                    uint64_t seed, vae_progress_fn fn, void *ctx, viz_iwae *out, char *err,
                    size_t errlen) {
    const int L = t->lay.cfg.latent;
    if (viz_iwae_check_k(k, nk, err, errlen) != 0)
        return -1;
    int draws = k[nk - 1];
    if (n < 1 || !viz_draws_fit(n, draws, L)) {
        snprintf(err, errlen, "the bounds need 1 to 2^32 / (%d x %d) images (got %d)", draws, L, n);
        return -1;
    }
    size_t S = (size_t)n * draws;
    float *x = malloc((size_t)n * D * sizeof *x), *z = malloc(S * L * sizeof *z);
    float *mu = malloc((size_t)n * L * sizeof *mu), *lv = malloc((size_t)n * L * sizeof *lv);
    double *w = malloc(3 * S * sizeof *w), *kl = malloc((size_t)n * sizeof *kl);
    int status = -1;
    if (!x || !z || !mu || !lv || !w || !kl) {
        snprintf(err, errlen, "out of memory for the bounds of %d images", n);
        goto done;
    }
    if (viz_encode(t, pixels, n, mu, lv, err, errlen) != 0)
        goto done;
    images_to_float(x, pixels, n, VAE_IMAGE_SIZE);
    for (int i = 0; i < n; i++) {
        kl[i] = viz_kl_closed_form(mu + (size_t)i * L, lv + (size_t)i * L, L);
        viz_draw_posterior(z + (size_t)i * draws * L, mu + (size_t)i * L, lv + (size_t)i * L, draws,
                           L, seed, VIZ_STEP_IWAE, (uint32_t)i * (uint32_t)draws * (uint32_t)L);
    }
    out->log_px_const = 0.5 * (double)D * (VIZ_LOG_2PI + log(VIZ_DECODER_VAR));
    if (weigh_draws(t, x, mu, lv, z, n, draws, out->log_px_const, w, w + S, w + 2 * S, fn, ctx,
                    err, errlen) == 0)
        status = viz_iwae_from_weights(w, w + S, w + 2 * S, kl, n, draws, k, nk, out, err, errlen);
done:
    free(x);
    free(z);
    free(mu);
    free(lv);
    free(w);
    free(kl);
    return status;
}
