/* The element-wise ops on the fast backend: each a loop the compiler
 * vectorises, split over the threads in contiguous runs. Every one computes
 * exactly what the reference computes (vaevk/ops.h), in the same order, so
 * the results are the same bits, except tanh, which uses a vectorisable
 * expm1 of our own (fast_math.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "fast/fast_math.h"
#include "fast/fast_ops.h"
#include "vaevk/rng.h"

#define T(k) ((float *)fast_at(f, s->op.t[k]))
#define STEP_IN(k) ((const vae_step_in *)fast_at(f, s->op.t[k]))
#define N (s->op.d[0])
#define EACH _Pragma("omp parallel for simd num_threads(f->threads) schedule(static)")

static uint64_t step_seed(const vae_step_in *in) { return (uint64_t)in->seed_lo | (uint64_t)in->seed_hi << 32; }

static int input_convert(fast_backend *f, const fast_step *s) {
    /* x (B,3,S,S) from pixels (B,S,S,3), mirrored where the FLIP stream says */
    float *x = T(0);
    const uint8_t *pixels = (const uint8_t *)fast_at(f, s->op.t[1]);
    const vae_step_in *in = STEP_IN(2);
    const int B = s->op.d[0], S = s->op.d[1];
    const float scale = 1.0f / 127.5f;
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int row = 0; row < B * 3 * S; row++) {
        int b = row / (3 * S), c = row / S % 3, y = row % S;
        int mirror = in->flip && (vae_rng_u32(step_seed(in), VAE_STREAM_FLIP, in->step, (uint32_t)b) & 1u);
        const uint8_t *src = pixels + ((size_t)b * S + y) * S * 3 + c;
        float *dst = x + (size_t)row * S;
        if (mirror)
            for (int col = 0; col < S; col++)
                dst[col] = (float)src[(S - 1 - col) * 3] * scale - 1;
        else
            for (int col = 0; col < S; col++)
                dst[col] = (float)src[col * 3] * scale - 1;
    }
    return 0;
}

static int bias_forward(fast_backend *f, const fast_step *s) {
    float *x = T(0);
    const float *bias = T(1);
    const int B = s->op.d[0], C = s->op.d[1], n = s->op.d[2];
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int bc = 0; bc < B * C; bc++) {
        float *row = x + (size_t)bc * n;
        const float b = bias[bc % C];
        for (int i = 0; i < n; i++)
            row[i] += b;
    }
    return 0;
}

static int leaky_relu_forward(fast_backend *f, const fast_step *s) {
    float *out = T(0);
    const float *in = T(1), slope = s->op.f[0];
    EACH for (int64_t i = 0; i < N; i++) out[i] = fast_leaky_relu(in[i], slope);
    return 0;
}

static int leaky_relu_backward(fast_backend *f, const fast_step *s) {
    float *din = T(0);
    const float *dout = T(1), *in = T(2), slope = s->op.f[0];
    EACH for (int64_t i = 0; i < N; i++) din[i] = in[i] > 0 ? dout[i] : slope * dout[i];
    return 0;
}

static int relu_forward(fast_backend *f, const fast_step *s) {
    float *out = T(0);
    const float *in = T(1);
    EACH for (int64_t i = 0; i < N; i++) out[i] = fast_relu(in[i]);
    return 0;
}

static int relu_backward(fast_backend *f, const fast_step *s) {
    float *din = T(0);
    const float *dout = T(1), *in = T(2);
    EACH for (int64_t i = 0; i < N; i++) {
        const float g = dout[i]; /* loaded either way, so the select vectorises */
        din[i] = in[i] > 0 ? g : 0;
    }
    return 0;
}

static int tanh_forward(fast_backend *f, const fast_step *s) {
    float *out = T(0);
    const float *in = T(1);
    EACH for (int64_t i = 0; i < N; i++) out[i] = fast_tanh(in[i]);
    return 0;
}

static int tanh_backward(fast_backend *f, const fast_step *s) {
    float *din = T(0);
    const float *dout = T(1), *out = T(2);
    EACH for (int64_t i = 0; i < N; i++) din[i] = dout[i] * (1 - out[i] * out[i]);
    return 0;
}

static int eps_normal(fast_backend *f, const fast_step *s) {
    float *eps = T(0);
    const vae_step_in *in = STEP_IN(1);
    const uint64_t seed = step_seed(in);
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int64_t i = 0; i < N; i++)
        eps[i] = vae_rng_normal(seed, VAE_STREAM_EPS, in->step, (uint32_t)i);
    return 0;
}

static int reparameterize_forward(fast_backend *f, const fast_step *s) {
    float *z = T(0);
    const float *mu = T(1), *log_var = T(2), *eps = T(3);
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int64_t i = 0; i < N; i++) {
        float sd = (float)exp(0.5 * (double)log_var[i]);
        z[i] = mu[i] + sd * eps[i];
    }
    return 0;
}

static int reparameterize_backward(fast_backend *f, const fast_step *s) {
    float *dmu = T(0), *dlog_var = T(1);
    const float *dz = T(2), *log_var = T(3), *eps = T(4);
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int64_t i = 0; i < N; i++) {
        float sd = (float)exp(0.5 * (double)log_var[i]);
        dmu[i] = dz[i];
        dlog_var[i] = dz[i] * eps[i] * 0.5f * sd;
    }
    return 0;
}

static int kl_backward(fast_backend *f, const fast_step *s) {
    float *dmu = T(0), *dlog_var = T(1);
    const float *mu = T(2), *log_var = T(3), beta = STEP_IN(4)->beta;
    const int B = s->op.d[0];
    const int64_t n = (int64_t)B * s->op.d[1];
#pragma omp parallel for num_threads(f->threads) schedule(static)
    for (int64_t i = 0; i < n; i++) {
        float e = (float)exp((double)log_var[i]);
        dmu[i] += beta * mu[i] / (float)B;
        dlog_var[i] += beta * 0.5f * (e - 1) / (float)B;
    }
    return 0;
}

static int mse_backward(fast_backend *f, const fast_step *s) {
    float *dxhat = T(0);
    const float *xhat = T(1), *x = T(2);
    const int B = s->op.d[0];
    const int64_t n = (int64_t)B * s->op.d[1];
    EACH for (int64_t i = 0; i < n; i++) dxhat[i] = 2.0f * (xhat[i] - x[i]) / (float)B;
    return 0;
}

static int adam(fast_backend *f, const fast_step *s) {
    float *p = T(0), *m = T(2), *v = T(3);
    const float *g = T(1);
    const vae_step_in *in = STEP_IN(4);
    const float one_minus_b1 = s->op.f[0], one_minus_b2 = s->op.f[1], eps = s->op.f[2];
    const float b1 = 1 - one_minus_b1, b2 = 1 - one_minus_b2;
    const float step_size = in->adam_step_size, inv_sqrt_bc2 = in->adam_inv_sqrt_bc2;
    EACH for (int64_t i = 0; i < N; i++) {
        m[i] = b1 * m[i] + one_minus_b1 * g[i];
        v[i] = b2 * v[i] + one_minus_b2 * (g[i] * g[i]);
        float denom = sqrtf(v[i]) * inv_sqrt_bc2 + eps;
        p[i] = p[i] - step_size * m[i] / denom;
    }
    return 0;
}

fast_run_fn fast_elementwise_op(vae_op_kind kind) {
    switch (kind) {
    case VAE_OP_INPUT_CONVERT: return input_convert;
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
