/* The prior holes (the seed's sections 6 and 9): z drawn from the prior
 * N(0, I) where the aggregate posterior q(z) of n encoded images puts
 * little mass. Each draw is scored by log q(z) (viz/aggregate.h); the most
 * and the least covered are decoded side by side, to see whether the worst
 * samples come from the holes. */
#ifndef VAEVK_VIZ_HOLES_H
#define VAEVK_VIZ_HOLES_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/train.h"
#include "viz/canvas.h"

typedef struct {
    int count, L;
    float *z;       // (count, L): z ~ N(0, I), step VIZ_STEP_HOLES of the seed
    double *log_q;  // (count): log q(z), the aggregate posterior
    double *log_p;  // (count): log p(z), the prior
    int *order;     // (count): draws by log q, most covered first (ties: smaller index)
    double kl_pq, kl_pq_se; /* KL(p || q) = E_p[log p(z) - log q(z)]: the mean over the
                             * draws and its standard error; large when q leaves holes */
    double log_q_sd, log_p_sd; /* standard deviations over the draws: when log p varies far
                                * less than log q, the ranking is by q, not by |z| */
} viz_holes;

/* Draws and scores `count` z against the posteriors of n images, log q on
 * t's backend (t NULL: in plain C). 0, or -1 with one line in err. */
int viz_holes_score(vae_trainer *t, const float *mu, const float *log_var, int n, int L,
                    int count, uint64_t seed, viz_holes *h, char *err, size_t errlen);
// mu (n, L), log_var (n, L)

/* The `shown` most covered draws decoded in a grid of `cols`, beside the
 * `shown` least covered (each grid from the extreme inwards: the best
 * covered first, then the worst first), under their headings. 0, or -1 + err. */
int viz_holes_picture(vae_trainer *t, const viz_holes *h, int shown, int cols, viz_canvas *out,
                      char *err, size_t errlen);

void viz_holes_free(viz_holes *h);

#endif
