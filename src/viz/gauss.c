#include "viz/gauss.h"

#include <math.h>

#include "vaevk/rng.h"

double viz_log_posterior(const float *z, const float *mu, const float *log_var, int L) {
    double e = 0;
    for (int d = 0; d < L; d++) {
        double diff = (double)z[d] - mu[d];
        e += diff * diff * exp(-(double)log_var[d]) + log_var[d] + VIZ_LOG_2PI;
    }
    return -0.5 * e;
}

double viz_log_prior(const float *z, int L) {
    double e = 0;
    for (int d = 0; d < L; d++)
        e += (double)z[d] * z[d] + VIZ_LOG_2PI;
    return -0.5 * e;
}

double viz_kl_closed_form(const float *mu, const float *log_var, int L) {
    double kl = 0;
    for (int d = 0; d < L; d++) {
        double m = mu[d], lv = log_var[d];
        kl += -0.5 * (1.0 + lv - m * m - exp(lv));
    }
    return kl;
}

void viz_draw_posterior(float *z, const float *mu, const float *log_var, int count, int L,
                        uint64_t seed, uint32_t step, uint32_t first) {
    for (int m = 0; m < count; m++)
        for (int d = 0; d < L; d++) {
            float eps = vae_rng_normal(seed, VAE_STREAM_ANALYSIS, step, first + (uint32_t)m * (uint32_t)L + (uint32_t)d);
            z[(long)m * L + d] = mu[d] + expf(0.5f * log_var[d]) * eps;
        }
}

int viz_draws_fit(long images, long draws_each, int L) {
    return images >= 0 && draws_each >= 0 && L > 0 &&
           (double)images * draws_each * L <= 4294967296.0;
}
