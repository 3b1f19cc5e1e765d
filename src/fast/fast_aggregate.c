/* The aggregate posterior's log-density (VAE_OP_AGGREGATE_LOG_DENSITY) on
 * the fast backend: the reference's direct differences, r = (z - mu)·σ⁻¹,
 * with σ⁻¹ = exp(-log_var/2) and Σ_L (log_var + log 2π) worked out once per
 * Gaussian instead of once per (point, Gaussian) pair. Points are split over
 * the threads; each thread takes its points four at a time against a tile of
 * Gaussians that stays in cache, each squared distance summed in eight float
 * lanes (so it vectorises) then added in double, and keeps a running
 * log-sum-exp per point in double. Results do not depend on the thread
 * count: every point is computed the same way wherever it runs. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fast/fast_ops.h"
#include "fast/fast_threads.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WIDE __attribute__((target_clones("avx2", "default")))
#else
#define WIDE
#endif

#define LOG_2PI 1.8378770664093453
#define LANES 8
#define ROWS 4              /* points that share each Gaussian's loads */
#define TILE_FLOATS 65536   /* mu and σ⁻¹ of a tile of Gaussians: 256 KiB */

typedef struct {
    const fast_backend *f;
    const fast_step *s;
    float *inv_sd;          /* (N,L) exp(-log_var/2) */
    double *offset;         /* (N) Σ_L (log_var + log 2π) */
    double *best, *sum;     /* (S) each point's log-sum-exp: Σ exp(e - best) */
} agg_ctx;

#define T(k) ((float *)fast_at(c->f, c->s->op.t[k]))
#define D(k) (c->s->op.d[k])

static size_t round16(size_t words) { return (words + 15) / 16 * 16; }

size_t fast_aggregate_scratch(const vae_op *op) {
    size_t S = (size_t)op->d[0], N = (size_t)op->d[1], L = (size_t)op->d[2];
    return round16(N * L) + round16(2 * N) + 2 * round16(2 * S);
}

/* σ⁻¹ and the constant part of each Gaussian's exponent, Gaussians [n0, n1). */
static void gaussians_range(void *ctx, int64_t n0, int64_t n1) {
    const agg_ctx *c = ctx;
    const float *log_var = T(3);
    const int L = D(2);
    for (int64_t n = n0; n < n1; n++) {
        const float *lv = log_var + (size_t)n * L;
        double acc = 0.0;
        for (int d = 0; d < L; d++) {
            c->inv_sd[(size_t)n * L + d] = (float)exp(-0.5 * (double)lv[d]);
            acc += (double)lv[d] + LOG_2PI;
        }
        c->offset[n] = acc;
    }
}

/* Eight floats: one AVX register where the processor has it (WIDE), two
 * SSE ones otherwise; lane k sums the terms of dimensions d = k mod 8. */
typedef float v8 __attribute__((vector_size(32)));

/* q[j] = Σ_L ((z_j - mu)·inv_sd)² for ROWS points. */
static inline void distances(double q[ROWS], const float *const z[ROWS], const float *mu,
                             const float *inv_sd, int L) {
    v8 acc[ROWS];
    for (int j = 0; j < ROWS; j++)
        acc[j] = (v8){0};
    int d = 0;
    for (; d + LANES <= L; d += LANES) {
        v8 m, w;
        memcpy(&m, mu + d, sizeof m);
        memcpy(&w, inv_sd + d, sizeof w);
        for (int j = 0; j < ROWS; j++) {
            v8 x;
            memcpy(&x, z[j] + d, sizeof x);
            v8 r = (x - m) * w;
            acc[j] += r * r;
        }
    }
    for (; d < L; d++)
        for (int j = 0; j < ROWS; j++) {
            float r = (z[j][d] - mu[d]) * inv_sd[d];
            acc[j][d % LANES] += r * r;
        }
    for (int j = 0; j < ROWS; j++) {
        double t = 0.0;
        for (int k = 0; k < LANES; k++)
            t += (double)acc[j][k];
        q[j] = t;
    }
}

/* As the reference's lse_add (src/cpu/ops_aggregate.c). */
static inline void lse_add(double *best, double *sum, double e) {
    if (e == -INFINITY)
        return;
    if (e > *best) {
        *sum = *sum * exp(*best - e) + 1.0;
        *best = e;
    } else {
        *sum += exp(e - *best);
    }
}

/* Points [ROWS·b0, ROWS·b1) against every Gaussian, a tile at a time. */
WIDE static void points_range(void *ctx, int64_t b0, int64_t b1) {
    const agg_ctx *c = ctx;
    float *out = T(0);
    const float *z = T(1), *mu = T(2);
    const int S = D(0), N = D(1), L = D(2);
    const int64_t s0 = b0 * ROWS, s1 = b1 * ROWS < S ? b1 * ROWS : S;
    for (int64_t s = s0; s < s1; s++)
        c->best[s] = -INFINITY, c->sum[s] = 0.0;
    const int tile = TILE_FLOATS / L > 0 ? TILE_FLOATS / L : 1;
    for (int n0 = 0; n0 < N; n0 += tile) {
        int n1 = n0 + tile < N ? n0 + tile : N;
        for (int64_t s = s0; s < s1; s += ROWS) {
            const float *rows[ROWS];
            for (int j = 0; j < ROWS; j++) /* past the last point: repeat it, ignore the result */
                rows[j] = z + (size_t)(s + j < s1 ? s + j : s1 - 1) * L;
            for (int n = n0; n < n1; n++) {
                double q[ROWS];
                distances(q, rows, mu + (size_t)n * L, c->inv_sd + (size_t)n * L, L);
                for (int j = 0; j < ROWS && s + j < s1; j++)
                    lse_add(&c->best[s + j], &c->sum[s + j], -0.5 * (q[j] + c->offset[n]));
            }
        }
    }
    const double log_n = log((double)N);
    for (int64_t s = s0; s < s1; s++)
        out[s] = (float)(c->best[s] + log(c->sum[s]) - log_n);
}

int fast_aggregate_log_density(fast_backend *f, const fast_step *s) {
    const int S = s->op.d[0], N = s->op.d[1], L = s->op.d[2];
    float *w = f->scratch;
    agg_ctx c = {f, s, w, NULL, NULL, NULL};
    size_t at = round16((size_t)N * L);
    c.offset = (double *)(w + at);
    at += round16(2 * (size_t)N);
    c.best = (double *)(w + at);
    at += round16(2 * (size_t)S);
    c.sum = (double *)(w + at);
    fast_parallel_for(f->pool, N, 65536 / L + 1, gaussians_range, &c);
    /* a block of points costs N·L·ROWS terms: hand off even one per thread */
    fast_parallel_for(f->pool, (S + ROWS - 1) / ROWS, 1, points_range, &c);
    return 0;
}
