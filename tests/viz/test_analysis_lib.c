/* The model's analysis on constructed posteriors, where the answers are
 * known: the KL decomposition (posteriors equal to the prior: I = 0 and
 * KL(q(z)||p) = 0; identical posteriors: I = 0; far-apart points: I = log N;
 * two overlapping Gaussians: I by numerical integration; the identity on
 * random posteriors), active units, the importance-weighted bounds from
 * given weights, the prior holes' ranking and the marbles SVG. log q(z) is
 * the plain-C viz_aggregate_log_density_ref (t = NULL). */
#include <math.h>
#include <string.h>

#include "../common/check.h"
#include "viz/analysis.h"
#include "viz/gauss.h"
#include "viz/holes.h"
#include "viz/iwae.h"
#include "viz/kl_decompose.h"
#include "viz/marbles.h"

/* Rounding only: each draw's terms are sums of L log-densities of order 10
 * in double (about 1e-14 each); 1e-9 is far above that and far below any
 * real error. */
#define ROUNDING 1e-9

static viz_kl_split decompose(const float *mu, const float *lv, int n, int L, int M, int R) {
    viz_kl_split s = {0};
    char err[300];
    if (viz_kl_decompose(NULL, mu, lv, n, L, M, R, 7, NULL, NULL, &s, err, sizeof err) != 0) {
        printf("FAIL  viz_kl_decompose: %s\n", err);
        failures++;
    }
    return s;
}

/* |estimate - want| within 3 of its standard errors, or rounding. */
static int within(viz_mc e, double want) {
    return fabs(e.mean - want) <= fmax(3 * e.se, ROUNDING);
}

static void test_prior_posteriors(void) {
    enum { N = 64, L = 8 };
    float *mu = test_alloc(N * L * sizeof *mu), *lv = test_alloc(N * L * sizeof *lv); /* zeros */
    viz_kl_split s = decompose(mu, lv, N, L, 4, 3);
    CHECK(within(s.mi, 0) && within(s.agg_kl, 0) && fabs(s.kl) <= ROUNDING,
          "posteriors equal to the prior: I = %.2g ± %.2g, KL(q(z)||p) = %.2g ± %.2g, closed-form "
          "KL %.2g (all 0 within 3 standard errors or %g)", s.mi.mean, s.mi.se, s.agg_kl.mean,
          s.agg_kl.se, s.kl, ROUNDING);
    /* every posterior N(m, s^2), not the prior: q(z) is that one Gaussian */
    for (int i = 0; i < N * L; i++) {
        mu[i] = 0.5f + 0.25f * (i % L);
        lv[i] = -1.0f;
    }
    s = decompose(mu, lv, N, L, 40, 3);
    CHECK(within(s.mi, 0) && within(s.agg_kl, s.kl),
          "identical posteriors N(m, e^-1): I = %.2g ± %.2g (0), KL(q(z)||p) = %.4f ± %.2g = the "
          "closed form %.4f", s.mi.mean, s.mi.se, s.agg_kl.mean, s.agg_kl.se, s.kl);
    free(mu);
    free(lv);
}

static void test_far_apart(void) {
    enum { N = 32, L = 4 };
    float mu[N * L], lv[N * L];
    for (int i = 0; i < N; i++)
        for (int d = 0; d < L; d++) { /* 100 apart, sigma 0.01: the others' terms are exp(-5e7) */
            mu[i * L + d] = 100.0f * i * (d % 2 ? -1 : 1);
            lv[i * L + d] = logf(1e-4f);
        }
    viz_kl_split s = decompose(mu, lv, N, L, 8, 3);
    CHECK(within(s.mi, log(N)) && within(s.agg_kl, s.kl - log(N)) && s.log_n == log(N),
          "far-apart points: I = %.10f ± %.2g = log N = %.10f; KL(q(z)||p) = %.4f = KL - log N "
          "= %.4f", s.mi.mean, s.mi.se, log(N), s.agg_kl.mean, s.kl - log(N));
}

/* Two posteriors N(+a, 1) and N(-a, 1) in one dimension: I by the
 * trapezoid rule, I = int N(z; a, 1) [log N(z; a, 1) - log q(z)] dz. */
static double two_gaussians_mi(double a) {
    double h = 1e-3, sum = 0;
    for (double z = -a - 15; z <= a + 15; z += h) {
        double lp = -0.5 * (z - a) * (z - a) - 0.5 * VIZ_LOG_2PI;
        double lm = -0.5 * (z + a) * (z + a) - 0.5 * VIZ_LOG_2PI;
        double lq = fmax(lp, lm) + log(0.5 * (exp(lp - fmax(lp, lm)) + exp(lm - fmax(lp, lm))));
        sum += exp(lp) * (lp - lq) * h;
    }
    return sum;
}

