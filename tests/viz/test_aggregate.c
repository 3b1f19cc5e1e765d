/* viz_aggregate_log_density on one backend (argv[1]: reference, cpu or a
 * Vulkan index) against viz_aggregate_log_density_ref, the plain C in
 * double, on random mixtures and on the extremes: tiny σ with points near
 * a Gaussian (where the expanded (z - mu)² would cancel), and points far
 * from every Gaussian (where every exp underflows unless the log-sum-exp
 * subtracts its maximum). Run on a trainer with a roomy activations arena
 * (several ops in one program) and on one so small that the Gaussians and
 * points go in many pieces; the parameters must survive both.
 *
 * The tolerance, per point s, from the float32 arithmetic of the op
 * (u = 2^-24, the unit roundoff):
 *   - each Gaussian's exponent e_n = -0.5 Σ_L t_d, t_d = r² + lv + log 2π,
 *     r = (z - mu)·exp(-lv/2): r carries the difference's rounding, the
 *     exponential's (at most an ulp, 2u) and the product's, so r² is within
 *     9u of the exact; lv + log 2π within 2u; summing L terms in any order
 *     adds at most (L - 1)u Σ|t| (Higham, Accuracy and Stability, 4.3), and
 *     forming e one more: |δe_n| <= (L + 10) u A_n with A_n = 0.5 Σ_L |t_d|;
 *   - the log-sum-exp is a weighted mean of the exponents, weights w_n =
 *     exp(e_n - log Σ exp e), so its error is Σ_n w_n (L + 10) u A_n;
 *   - the Vulkan kernel keeps its running sums in float: at most N/16 terms
 *     per invocation, each with an exponential, a product and a sum (4u),
 *     then 16 partial sums combined, a log and log N in float:
 *     u (N/4 + 64 + 2 + log N); the CPU backends' sums are double;
 *   - each op's result is rounded to float before the host adds the ops in
 *     double: an op holding share W of the mass has |o| <= |log q| + log N
 *     + |log W|, and Σ W |log W| <= (number of ops)/e <= 64/e, so
 *     u (|log q| + 2 log N + 24).
 * So tol_s = u [(L + 10) Σ_n w_n A_n + N/4 + 66 + |log q_s| + 3 log N + 24],
 * a bound on the worst case; the figure printed is the largest error's
 * share of it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/check.h"
#include "../common/device_arg.h"
#include "vaevk/device.h"
#include "vaevk/train.h"
#include "vaevk/vulkan.h"
#include "viz/aggregate.h"

#define U 0x1p-24
#define LOG_2PI 1.8378770664093453

typedef struct {
    const char *name;
    long S, N;
    int L;
    float *z, *mu, *log_var; /* (S,L), (N,L), (N,L) */
} mixture;

static double normal(uint64_t *rng) {
    double a = test_uniform(rng, 0x1p-24, 1.0), b = test_uniform(rng, 0.0, 1.0);
    return sqrt(-2.0 * log(a)) * cos(6.283185307179586 * b);
}

/* mu in [-1, 1), log_var in [lv_lo, lv_hi); points near a random Gaussian
 * (near > 0: mu + near·σ·N(0,1) per dimension) or N(0, 1) shifted by `far`. */
static mixture make(const char *name, long S, long N, int L, double lv_lo, double lv_hi, double near,
                    double far, uint64_t seed) {
    mixture m = {name, S, N, L, test_alloc((size_t)S * L * 4), test_alloc((size_t)N * L * 4),
                 test_alloc((size_t)N * L * 4)};
    uint64_t rng = seed;
    for (long i = 0; i < N * L; i++) {
        m.mu[i] = (float)test_uniform(&rng, -1.0, 1.0);
        m.log_var[i] = (float)test_uniform(&rng, lv_lo, lv_hi);
    }
    for (long s = 0; s < S; s++) {
        long n = (long)(test_next(&rng) % (uint64_t)N);
        for (int d = 0; d < L; d++) {
            size_t g = (size_t)n * L + d;
            double v = near > 0 ? m.mu[g] + near * exp(0.5 * m.log_var[g]) * normal(&rng)
                                : far + normal(&rng);
            m.z[(size_t)s * L + d] = (float)v;
        }
    }
    return m;
}

static void free_mixture(mixture *m) {
    free(m->z);
    free(m->mu);
    free(m->log_var);
}

/* The tolerance of the header comment for point s (log_q from the reference). */
static double tolerance(const mixture *m, long s, double log_q) {
    const int L = m->L;
    const float *zs = m->z + (size_t)s * L;
    double lse = log_q + log((double)m->N), weighted = 0;
    for (long n = 0; n < m->N; n++) {
        const float *mu = m->mu + (size_t)n * L, *lv = m->log_var + (size_t)n * L;
        double e = 0, a = 0;
        for (int d = 0; d < L; d++) {
            double r = ((double)zs[d] - mu[d]) * exp(-0.5 * (double)lv[d]);
            e += r * r + lv[d] + LOG_2PI;
            a += r * r + fabs(lv[d] + LOG_2PI);
        }
        weighted += exp(-0.5 * e - lse) * 0.5 * a;
    }
    double log_n = log((double)m->N);
    return U * ((L + 10) * weighted + m->N / 4.0 + 66 + fabs(log_q) + 3 * log_n + 24);
}

