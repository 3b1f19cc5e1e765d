/* bench_coopmat's operands, CPU reference and check (bench_coopmat.c says
 * what is checked and why the bound is K·2^-23·Σ|ab|). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bench_coopmat.h"
#include "vaevk/half.h"
#include "vaevk/rng.h"

vk_coopmat_push bench_push(const bench_case *c) {
    if (c->transposed)
        return (vk_coopmat_push){c->M, c->N, c->K, 1, c->M, 1, c->K, 1, c->M, c->K, 0};
    return (vk_coopmat_push){c->M, c->N, c->K, c->K, 1, c->N, 1, c->N, 1, c->K, 0};
}

static float operand(const bench_case *c, uint32_t which, uint32_t i) {
    uint32_t step = c->M * 31u + c->N * 17u + c->K + which; /* other sizes, other values */
    return c->scale * (2.0f * vae_rng_uniform(9, VAE_STREAM_TEST, step, i) - 1.0f);
}

void bench_operands(const bench_case *c, float *a, float *b) {
    vk_coopmat_push p = bench_push(c);
    for (uint32_t m = 0; m < c->M; m++)
        for (uint32_t k = 0; k < c->K; k++)
            a[m * p.a_m + k * p.a_k] = operand(c, 0, m * c->K + k);
    for (uint32_t k = 0; k < c->K; k++)
        for (uint32_t n = 0; n < c->N; n++)
            b[k * p.b_k + n * p.b_n] = operand(c, 1, k * c->N + n);
}

typedef struct {
    const bench_case *c;
    const float *ar, *bt; /* (M, K) and (N, K): the operands rounded to halves */
    const float *got;
    uint32_t m0, m1;
    bench_verdict v;
    double err2, ref2;
} part;

/* One output: the rounded operands' product and Σ|a·b| in double. */
static void reference(const float *a_row, const float *b_row, uint32_t K, double *sum, double *abs_sum) {
    double s = 0, t = 0;
    for (uint32_t k = 0; k < K; k++) {
        double p = (double)a_row[k] * (double)b_row[k];
        s += p;
        t += fabs(p);
    }
    *sum = s, *abs_sum = t;
}

static void judge(part *pt, uint32_t m, uint32_t n, double want, double abs_sum) {
    const bench_case *c = pt->c;
    vk_coopmat_push p = bench_push(c);
    double got = pt->got[(size_t)m * p.c_m + (size_t)n * p.c_n];
    double diff = fabs(got - want), bound = (double)c->K * 0x1p-23 * abs_sum;
    double ratio = diff == 0 ? 0 : bound > 0 ? diff / bound : INFINITY;
    if (isnan(got))
        ratio = INFINITY;
    if (ratio > pt->v.worst_ratio)
        pt->v.worst_ratio = ratio;
    pt->err2 += isnan(got) ? 0 : diff * diff;
    pt->ref2 += want * want;
    if (ratio > 1 && pt->v.bad++ == 0)
        pt->v.first = (uint64_t)m * c->N + n, pt->v.got = got, pt->v.want = want;
}

static void *check_rows(void *arg) {
    part *pt = arg;
    uint32_t K = pt->c->K;
    for (uint32_t m = pt->m0; m < pt->m1; m++)
        for (uint32_t n = 0; n < pt->c->N; n++) {
            double sum, abs_sum;
            reference(pt->ar + (size_t)m * K, pt->bt + (size_t)n * K, K, &sum, &abs_sum);
            judge(pt, m, n, sum, abs_sum);
        }
    return NULL;
}

/* The operands rounded to halves, A as (M, K) and B transposed to (N, K),
 * so every reference sum walks two contiguous rows. */