static void test_overlapping(void) {
    const float a = 1.0f;
    float mu[2] = {a, -a}, lv[2] = {0, 0};
    double want = two_gaussians_mi(a);
    viz_kl_split s = decompose(mu, lv, 2, 1, 20000, 3);
    CHECK(within(s.mi, want) && within(s.agg_kl, a * a / 2 - want) && s.mi.se < 0.01,
          "N(+-1, 1): I = %.4f ± %.4f, by integration %.4f; KL(q(z)||p) = %.4f ± %.4f, want "
          "a^2/2 - I = %.4f", s.mi.mean, s.mi.se, want, s.agg_kl.mean, s.agg_kl.se,
          a * a / 2 - want);
}

static void test_identity(void) {
    enum { N = 50, L = 5 };
    float mu[N * L], lv[N * L];
    uint64_t seed = 12;
    for (int i = 0; i < N * L; i++) {
        mu[i] = (float)test_uniform(&seed, -2, 2);
        lv[i] = (float)test_uniform(&seed, -3, 0.5);
    }
    viz_kl_split s = decompose(mu, lv, N, L, 50, 4);
    CHECK(viz_kl_identity_holds(&s) && s.mi.mean <= s.log_n + ROUNDING && s.mi.mean > 0,
          "random posteriors: I %.4f (<= log N %.4f) + KL(q(z)||p) %.4f = %.4f ± %.4f, closed "
          "form %.4f: %.1f standard errors (within 3)", s.mi.mean, s.log_n, s.agg_kl.mean,
          s.sum.mean, s.sum.se, s.kl, (s.sum.mean - s.kl) / s.sum.se);
    CHECK(s.sum.spread > 0 && s.sum.spread < 10 * s.sum.se * sqrt(s.repeats),
          "the spread of the %d repeats (%.3g) is of the size the standard error predicts "
          "(%.3g per repeat)", s.repeats, s.sum.spread, s.sum.se * sqrt(s.repeats));
    viz_kl_split off = s;
    off.sum.mean = s.kl + 3.5 * s.sum.se;
    CHECK(!viz_kl_identity_holds(&off), "a sum 3.5 standard errors off the closed form fails "
          "the identity check");
    char err[200];
    CHECK(viz_kl_decompose(NULL, mu, lv, N, L, 0, 2, 1, NULL, NULL, &s, err, sizeof err) == -1 &&
          strstr(err, "draws"), "no draws is refused: %s", err);
}

static void test_active_units(void) {
    enum { N = 4, L = 4 };
    const float mu[N * L] = {5, 0.05f, 0.2f, 1, 5, -0.05f, -0.2f, -1, 5, 0.05f, 0.2f, 1,
                             5, -0.05f, -0.2f, -1};
    double var[L];
    viz_mu_variance(var, mu, N, L);
    double want[L] = {0, 0.0025, 0.04, 1};
    int close = 1;
    for (int d = 0; d < L; d++) /* float inputs: about 1e-8 relative */
        close &= fabs(var[d] - want[d]) <= 1e-6 * fmax(want[d], 1e-3);
    CHECK(close && viz_count_active(var, L) == 2,
          "variance of mu over images [%g %g %g %g] (want 0 0.0025 0.04 1): %d active above %g "
          "(want 2)", var[0], var[1], var[2], var[3], viz_count_active(var, L), VIZ_ACTIVE_VAR);
}