static void check_mixture(vae_trainer *t, const char *trainer, const mixture *m) {
    double *ref = test_alloc((size_t)m->S * sizeof *ref), *got = test_alloc((size_t)m->S * sizeof *got);
    char err[512];
    viz_aggregate_log_density_ref(m->z, m->S, m->mu, m->log_var, m->N, m->L, ref);
    int rc = viz_aggregate_log_density(t, m->z, m->S, m->mu, m->log_var, m->N, m->L, got, err, sizeof err);
    if (rc != 0) {
        CHECK(0, "%s, %s: %s", trainer, m->name, err);
    } else {
        double worst = 0, worst_err = 0, lo = INFINITY, hi = -INFINITY;
        for (long s = 0; s < m->S; s++) {
            double e = fabs(got[s] - ref[s]), share = e / tolerance(m, s, ref[s]);
            if (!(share <= worst)) /* NaN too */
                worst = share, worst_err = e;
            lo = ref[s] < lo ? ref[s] : lo;
            hi = ref[s] > hi ? ref[s] : hi;
        }
        CHECK(worst <= 1.0, "%s, %s (S=%ld N=%ld L=%d, log q in [%.4g, %.4g]): worst error %.3g = %.3f of "
              "its tolerance", trainer, m->name, m->S, m->N, m->L, lo, hi, worst_err, worst);
    }
    free(ref);
    free(got);
}

/* The parameters before and after: the op's tensors live in ACTS only. */
static float *params_of(vae_trainer *t) {
    float *p = test_alloc((size_t)t->lay.params_all.count * 4);
    if (vae_trainer_get_state(t, p, NULL, NULL) != 0)
        CHECK(0, "reading the parameters: %s", t->be->error);
    return p;
}

static void run_trainer(vae_backend *be, const char *what, const int channels[VAE_LEVELS], int batch,
                        mixture *cases, int count) {
    vae_config cfg = {{channels[0], channels[1], channels[2], channels[3]}, 8};
    vae_trainer t;
    if (vae_trainer_init(&t, be, &cfg, batch, 5, 1e-3f, 0, VAE_PRECISION_FP32) != 0) {
        CHECK(0, "a trainer (%s) on %s: %s", what, be->name, be->error);
        return;
    }
    printf("trainer %s: activations arena of %u words\n", what, t.lay.arena_words[VAE_ARENA_ACTS]);
    float *before = params_of(&t);
    for (int i = 0; i < count; i++)
        check_mixture(&t, what, &cases[i]);
    float *after = params_of(&t);
    CHECK(memcmp(before, after, (size_t)t.lay.params_all.count * 4) == 0,
          "%s: the parameters are as they were", what);
    free(before);
    free(after);
    vae_trainer_free(&t);
}

int main(int argc, char **argv) {
    int exit_code = 0;
    vae_device dev;
    vae_backend *be = test_open_device_arg(argc, argv, "test_aggregate", &dev, &exit_code);
    if (!be)
        return exit_code;
    /* sized for lavapipe: about 2·10^6 terms a case */
    mixture cases[] = {
        make("random", 300, 500, 13, -2.0, 1.0, 0, 0, 1),
        make("tiny sigma, near a Gaussian", 200, 300, 16, -24.0, -16.0, 2.0, 0, 2),
        make("far points", 100, 700, 24, -1.0, 1.0, 0, 60.0, 3),
        make("one point, one Gaussian", 1, 1, 1, -1.0, 1.0, 0, 0, 4),
        make("L = 128", 37, 150, 128, -3.0, 3.0, 1.0, 0, 5),
        make("more Gaussians than one op takes", 50, 4500, 8, -2.0, 1.0, 1.0, 0, 6),
        make("more points than one chunk takes", 9000, 20, 4, -2.0, 1.0, 0, 0, 7),
        /* on the small trainer, not even one op of 1500 fits: ops of 512 */
        make("Gaussians in smaller ops", 40, 1500, 48, -2.0, 1.0, 1.0, 0, 8),
    };
    const int count = (int)(sizeof cases / sizeof cases[0]);
    const int roomy[VAE_LEVELS] = {8, 8, 8, 8}, tiny[VAE_LEVELS] = {1, 1, 1, 1};
    run_trainer(be, "batch 16", roomy, 16, cases, count);
    /* 73280 words of activations: the last three cases in pieces */
    run_trainer(be, "batch 1, one channel", tiny, 1, cases, count);
    for (int i = 0; i < count; i++)
        free_mixture(&cases[i]);
    be->vt->destroy(be);
    if (dev.kind == VAE_DEVICE_VULKAN) {
        const char *on = getenv("VAEVK_VALIDATION");
        CHECK(vae_vk_validation_messages() == 0, "validation layer %s: %d warnings/errors",
              on && strcmp(on, "1") == 0 ? "on" : "off", vae_vk_validation_messages());
    }
    return failures ? 1 : 0;
}