static void rounded(const bench_case *c, const float *a, const float *b, float *ar, float *bt) {
    vk_coopmat_push p = bench_push(c);
    for (uint32_t m = 0; m < c->M; m++)
        for (uint32_t k = 0; k < c->K; k++)
            ar[(size_t)m * c->K + k] = vae_round_f16(a[(size_t)m * p.a_m + (size_t)k * p.a_k]);
    for (uint32_t n = 0; n < c->N; n++)
        for (uint32_t k = 0; k < c->K; k++)
            bt[(size_t)n * c->K + k] = vae_round_f16(b[(size_t)k * p.b_k + (size_t)n * p.b_n]);
}

void bench_check(const bench_case *c, const float *a, const float *b, const float *got, int threads,
                 bench_verdict *v) {
    memset(v, 0, sizeof *v);
    size_t words_c = (size_t)c->M * c->N;
    v->guard_ok = 1;
    for (uint32_t g = 0; g < GUARD; g++)
        v->guard_ok &= got[words_c + g] == GUARD_VALUE;
    float *ar = malloc(((size_t)c->M * c->K + 1) * sizeof *ar), *bt = malloc(((size_t)c->N * c->K + 1) * sizeof *bt);
    part *parts = calloc((size_t)threads, sizeof *parts);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    char *started = calloc((size_t)threads, 1);
    if (!ar || !bt || !parts || !ids || !started) {
        v->bad = words_c ? words_c : 1; /* cannot check: counts as failed */
        free(ar), free(bt), free(parts), free(ids), free(started);
        return;
    }
    rounded(c, a, b, ar, bt);
    double err2 = 0, ref2 = 0;
    for (int t = 0; t < threads; t++) {
        parts[t] = (part){c, ar, bt, got, (uint32_t)((uint64_t)c->M * t / threads),
                          (uint32_t)((uint64_t)c->M * (t + 1) / threads), {0}, 0, 0};
        started[t] = pthread_create(&ids[t], NULL, check_rows, &parts[t]) == 0;
        if (!started[t])
            check_rows(&parts[t]);
    }
    for (int t = 0; t < threads; t++) {
        if (started[t])
            pthread_join(ids[t], NULL);
        const bench_verdict *pv = &parts[t].v;
        if (pv->bad && (v->bad == 0 || pv->first < v->first))
            v->first = pv->first, v->got = pv->got, v->want = pv->want;
        v->bad += pv->bad;
        v->worst_ratio = pv->worst_ratio > v->worst_ratio ? pv->worst_ratio : v->worst_ratio;
        err2 += parts[t].err2, ref2 += parts[t].ref2;
    }
    v->nmse = ref2 > 0 ? err2 / ref2 : err2;
    free(ar), free(bt), free(parts), free(ids), free(started);
}

/* x rounded to a half as `how` says (bench_simulate). */
static float half_as(float x, bench_sim how) {
    if (how == SIM_UNROUNDED)
        return x;
    float r = vae_round_f16(x);
    if (how == SIM_TRUNCATED && fabsf(r) > fabsf(x))
        r = vae_f16_value((uint16_t)(vae_f16_bits(x) - 1)); /* one half nearer zero */
    if (how == SIM_FLUSHED && fabsf(r) < 0x1p-14f)
        r = 0;
    return r;
}

void bench_simulate(const bench_case *c, const float *a, const float *b, float *got, bench_sim how) {
    vk_coopmat_push p = bench_push(c);
    for (uint32_t m = 0; m < c->M; m++)
        for (uint32_t n = 0; n < c->N; n++) {
            float s = 0;
            for (uint32_t k = 0; k < c->K; k++)
                s += half_as(a[(size_t)m * p.a_m + (size_t)k * p.a_k], how) *
                     half_as(b[(size_t)k * p.b_k + (size_t)n * p.b_n], how);
            got[(size_t)m * p.c_m + (size_t)n * p.c_n] = s;
        }
    size_t words = (size_t)c->M * c->N;
    for (uint32_t g = 0; g < GUARD; g++)
        got[words + g] = GUARD_VALUE;
    if (how == SIM_ONE_UNWRITTEN)
        got[words / 2] = NAN;
    if (how == SIM_PAST_THE_END)
        got[words + 3] = 0;
}
