#include "viz/latent.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/image.h"

#define IMAGE_BYTES ((size_t)VAE_IMAGE_SIZE * VAE_IMAGE_SIZE * 3)

int viz_encode(vae_trainer *t, const uint8_t *pixels, int n, float *mu, float *log_var,
               char *err, size_t errlen) {
    const int L = t->lay.cfg.latent, B = t->lay.batch;
    for (int i = 0; i < n; i += B) {
        int k = n - i < B ? n - i : B;
        if (vae_trainer_encode(t, pixels + (size_t)i * IMAGE_BYTES, k, mu + (size_t)i * L,
                               log_var + (size_t)i * L) != 0) {
            snprintf(err, errlen, "encoding failed: %s", t->be->error);
            return -1;
        }
    }
    return 0;
}

int viz_decode(vae_trainer *t, const float *z, int n, uint8_t *rgb, char *err, size_t errlen) {
    const int L = t->lay.cfg.latent, B = t->lay.batch;
    float *xhat = malloc((size_t)B * IMAGE_BYTES * sizeof *xhat);
    if (!xhat) {
        snprintf(err, errlen, "out of memory decoding %d images", n);
        return -1;
    }
    for (int i = 0; i < n; i += B) {
        int k = n - i < B ? n - i : B;
        if (vae_trainer_decode(t, z + (size_t)i * L, k, xhat) != 0) {
            snprintf(err, errlen, "decoding failed: %s", t->be->error);
            free(xhat);
            return -1;
        }
        images_from_float(rgb + (size_t)i * IMAGE_BYTES, xhat, k, VAE_IMAGE_SIZE);
    }
    free(xhat);
    return 0;
}

void viz_kl_per_dim(double *kl, const float *mu, const float *log_var, int n, int L) {
    for (int d = 0; d < L; d++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double m = mu[(size_t)i * L + d], lv = log_var[(size_t)i * L + d];
            sum += -0.5 * (1.0 + lv - m * m - exp(lv));
        }
        kl[d] = n > 0 ? sum / n : 0.0;
    }
}

int viz_dataset_encode(vae_trainer *t, vae_dataset *ds, long first, int n, float *mu,
                       float *log_var, char *err, size_t errlen) {
    uint8_t *px = malloc((size_t)n * IMAGE_BYTES);
    int status = -1;
    if (!px)
        snprintf(err, errlen, "out of memory encoding %d images", n);
    else if (vae_dataset_read_batch(ds, NULL, first, n, px) != 0)
        snprintf(err, errlen, "%s", ds->error);
    else
        status = viz_encode(t, px, n, mu, log_var, err, errlen);
    free(px);
    return status;
}

int viz_dataset_kl(vae_trainer *t, vae_dataset *ds, long first, int n, double *kl,
                   char *err, size_t errlen) {
    const int L = t->lay.cfg.latent;
    float *mu = malloc((size_t)n * L * sizeof *mu), *lv = malloc((size_t)n * L * sizeof *lv);
    int status = -1;
    if (!mu || !lv)
        snprintf(err, errlen, "out of memory encoding %d images", n);
    else if (viz_dataset_encode(t, ds, first, n, mu, lv, err, errlen) == 0) {
        viz_kl_per_dim(kl, mu, lv, n, L);
        status = 0;
    }
    free(mu);
    free(lv);
    return status;
}

void viz_rank_dims(int *order, const double *kl, int L) {
    for (int d = 0; d < L; d++)
        order[d] = d;
    /* insertion sort: stable, so equal KL keeps index order; L is small */
    for (int i = 1; i < L; i++) {
        int d = order[i], j = i;
        for (; j > 0 && kl[order[j - 1]] < kl[d]; j--)
            order[j] = order[j - 1];
        order[j] = d;
    }
}

void viz_interpolate(float *z, const float *a, const float *b, int L, int steps, int slerp) {
    double dot = 0, na = 0, nb = 0;
    for (int d = 0; d < L; d++) {
        dot += (double)a[d] * b[d];
        na += (double)a[d] * a[d];
        nb += (double)b[d] * b[d];
    }
    double cosw = na > 0 && nb > 0 ? dot / sqrt(na * nb) : 1.0;
    double omega = acos(cosw < -1 ? -1 : cosw > 1 ? 1 : cosw), sinw = sin(omega);
    /* (anti)parallel codes have no single great circle: fall back to the line */
    int circle = slerp && sinw > 1e-6;
    for (int j = 0; j < steps; j++) {
        double t = (double)j / (steps - 1);
        double wa = circle ? sin((1 - t) * omega) / sinw : 1 - t;
        double wb = circle ? sin(t * omega) / sinw : t;
        for (int d = 0; d < L; d++)
            z[(size_t)j * L + d] = (float)(wa * a[d] + wb * b[d]);
    }
    memcpy(z, a, (size_t)L * sizeof *z);
    memcpy(z + (size_t)(steps - 1) * L, b, (size_t)L * sizeof *z);
}
