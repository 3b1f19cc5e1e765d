/* The reductions on the fast backend, summed in double as the reference
 * does. Each result's sum runs in a fixed order whatever the thread count:
 * a bias gradient sums each (image, channel) row on one thread (in four
 * interleaved partial sums, so it vectorises), then the rows of a channel
 * in image order; with one value per row (a linear layer's bias) it adds
 * the images in order, as the reference does. */
#include <math.h>
#include <stdint.h>

#include "fast/fast_ops.h"
#include "fast/fast_threads.h"

typedef struct {
    const fast_backend *f;
    const fast_step *s;
} op_ctx;

#define T(k) ((float *)fast_at(c->f, c->s->op.t[k]))
#define D(k) (c->s->op.d[k])

/* Σ row[i] in double, four interleaved partial sums then their pairs. */
static double row_sum(const float *row, int n) {
    double part[4] = {0, 0, 0, 0};
    int i = 0;
    for (; i + 4 <= n; i += 4)
        for (int j = 0; j < 4; j++)
            part[j] += (double)row[i + j];
    for (; i < n; i++)
        part[i % 4] += (double)row[i];
    return (part[0] + part[1]) + (part[2] + part[3]);
}

/* The (B,C) row sums of dout (B,C,N) into scratch, rows [i0, i1). */
static void bias_rows(void *ctx, int64_t i0, int64_t i1) {
    const op_ctx *c = ctx;
    const float *dout = T(1);
    double *rows = (double *)c->f->scratch;
    for (int64_t bc = i0; bc < i1; bc++)
        rows[bc] = row_sum(dout + (size_t)bc * D(2), D(2));
}

/* db (C) = Σ_b Σ_n dout (B,C,N). */
static int bias_backward(fast_backend *f, const fast_step *s) {
    op_ctx ctx = {f, s}, *c = &ctx;
    float *db = T(0);
    const float *dout = T(1);
    const int B = D(0), C = D(1), n = D(2);
    double *rows = (double *)f->scratch;
    if (n == 1) {
        for (int ch = 0; ch < C; ch++)
            rows[ch] = 0.0;
        for (int b = 0; b < B; b++)
            for (int ch = 0; ch < C; ch++)
                rows[ch] += (double)dout[(size_t)b * C + ch];
        for (int ch = 0; ch < C; ch++)
            db[ch] = (float)rows[ch];
        return 0;
    }
    fast_parallel_for(f->pool, (int64_t)B * C, 4096 / n + 1, bias_rows, c);
    for (int ch = 0; ch < C; ch++) {
        double acc = 0.0;
        for (int b = 0; b < B; b++)
            acc += rows[(size_t)b * C + ch];
        db[ch] = (float)acc;
    }
    return 0;
}

/* kl (B) = -0.5 Σ_L (1 + lv - mu² - e^lv), images [i0, i1). */
static void kl_images(void *ctx, int64_t i0, int64_t i1) {
    const op_ctx *c = ctx;
    float *kl = T(0);
    const float *mu = T(1), *log_var = T(2);
    const int L = D(1);
    for (int64_t b = i0; b < i1; b++) {
        const float *m = mu + (size_t)b * L, *lv = log_var + (size_t)b * L;
        double acc = 0.0;
        for (int l = 0; l < L; l++) {
            double mm = (double)m[l], v = (double)lv[l];
            acc += 1.0 + v - mm * mm - exp(v);
        }
        kl[b] = (float)(-0.5 * acc);
    }
}

/* sse (B) = Σ_N (xhat - x)², images [i0, i1). */
static void mse_images(void *ctx, int64_t i0, int64_t i1) {
    const op_ctx *c = ctx;
    float *sse = T(0);
    const float *xhat = T(1), *x = T(2);
    const int n = D(1);
    for (int64_t b = i0; b < i1; b++) {
        const float *p = xhat + (size_t)b * n, *t = x + (size_t)b * n;
        double part[4] = {0, 0, 0, 0};
        int i = 0;
        for (; i + 4 <= n; i += 4)
            for (int j = 0; j < 4; j++) {
                double d = (double)p[i + j] - (double)t[i + j];
                part[j] += d * d;
            }
        for (; i < n; i++) {
            double d = (double)p[i] - (double)t[i];
            part[i % 4] += d * d;
        }
        sse[b] = (float)((part[0] + part[1]) + (part[2] + part[3]));
    }
}

static int kl_forward(fast_backend *f, const fast_step *s) {
    op_ctx c = {f, s};
    fast_parallel_for(f->pool, s->op.d[0], 4096 / s->op.d[1] + 1, kl_images, &c);
    return 0;
}

static int mse_forward(fast_backend *f, const fast_step *s) {
    op_ctx c = {f, s};
    fast_parallel_for(f->pool, s->op.d[0], 16384 / s->op.d[1] + 1, mse_images, &c);
    return 0;
}

size_t fast_reduction_scratch(const vae_op *op) {
    if (op->kind == VAE_OP_AGGREGATE_LOG_DENSITY)
        return fast_aggregate_scratch(op);
    /* bias_backward's row sums (or channel sums), as doubles */
    return op->kind == VAE_OP_BIAS_BWD ? 2 * (size_t)op->d[0] * (size_t)op->d[1] : 0;
}

fast_run_fn fast_reduction_op(vae_op_kind kind) {
    switch (kind) {
    case VAE_OP_BIAS_BWD: return bias_backward;
    case VAE_OP_KL_FWD: return kl_forward;
    case VAE_OP_MSE_FWD: return mse_forward;
    case VAE_OP_AGGREGATE_LOG_DENSITY: return fast_aggregate_log_density;
    default: return NULL; /* loss_reduce: B values, the reference's own loop */
    }
}
