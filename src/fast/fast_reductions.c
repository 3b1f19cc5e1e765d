/* The reductions on the fast backend, summed in double as the reference
 * does. Each result's sum runs in a fixed order whatever the thread count:
 * a bias gradient sums each (image, channel) row on one thread (in four
 * interleaved partial sums, so it vectorises), then the rows of a channel
 * in image order; with one value per row (a linear layer's bias) it adds
 * the images in order, as the reference does. */
#include <math.h>
#include <stdint.h>

#include "fast/fast_ops.h"

#define T(k) ((float *)fast_at(f, s->op.t[k]))

/* db (C) = Σ_b Σ_n dout (B,C,N); the (B,C) row sums in scratch. */
static int bias_backward(fast_backend *f, const fast_step *s) {
    float *db = T(0);
    const float *dout = T(1);
    const int B = s->op.d[0], C = s->op.d[1], n = s->op.d[2];
    double *rows = (double *)f->scratch;
    if (n == 1) {
        for (int c = 0; c < C; c++)
            rows[c] = 0.0;
        for (int b = 0; b < B; b++)
            for (int c = 0; c < C; c++)
                rows[c] += (double)dout[(size_t)b * C + c];
        for (int c = 0; c < C; c++)
            db[c] = (float)rows[c];
        return 0;
    }
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int bc = 0; bc < B * C; bc++) {
        const float *row = dout + (size_t)bc * n;
        double part[4] = {0, 0, 0, 0};
        int i = 0;
        for (; i + 4 <= n; i += 4)
            for (int j = 0; j < 4; j++)
                part[j] += (double)row[i + j];
        for (; i < n; i++)
            part[i % 4] += (double)row[i];
        rows[bc] = (part[0] + part[1]) + (part[2] + part[3]);
    }
    for (int c = 0; c < C; c++) {
        double acc = 0.0;
        for (int b = 0; b < B; b++)
            acc += rows[(size_t)b * C + c];
        db[c] = (float)acc;
    }
    return 0;
}

static int kl_forward(fast_backend *f, const fast_step *s) {
    float *kl = T(0);
    const float *mu = T(1), *log_var = T(2);
    const int B = s->op.d[0], L = s->op.d[1];
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int b = 0; b < B; b++) {
        const float *m = mu + (size_t)b * L, *lv = log_var + (size_t)b * L;
        double acc = 0.0;
        for (int l = 0; l < L; l++) {
            double mm = (double)m[l], v = (double)lv[l];
            acc += 1.0 + v - mm * mm - exp(v);
        }
        kl[b] = (float)(-0.5 * acc);
    }
    return 0;
}

static int mse_forward(fast_backend *f, const fast_step *s) {
    float *sse = T(0);
    const float *xhat = T(1), *x = T(2);
    const int B = s->op.d[0], n = s->op.d[1];
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int b = 0; b < B; b++) {
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
    return 0;
}

size_t fast_reduction_scratch(const vae_op *op) {
    /* bias_backward's row sums (or channel sums), as doubles */
    return op->kind == VAE_OP_BIAS_BWD ? 2 * (size_t)op->d[0] * (size_t)op->d[1] : 0;
}

fast_run_fn fast_reduction_op(vae_op_kind kind) {
    switch (kind) {
    case VAE_OP_BIAS_BWD: return bias_backward;
    case VAE_OP_KL_FWD: return kl_forward;
    case VAE_OP_MSE_FWD: return mse_forward;
    default: return NULL; /* loss_reduce: B values, the reference's own loop */
    }
}
