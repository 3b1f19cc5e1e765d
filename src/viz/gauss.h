/* Diagonal Gaussians in the latent space, in double: the log-density of a
 * posterior q(z|x) = N(mu, diag(exp(log_var))) and of the prior N(0, I),
 * the closed-form KL between them, and draws from a posterior. What the
 * model's analysis (viz/analysis.h) is built from. */
#ifndef VAEVK_VIZ_GAUSS_H
#define VAEVK_VIZ_GAUSS_H

#include <stdint.h>

#define VIZ_LOG_2PI 1.8378770664093453

/* Which draws of the ANALYSIS stream each part of the analysis takes (the
 * step of vae_rng_normal), so no two parts share a number. */
enum {
    VIZ_STEP_HOLES = 0, /* z ~ N(0, I) scored for the prior holes */
    VIZ_STEP_IWAE = 1,  /* z ~ q(z|x) for the ELBO and the importance-weighted bounds */
    VIZ_STEP_KL = 2,    /* + repeat: z ~ q(z|x) for the KL decomposition */
};

/* log N(z; mu, diag(exp(log_var))) = -1/2 sum_d [(z - mu)^2 exp(-log_var) + log_var + log 2 pi],
 * summed in the order viz_aggregate_log_density_ref sums each component, so
 * an image's own term in log q(z) and its log q(z|x) agree to rounding. */
double viz_log_posterior(const float *z, const float *mu, const float *log_var, int L);
// z (L), mu (L), log_var (L)

/* log N(z; 0, I) = -1/2 sum_d (z^2 + log 2 pi). */
double viz_log_prior(const float *z, int L);

/* KL(N(mu, diag(exp(log_var))) || N(0, I)) = -1/2 sum_d (1 + log_var - mu^2 - exp(log_var)),
 * the term the loss charges for one image. */
double viz_kl_closed_form(const float *mu, const float *log_var, int L);

/* count draws z_m = mu + exp(log_var / 2) eps, in float as the model's
 * reparameterisation computes them, eps_{m,d} the normal of index
 * first + m L + d at `step` of the ANALYSIS stream of seed. */
void viz_draw_posterior(float *z, const float *mu, const float *log_var, int count, int L,
                        uint64_t seed, uint32_t step, uint32_t first);
// z (count, L), mu (L), log_var (L)

/* Whether the draws of images x draws_each x L numbers fit the generator's
 * 32-bit index: 1 or 0. */
int viz_draws_fit(long images, long draws_each, int L);

#endif
