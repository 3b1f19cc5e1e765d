/* The KL term, decomposed (the seed's section 6). Over n images x_1..x_n
 * with posteriors q(z|x_n), and x uniform over them,
 *     E_x[KL(q(z|x) || p)] = I(x; z) + KL(q(z) || p),
 * q(z) = (1/n) sum_n q(z|x_n) the aggregate posterior, p = N(0, I).
 * The left side is the loss's KL term in closed form. The right side's two
 * parts are estimated by Monte Carlo: z drawn from each q(z|x_n), M per
 * image, and
 *     I        = mean over the draws of log q(z|x) - log q(z)
 *     KL(q||p) = mean over the draws of log q(z)   - log p(z)
 * with log q(z) a log-sum-exp over the n Gaussians
 * (viz_aggregate_log_density). Both are unbiased for this finite mixture.
 * Since q(z) includes each draw's own Gaussian, I <= log n; taken as the
 * mutual information of the whole data distribution, I is a lower bound in
 * expectation (the InfoNCE bound) and KL(q||p) an upper one: near log n the
 * posteriors barely overlap, and more images would show a larger I. Their
 * sum is mean[log q(z|x) - log p(z)] (log q(z) cancels), a Monte Carlo
 * estimate of the closed form: the identity holds when the two agree
 * within the estimate's standard error. */
#ifndef VAEVK_VIZ_KL_DECOMPOSE_H
#define VAEVK_VIZ_KL_DECOMPOSE_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/dataset.h"
#include "vaevk/train.h"

/* A Monte Carlo figure from R repeats of M draws per image. */
typedef struct {
    double mean;   /* over every draw */
    double spread; /* standard deviation of the R repeats' means (NaN when R < 2) */
    double se;     /* standard error of mean, from the variance of each image's M R
                    * draws: sqrt(sum_n var_n / (M R)) / n (NaN when M R < 2) */
} viz_mc;

typedef struct {
    int n, samples, repeats;
    double kl;       /* closed-form mean per-image KL, nats: the loss's term */
    viz_mc mi;       /* I(x; z) */
    viz_mc agg_kl;   /* KL(q(z) || p) */
    viz_mc sum;      /* mi + agg_kl: the Monte Carlo estimate of kl */
    double log_n;    /* the ceiling of I */
} viz_kl_split;

/* The decomposition of n posteriors, `samples` draws per image in each of
 * `repeats` repeats (draws at step VIZ_STEP_KL + repeat of seed). log q(z)
 * on t's backend, or in plain C when t is NULL. fn (may be NULL) hears of
 * each repeat. 0, or -1 with one line in err. */
int viz_kl_decompose(vae_trainer *t, const float *mu, const float *log_var, int n, int L,
                     int samples, int repeats, uint64_t seed, vae_progress_fn fn, void *ctx,
                     viz_kl_split *out, char *err, size_t errlen);
// mu (n, L), log_var (n, L)

/* |sum - kl| <= 3 standard errors: 1 or 0. */
int viz_kl_identity_holds(const viz_kl_split *s);

#endif
