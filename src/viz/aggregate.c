#include "viz/aggregate.h"

#include <math.h>
#include <stdlib.h>

#define LOG_2PI 1.8378770664093453

void viz_aggregate_log_density_ref(const float *z, long S, const float *mu, const float *log_var, long N, int L,
                                   double *log_q) {
    for (long s = 0; s < S; s++) {
        const float *zs = z + (size_t)s * L;
        double best = -INFINITY, sum = 0; /* a running log-sum-exp: sum of exp(e - best) */
        for (long n = 0; n < N; n++) {
            const float *m = mu + (size_t)n * L, *lv = log_var + (size_t)n * L;
            double e = 0;
            for (int d = 0; d < L; d++) {
                double diff = (double)zs[d] - m[d];
                e += diff * diff * exp(-(double)lv[d]) + lv[d] + LOG_2PI;
            }
            e *= -0.5;
            if (e == -INFINITY)
                continue; /* no mass here: adds nothing (and exp(-inf - -inf) would be NaN) */
            if (e > best) {
                sum = sum * exp(best - e) + 1;
                best = e;
            } else {
                sum += exp(e - best);
            }
        }
        log_q[s] = best + log(sum) - log((double)N);
    }
}

/* For now on the host, whatever t's backend; the backend op replaces this. */
int viz_aggregate_log_density(vae_trainer *t, const float *z, long S, const float *mu, const float *log_var,
                              long N, int L, double *log_q, char *err, size_t errlen) {
    (void)t;
    (void)err;
    (void)errlen;
    viz_aggregate_log_density_ref(z, S, mu, log_var, N, L, log_q);
    return 0;
}
