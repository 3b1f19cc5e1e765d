/* The aggregate posterior of a trained encoder over N images, the mixture
 *     q(z) = (1/N) sum_n N(z; mu_n, diag(exp(log_var_n))),
 * and its log-density at S points: a log-sum-exp over the N Gaussians for
 * each point, S x N x L terms in all (the seed's section 6: how well the
 * encoded "marbles" fill the prior's "bell"). */
#ifndef VAEVK_VIZ_AGGREGATE_H
#define VAEVK_VIZ_AGGREGATE_H

#include <stddef.h>

#include "vaevk/train.h"

/* log_q[s] = log((1/N) sum_n exp(-0.5 sum_d [(z_sd - mu_nd)^2 exp(-log_var_nd)
 *                                            + log_var_nd + log(2 pi)]))
 * for s < S, computed on t's backend (the VAE_OP_AGGREGATE_LOG_DENSITY op,
 * in pieces that fit t's activations arena, which it overwrites as encoding
 * does; no step may be in flight). Any S and N up to 2^31 - 1: memory is
 * the arena plus 16 bytes a point on the host. 0, or -1 with one line in
 * err. */
int viz_aggregate_log_density(vae_trainer *t, const float *z, long S, const float *mu, const float *log_var,
                              long N, int L, double *log_q, char *err, size_t errlen);
// z (S, L), mu (N, L), log_var (N, L), log_q (S)

/* The same in plain C, in double: what the backend is checked against. */
void viz_aggregate_log_density_ref(const float *z, long S, const float *mu, const float *log_var, long N, int L,
                                   double *log_q);

#endif
