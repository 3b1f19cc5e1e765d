/* The held-out likelihood VAE papers report, in nats per image: the ELBO
 * and the importance-weighted bound (Burda et al.) of log p(x),
 *     log p(x) >= IWAE_k = E[log (1/k) sum_i p(x|z_i) p(z_i) / q(z_i|x)],  z_i ~ q(z|x),
 * IWAE_1 = the ELBO in expectation, non-decreasing in k, log p(x) as k grows.
 * p(x|z) is the Gaussian decoder that the loss's summed squared error
 * implies: N(x; x_hat(z), sigma^2 I) over the D = 64 x 64 x 3 values in
 * [-1, 1] with sigma^2 = 1/2, so
 *     -log p(x|z) = sum (x - x_hat)^2 + (D/2) log pi,
 * the squared error plus a constant of 7033.2 nats, and the loss (recon +
 * KL at beta = 1) is -ELBO - (D/2) log pi. x is the pixels as the model sees
 * them (byte / 127.5 - 1), a density over continuous values: only
 * differences between these bounds, and between models, mean anything. */
#ifndef VAEVK_VIZ_IWAE_H
#define VAEVK_VIZ_IWAE_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/dataset.h"
#include "vaevk/train.h"

#define VIZ_DECODER_VAR 0.5 /* sigma^2 of p(x|z) */
#define VIZ_IWAE_MAX_K 8    /* values of k at most */

typedef struct {
    int n;        /* images */
    int draws;    /* z per image: the largest k */
    int nk, k[VIZ_IWAE_MAX_K];
    double log_px_const; /* (D/2) log(2 pi sigma^2): -log p(x|z) = sse / (2 sigma^2) + this */
    double recon;        /* mean squared error summed over pixels, z ~ q: the loss's recon term */
    double kl;           /* mean closed-form KL: the loss's KL term */
    double elbo, elbo_se; /* mean over the images of E_q[log p(x|z)] - KL (Monte Carlo in
                           * the first part only, as the loss), and its standard error */
    double bound[VIZ_IWAE_MAX_K]; /* IWAE_k for k[j]: the draws of each image split into
                                   * draws / k groups of k, the groups' bounds averaged */
    double bound_se[VIZ_IWAE_MAX_K]; /* from the spread of the groups; NaN with one group */
    double k1_gap_se; /* standard error of IWAE_1 - ELBO, which is 0 in expectation */
} viz_iwae;

/* Checks k[0..nk): 1 <= k <= 4096, increasing, each dividing the largest
 * (so the groups of a smaller k nest in those of a larger, and the bounds
 * can only grow with k). 0, or -1 + err. */
int viz_iwae_check_k(const int *k, int nk, char *err, size_t errlen);

/* The bounds from numbers: for image i and draw j,
 *     log_w = log p(x_i|z_ij) + log p(z_ij) - log q(z_ij|x_i),
 * log_px = log p(x_i|z_ij), sse = its squared error, and kl the image's
 * closed-form KL. Fills every field of out but log_px_const. 0 or -1 + err. */
int viz_iwae_from_weights(const double *log_w, const double *log_px, const double *sse,
                          const double *kl, int n, int draws, const int *k, int nk,
                          viz_iwae *out, char *err, size_t errlen);
// log_w (n, draws), log_px (n, draws), sse (n, draws), kl (n)

/* The bounds of a model on n images: draws at step VIZ_STEP_IWAE of seed,
 * decoded on t's backend in chunks of its batch; fn (may be NULL) hears
 * of each chunk. 0, or -1 with one line in err. */
int viz_iwae_bounds(vae_trainer *t, const uint8_t *pixels, int n, const int *k, int nk,
                    uint64_t seed, vae_progress_fn fn, void *ctx, viz_iwae *out, char *err,
                    size_t errlen);
// pixels (n, 64, 64, 3)

#endif
