/* The element-wise ops on the fast backend: each a loop over a range of
 * values, the ranges split over the threads (fast_threads.h), compiled for
 * AVX2 too where the processor has it (the compiler vectorises the loops).
 * Every one computes exactly what the reference computes (vaevk/ops.h), in
 * the same order, so the results are the same bits, except tanh, which uses
 * a vectorisable expm1 of our own (fast_math.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "fast/fast_math.h"
#include "fast/fast_ops.h"
#include "fast/fast_threads.h"
#include "vaevk/rng.h"

/* The loops a wider vector unit speeds up get an AVX2 copy, picked at load. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WIDE __attribute__((target_clones("avx2", "default")))
#else
#define WIDE
#endif

/* Values per thread below which one thread does it all. */
#define GRAIN 16384

typedef struct {
    const fast_backend *f;
    const fast_step *s;
} op_ctx;

#define T(k) ((float *)fast_at(c->f, c->s->op.t[k]))
#define STEP_IN(k) ((const vae_step_in *)fast_at(c->f, c->s->op.t[k]))
#define LOSS_SCALER(k) ((const vae_loss_scaler *)fast_at(c->f, c->s->op.t[k]))
#define F(k) (c->s->op.f[k])
#define D(k) (c->s->op.d[k])

/* An op over n values: its range function on every thread. */
#define ELEMENTWISE(name, n, grain)                                                 \
    static int name(fast_backend *f, const fast_step *s) {                          \
        op_ctx mine = {f, s};                                                       \
        const op_ctx *c = &mine;                                                    \
        fast_parallel_for(f->pool, (n), (grain), name##_range, &mine);              \
        return 0;                                                                   \
    }
#define RANGE(name) static void name##_range(void *ctx, int64_t i0, int64_t i1)
#define CTX const op_ctx *c = ctx

static uint64_t step_seed(const vae_step_in *in) { return (uint64_t)in->seed_lo | (uint64_t)in->seed_hi << 32; }

/* One row of x (S values) from one image row's channel (every third byte
 * of src), mirrored or not: the reference's u·(1/127.5) - 1. */
static void convert_row(float *dst, const uint8_t *src, int mirror, int S) {
    const float scale = 1.0f / 127.5f;
    if (mirror)
        for (int col = 0; col < S; col++)
            dst[col] = (float)src[(S - 1 - col) * 3] * scale - 1;
    else
        for (int col = 0; col < S; col++)
            dst[col] = (float)src[col * 3] * scale - 1;
}

static int flipped(const vae_step_in *in, int64_t b) {
    return in->flip && (vae_rng_u32(step_seed(in), VAE_STREAM_FLIP, in->step, (uint32_t)b) & 1u);
}

/* x (B,3,S,S) from pixels (B,S,S,3), mirrored where the FLIP stream says;
 * the range is over rows (b, c, y). */
RANGE(input_convert) {
    CTX;
    float *x = T(0);
    const uint8_t *pixels = (const uint8_t *)fast_at(c->f, c->s->op.t[1]);
    const vae_step_in *in = STEP_IN(2);
    const int S = D(1);
    for (int64_t row = i0; row < i1; row++) {
        int64_t b = row / (3 * S), ch = row / S % 3, y = row % S;
        convert_row(x + (size_t)row * S, pixels + ((size_t)b * S + y) * S * 3 + ch, flipped(in, b), S);
    }
}
ELEMENTWISE(input_convert, (int64_t)D(0) * 3 * D(1), 64)

/* The same from images (N,S,S,3) by indices (B), relative to image `first`;
 * rows of an index outside [first, first + N) are left alone. */
RANGE(input_gather) {
    CTX;
    float *x = T(0);
    const uint8_t *images = (const uint8_t *)fast_at(c->f, c->s->op.t[1]);
    const uint32_t *indices = (const uint32_t *)fast_at(c->f, c->s->op.t[2]);
    const vae_step_in *in = STEP_IN(3);
    const int S = D(1);
    const uint32_t N = (uint32_t)D(2), first = (uint32_t)D(3);
    for (int64_t row = i0; row < i1; row++) {
        int64_t b = row / (3 * S), ch = row / S % 3, y = row % S;
        uint32_t i = indices[b] - first;
        if (i < N)
            convert_row(x + (size_t)row * S, images + (((size_t)i * S + y) * S) * 3 + ch, flipped(in, b), S);
    }
}
ELEMENTWISE(input_gather, (int64_t)D(0) * 3 * D(1), 64)

/* x (B,C,N) += b (C); the range is over (b, c) rows. */
RANGE(bias_forward) {
    CTX;
    float *x = T(0);
    const float *bias = T(1);
    const int C = D(1), n = D(2);
    for (int64_t bc = i0; bc < i1; bc++) {
        float *row = x + (size_t)bc * n;
        const float b = bias[bc % C];
        for (int i = 0; i < n; i++)
            row[i] += b;
    }
}
ELEMENTWISE(bias_forward, (int64_t)D(0) * D(1), GRAIN / (D(2) > 0 ? D(2) : 1) + 1)

WIDE RANGE(leaky_relu_forward) {
    CTX;
    float *out = T(0);
    const float *in = T(1), slope = F(0);
    for (int64_t i = i0; i < i1; i++)
        out[i] = fast_leaky_relu(in[i], slope);
}
ELEMENTWISE(leaky_relu_forward, D(0), GRAIN)

WIDE RANGE(leaky_relu_backward) {
    CTX;
    float *din = T(0);
    const float *dout = T(1), *in = T(2), slope = F(0);
    for (int64_t i = i0; i < i1; i++)
        din[i] = in[i] > 0 ? dout[i] : slope * dout[i];
}
ELEMENTWISE(leaky_relu_backward, D(0), GRAIN)

WIDE RANGE(relu_forward) {
    CTX;
    float *out = T(0);
    const float *in = T(1);
    for (int64_t i = i0; i < i1; i++)
        out[i] = fast_relu(in[i]);
}
ELEMENTWISE(relu_forward, D(0), GRAIN)

WIDE RANGE(relu_backward) {
    CTX;
    float *din = T(0);
    const float *dout = T(1), *in = T(2);
    for (int64_t i = i0; i < i1; i++) {
        const float g = dout[i]; /* loaded either way, so the select vectorises */
        din[i] = in[i] > 0 ? g : 0;
    }
}
ELEMENTWISE(relu_backward, D(0), GRAIN)

WIDE RANGE(tanh_forward) {
    CTX;
    float *out = T(0);
    const float *in = T(1);
    for (int64_t i = i0; i < i1; i++)
        out[i] = fast_tanh(in[i]);
}
ELEMENTWISE(tanh_forward, D(0), GRAIN / 8)

WIDE RANGE(tanh_backward) {
    CTX;
    float *din = T(0);
    const float *dout = T(1), *out = T(2);
    for (int64_t i = i0; i < i1; i++)
        din[i] = dout[i] * (1 - out[i] * out[i]);
}
ELEMENTWISE(tanh_backward, D(0), GRAIN)

RANGE(eps_normal) {
    CTX;
    float *eps = T(0);
    const vae_step_in *in = STEP_IN(1);
    const uint64_t seed = step_seed(in);
    for (int64_t i = i0; i < i1; i++)
        eps[i] = vae_rng_normal(seed, VAE_STREAM_EPS, in->step, (uint32_t)i);
}
ELEMENTWISE(eps_normal, D(0), 1024)

RANGE(reparameterize_forward) {
    CTX;
    float *z = T(0);
    const float *mu = T(1), *log_var = T(2), *eps = T(3);
    for (int64_t i = i0; i < i1; i++) {
        float sd = (float)exp(0.5 * (double)log_var[i]);
        z[i] = mu[i] + sd * eps[i];
    }
}
ELEMENTWISE(reparameterize_forward, D(0), 2048)

RANGE(reparameterize_backward) {
    CTX;
    float *dmu = T(0), *dlog_var = T(1);
    const float *dz = T(2), *log_var = T(3), *eps = T(4);
    for (int64_t i = i0; i < i1; i++) {
        float sd = (float)exp(0.5 * (double)log_var[i]);
        dmu[i] = dz[i];
        dlog_var[i] = dz[i] * eps[i] * 0.5f * sd;
    }
}
ELEMENTWISE(reparameterize_backward, D(0), 2048)

RANGE(kl_backward) {
    CTX;
    float *dmu = T(0), *dlog_var = T(1);
    const float *mu = T(2), *log_var = T(3);
    const float beta = LOSS_SCALER(5)->scale * STEP_IN(4)->beta; /* exact: S is a power of two */
    const int B = D(0);
    for (int64_t i = i0; i < i1; i++) {
        float e = (float)exp((double)log_var[i]);
        dmu[i] += beta * mu[i] / (float)B;
        dlog_var[i] += beta * 0.5f * (e - 1) / (float)B;
    }
}
ELEMENTWISE(kl_backward, (int64_t)D(0) * D(1), 2048)

WIDE RANGE(mse_backward) {
    CTX;
    float *dxhat = T(0);
    const float *xhat = T(1), *x = T(2), scale = LOSS_SCALER(3)->scale;
    const int B = D(0);
    for (int64_t i = i0; i < i1; i++)
        dxhat[i] = 2.0f * (xhat[i] - x[i]) / (float)B * scale;
}
ELEMENTWISE(mse_backward, (int64_t)D(0) * D(1), GRAIN)

WIDE RANGE(adam) {
    CTX;
    float *p = T(0), *m = T(2), *v = T(3);
    const float *g = T(1);
    const vae_step_in *in = STEP_IN(4);
    const float one_minus_b1 = F(0), one_minus_b2 = F(1), eps = F(2);
    const float b1 = 1 - one_minus_b1, b2 = 1 - one_minus_b2;
    const float step_size = in->adam_step_size, inv_sqrt_bc2 = in->adam_inv_sqrt_bc2;
    const vae_loss_scaler *scaler = LOSS_SCALER(5);
    const float inv_scale = 1.0f / scaler->scale;
    if (scaler->found) /* an inf or NaN gradient: the step changes nothing */
        return;
    for (int64_t i = i0; i < i1; i++) {
        const float gi = g[i] * inv_scale;
        m[i] = b1 * m[i] + one_minus_b1 * gi;
        v[i] = b2 * v[i] + one_minus_b2 * (gi * gi);
        float denom = sqrtf(v[i]) * inv_sqrt_bc2 + eps;
        p[i] = p[i] - step_size * m[i] / denom;
    }
}
ELEMENTWISE(adam, D(0), GRAIN)

fast_run_fn fast_elementwise_op(vae_op_kind kind) {
    switch (kind) {
    case VAE_OP_INPUT_CONVERT: return input_convert;
    case VAE_OP_INPUT_GATHER: return input_gather;
    case VAE_OP_BIAS_FWD: return bias_forward;
    case VAE_OP_LEAKY_RELU_FWD: return leaky_relu_forward;
    case VAE_OP_LEAKY_RELU_BWD: return leaky_relu_backward;
    case VAE_OP_RELU_FWD: return relu_forward;
    case VAE_OP_RELU_BWD: return relu_backward;
    case VAE_OP_TANH_FWD: return tanh_forward;
    case VAE_OP_TANH_BWD: return tanh_backward;
    case VAE_OP_EPS_NORMAL: return eps_normal;
    case VAE_OP_REPARAM_FWD: return reparameterize_forward;
    case VAE_OP_REPARAM_BWD: return reparameterize_backward;
    case VAE_OP_KL_BWD: return kl_backward;
    case VAE_OP_MSE_BWD: return mse_backward;
    case VAE_OP_ADAM: return adam;
    default: return NULL;
    }
}