static void test_iwae_weights(void) {
    char err[300];
    viz_iwae w = {0};
    double lw[2] = {0, log(3.0)}, px[2] = {-1, -2}, sse[2] = {1, 2}, kl[1] = {0.5};
    int k12[2] = {1, 2};
    int ok = viz_iwae_from_weights(lw, px, sse, kl, 1, 2, k12, 2, &w, err, sizeof err) == 0;
    CHECK(ok && fabs(w.bound[0] - log(3.0) / 2) < 1e-15 && fabs(w.bound[1] - log(2.0)) < 1e-15 &&
          fabs(w.elbo - (-1.5 - 0.5)) < 1e-15 && w.recon == 1.5 && w.kl == 0.5,
          "weights 1 and 3: IWAE_1 = log(3)/2 = %.6f, IWAE_2 = log 2 = %.6f; ELBO = mean "
          "log p(x|z) - KL = %.3f (want -2)", w.bound[0], w.bound[1], w.elbo);
    enum { N = 5, DRAWS = 64 };
    double LW[N * DRAWS], PX[N * DRAWS], SSE[N * DRAWS], KL[N];
    uint64_t seed = 3;
    for (int i = 0; i < N * DRAWS; i++) {
        LW[i] = test_uniform(&seed, -30, 0) - 1000 * (i / DRAWS);
        PX[i] = LW[i] + 2; /* so that log w = log p(x|z) - KL */
        SSE[i] = -PX[i];
    }
    for (int i = 0; i < N; i++)
        KL[i] = 2;
    int ks[4] = {1, 2, 8, 64}, rising = 1;
    ok = viz_iwae_from_weights(LW, PX, SSE, KL, N, DRAWS, ks, 4, &w, err, sizeof err) == 0;
    for (int j = 1; j < 4; j++) /* Jensen on nested groups: exact, up to rounding */
        rising &= w.bound[j] >= w.bound[j - 1] - 1e-12 * fabs(w.bound[j]);
    CHECK(ok && rising && fabs(w.bound[0] - w.elbo) < 1e-9 && isnan(w.bound_se[3]) &&
          w.bound_se[0] > 0, "random weights: IWAE_1,2,8,64 = %.3f %.3f %.3f %.3f non-decreasing; "
          "IWAE_1 = the ELBO %.3f when log w = log p(x|z) - KL; one group of 64: no error",
          w.bound[0], w.bound[1], w.bound[2], w.bound[3], w.elbo);
    int bad[3][3] = {{1, 3, 8}, {8, 1, 0}, {0, 1, 2}};
    int refused = 0;
    for (int b = 0; b < 3; b++)
        refused += viz_iwae_check_k(bad[b], b == 1 ? 2 : 3, err, sizeof err) == -1;
    CHECK(refused == 3, "k = 1,3,8 (3 does not divide 8), 8,1 and 0,1,2 refused: %d of 3 (%s)",
          refused, err);
}

static void test_holes(void) {
    enum { N = 1, L = 6, COUNT = 256 };
    float mu[N * L] = {0}, lv[N * L];
    for (int d = 0; d < L; d++)
        lv[d] = logf(0.01f); /* q(z) = N(0, 0.01 I): log q falls with |z| */
    viz_holes h;
    char err[300];
    int ok = viz_holes_score(NULL, mu, lv, N, L, COUNT, 5, &h, err, sizeof err) == 0, sorted = 1;
    for (int i = 1; ok && i < COUNT; i++) {
        double r0 = 0, r1 = 0;
        for (int d = 0; d < L; d++) {
            r0 += h.z[h.order[i - 1] * L + d] * h.z[h.order[i - 1] * L + d];
            r1 += h.z[h.order[i] * L + d] * h.z[h.order[i] * L + d];
        }
        sorted &= h.log_q[h.order[i]] <= h.log_q[h.order[i - 1]] && r1 >= r0 * (1 - 1e-6);
    }
    CHECK(ok && sorted, "q = N(0, 0.01 I): %d prior draws ranked most covered first, which is "
          "nearest the origin first", COUNT);
    double kl_pq = 0; /* KL(N(0, I) || N(0, s^2 I)) = L/2 (1/s^2 - 1 + log s^2) */
    kl_pq = L / 2.0 * (1 / 0.01 - 1 + log(0.01));
    CHECK(ok && fabs(h.kl_pq - kl_pq) <= 3 * h.kl_pq_se,
          "KL(p || q) = %.2f ± %.2f, closed form %.2f", h.kl_pq, h.kl_pq_se, kl_pq);
    viz_holes_free(&h);
}

static int count(const char *s, const char *what) {
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p++)
        n++;
    return n;
}

static void test_marbles(void) {
    enum { N = 5, L = 3 };
    float mu[N * L], lv[N * L];
    for (int i = 0; i < N * L; i++) {
        mu[i] = 0.5f * (i % 7) - 1.5f;
        lv[i] = -2.0f;
    }
    strbuf b = {0};
    viz_marbles_svg(&b, "svg-test", mu, lv, N, L, 2, 0, 1.5, 0.25, 400);
    CHECK(b.data && count(b.data, "<ellipse") == N && count(b.data, "<circle") == 3 &&
          count(b.data, "<svg") == 1 && count(b.data, "</svg>") == 1 && strstr(b.data, "z2 (KL 1.50") &&
          strstr(b.data, "z0 (KL 0.25"), "marbles: one ellipse per image (%d), three prior circles, "
          "axes named by dimension and KL", b.data ? count(b.data, "<ellipse") : 0);
    sb_free(&b);
}

int main(void) {
    test_prior_posteriors();
    test_far_apart();
    test_overlapping();
    test_identity();
    test_active_units();
    test_iwae_weights();
    test_holes();
    test_marbles();
    printf("%s\n", failures ? "FAILED" : "all analysis library checks passed");
    return failures ? 1 : 0;
}
