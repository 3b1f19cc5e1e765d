/* The selftest's op cases: odd sizes so no loop divides evenly, batch 1
 * and more, NaN/Inf among the inputs of the element-wise ops. */
#include "core/selftest_cases.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "vaevk/ops.h"

#define FP32 VAE_PRECISION_FP32
const selftest_case selftest_cases[] = {
    {VAE_OP_INPUT_CONVERT, {1, 7}, {0}, 0, FP32},
    {VAE_OP_INPUT_CONVERT, {6, 7}, {0}, 0, FP32},
    {VAE_OP_CONV2D_FWD, {1, 3, 7, 6, 5}, {0}, 0, FP32},
    {VAE_OP_CONV2D_FWD, {2, 5, 8, 10, 3}, {0}, 0, FP32},
    {VAE_OP_CONV2D_BWD_INPUT, {1, 3, 7, 6, 5}, {0}, 0, FP32},
    {VAE_OP_CONV2D_BWD_INPUT, {2, 5, 8, 10, 3}, {0}, 0, FP32},
    {VAE_OP_CONV2D_BWD_WEIGHT, {1, 3, 7, 6, 5}, {0}, 0, FP32},
    {VAE_OP_CONV2D_BWD_WEIGHT, {3, 5, 8, 10, 3}, {0}, 0, FP32},
    /* more outputs (66560) than the 65535 workgroups every device has */
    {VAE_OP_CONV2D_BWD_WEIGHT, {1, 65, 2, 2, 64}, {0}, 0, FP32},
    {VAE_OP_CONVT_FWD, {1, 5, 3, 4, 3}, {0}, 0, FP32},
    {VAE_OP_CONVT_FWD, {2, 3, 4, 5, 7}, {0}, 0, FP32},
    {VAE_OP_CONVT_BWD_INPUT, {1, 5, 3, 4, 3}, {0}, 0, FP32},
    {VAE_OP_CONVT_BWD_INPUT, {2, 3, 4, 5, 7}, {0}, 0, FP32},
    {VAE_OP_CONVT_BWD_WEIGHT, {1, 5, 3, 4, 3}, {0}, 0, FP32},
    {VAE_OP_CONVT_BWD_WEIGHT, {3, 3, 4, 5, 7}, {0}, 0, FP32},
    {VAE_OP_LINEAR_FWD, {1, 37, 11}, {0}, 0, FP32},
    {VAE_OP_LINEAR_FWD, {3, 300, 5}, {0}, 0, FP32},
    {VAE_OP_LINEAR_BWD_INPUT, {1, 37, 11, 0}, {0}, 0, FP32},
    {VAE_OP_LINEAR_BWD_INPUT, {3, 37, 11, 1}, {0}, 0, FP32},
    {VAE_OP_LINEAR_BWD_WEIGHT, {1, 37, 11}, {0}, 0, FP32},
    {VAE_OP_LINEAR_BWD_WEIGHT, {3, 37, 11}, {0}, 0, FP32},
    {VAE_OP_BIAS_FWD, {1, 5, 13}, {0}, 1, FP32},
    {VAE_OP_BIAS_FWD, {3, 7, 1}, {0}, 1, FP32},
    {VAE_OP_BIAS_BWD, {1, 5, 13}, {0}, 0, FP32},
    {VAE_OP_BIAS_BWD, {3, 7, 101}, {0}, 0, FP32},
    {VAE_OP_LEAKY_RELU_FWD, {777}, {0.2f}, 1, FP32},
    {VAE_OP_LEAKY_RELU_BWD, {777}, {0.2f}, 1, FP32},
    {VAE_OP_RELU_FWD, {777}, {0}, 1, FP32},
    {VAE_OP_RELU_BWD, {777}, {0}, 1, FP32},
    {VAE_OP_TANH_FWD, {777}, {0}, 1, FP32},
    {VAE_OP_TANH_BWD, {777}, {0}, 1, FP32},
    {VAE_OP_EPS_NORMAL, {1001}, {0}, 0, FP32},
    {VAE_OP_REPARAM_FWD, {1}, {0}, 0, FP32},
    {VAE_OP_REPARAM_FWD, {391}, {0}, 1, FP32},
    {VAE_OP_REPARAM_BWD, {391}, {0}, 1, FP32},
    {VAE_OP_KL_FWD, {1, 17}, {0}, 0, FP32},
    {VAE_OP_KL_FWD, {3, 129}, {0}, 0, FP32},
    {VAE_OP_KL_BWD, {1, 17}, {0}, 1, FP32},
    {VAE_OP_KL_BWD, {3, 129}, {0}, 1, FP32},
    {VAE_OP_MSE_FWD, {1, 300}, {0}, 0, FP32},
    {VAE_OP_MSE_FWD, {3, 301}, {0}, 0, FP32},
    {VAE_OP_MSE_BWD, {1, 300}, {0}, 1, FP32},
    {VAE_OP_MSE_BWD, {3, 301}, {0}, 1, FP32},
    {VAE_OP_LOSS_REDUCE, {1}, {0}, 0, FP32},
    {VAE_OP_LOSS_REDUCE, {131}, {0}, 0, FP32},
    /* f: 1-b1, 1-b2, eps (program.h). With v in [0, 1e-2], sqrt(v) is at most
     * 0.1: the second case's eps is of that size, so the eps term counts */
    {VAE_OP_ADAM, {999}, {0.1f, 0.001f, 1e-8f}, 1, FP32},
    {VAE_OP_ADAM, {1001}, {0.1f, 0.001f, 0.05f}, 1, FP32},
    /* d: S, N, L. One of each; then no size a multiple of the tiles (4 or 64
     * points, 64 Gaussians, 8 dimensions); then more points than one
     * workgroup takes, with NaN and ±Inf among the points (see fill_floats) */
    {VAE_OP_AGGREGATE_LOG_DENSITY, {1, 1, 1}, {0}, 0, FP32},
    {VAE_OP_AGGREGATE_LOG_DENSITY, {7, 67, 13}, {0}, 0, FP32},
    {VAE_OP_AGGREGATE_LOG_DENSITY, {70, 131, 19}, {0}, 1, FP32},
    /* Loss scaling: the scaler starts at S = 2^10 after 2 clean steps (see
     * fill_loss_scaler); specials 2 means found is already set. Clean
     * gradients, then an inf or NaN among them; an update that counts the
     * step clean, one that doubles S (interval 3), one that skips. Adam
     * with found set must leave every word as it was. */
    {VAE_OP_LOSS_SCALE_CHECK, {1001}, {0}, 0, FP32},
    {VAE_OP_LOSS_SCALE_CHECK, {1001}, {0}, 1, FP32},
    {VAE_OP_LOSS_SCALE_UPDATE, {5}, {0}, 0, FP32},
    {VAE_OP_LOSS_SCALE_UPDATE, {3}, {0}, 0, FP32},
    {VAE_OP_LOSS_SCALE_UPDATE, {3}, {0}, 2, FP32},
    {VAE_OP_ADAM, {999}, {0.1f, 0.001f, 1e-8f}, 2, FP32},
    /* d: B, S, N, first. Odd sides, so images start mid-word; indices in
     * the chunk, below it (wrapping past 0 when first is 0) and past it,
     * repeats among them (see fill_indices) */
    {VAE_OP_INPUT_GATHER, {1, 7, 1, 0}, {0}, 0, FP32},
    {VAE_OP_INPUT_GATHER, {6, 7, 5, 3}, {0}, 0, FP32},
    {VAE_OP_INPUT_GATHER, {9, 5, 11, 0}, {0}, 0, FP32},
    /* Every product again in mixed precision (see fill_mixed_operand). */
#define MIXED(kind, ...) {kind, {__VA_ARGS__}, {0}, 0, VAE_PRECISION_MIXED}
    MIXED(VAE_OP_CONV2D_FWD, 2, 5, 8, 10, 3),
    MIXED(VAE_OP_CONV2D_BWD_INPUT, 2, 5, 8, 10, 3),
    MIXED(VAE_OP_CONV2D_BWD_WEIGHT, 3, 5, 8, 10, 3),
    MIXED(VAE_OP_CONVT_FWD, 2, 3, 4, 5, 7),
    MIXED(VAE_OP_CONVT_BWD_INPUT, 2, 3, 4, 5, 7),
    MIXED(VAE_OP_CONVT_BWD_WEIGHT, 3, 3, 4, 5, 7),
    MIXED(VAE_OP_LINEAR_FWD, 3, 300, 5),
    MIXED(VAE_OP_LINEAR_BWD_INPUT, 3, 37, 11, 1),
    MIXED(VAE_OP_LINEAR_BWD_WEIGHT, 3, 37, 11),
#undef MIXED
};
#undef FP32
const int selftest_case_count = (int)(sizeof selftest_cases / sizeof selftest_cases[0]);

vae_arena selftest_arena(vae_op_kind kind, int k) {
    static const vae_arena spread[] = {VAE_ARENA_GRADS, VAE_ARENA_ACTS, VAE_ARENA_PARAMS,
                                       VAE_ARENA_ADAM_M, VAE_ARENA_ADAM_V};
    int io = 0;
    switch (kind) {
    case VAE_OP_INPUT_CONVERT: io = k >= 1; break;
    case VAE_OP_INPUT_GATHER:
        if (k == 1)
            return VAE_ARENA_DATA;
        io = k >= 2;
        break;
    case VAE_OP_EPS_NORMAL: io = k == 1; break;
    case VAE_OP_KL_BWD: case VAE_OP_ADAM: io = k >= 4; break;
    case VAE_OP_MSE_BWD: io = k == 3; break;
    case VAE_OP_LOSS_REDUCE: io = k == 0 || k == 3; break;
    case VAE_OP_LOSS_SCALE_CHECK: io = k == 0; break;
    case VAE_OP_LOSS_SCALE_UPDATE: io = 1; break;
    default: break;
    }
    return io ? VAE_ARENA_IO : spread[k];
}

/* splitmix64: reproducible test data. */
static uint64_t next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static float uniform(uint64_t *s, float lo, float hi) {
    return lo + (hi - lo) * (float)((double)(next(s) >> 40) * 0x1p-24);
}

/* Log-variances in [-3, 3] (e^lv spans 0.05..20, and many land near 0
 * where the KL term cancels); Adam's v, a running mean of squares, >= 0;
 * tanh over both saturated tails. */
static void fill_floats(const selftest_case *c, int k, float *x, uint32_t n, uint64_t *rng) {
    vae_op_kind kind = c->kind;
    const int aggregate = kind == VAE_OP_AGGREGATE_LOG_DENSITY;
    int log_var = (kind == VAE_OP_REPARAM_FWD && k == 2) || (kind == VAE_OP_REPARAM_BWD && k == 3) ||
                  (kind == VAE_OP_KL_FWD && k == 2) || (kind == VAE_OP_KL_BWD && k == 3) ||
                  (aggregate && k == 3);
    float lo = log_var ? -3.0f : -1.0f, hi = log_var ? 3.0f : 1.0f;
    if (aggregate && k == 1) /* points out to where few Gaussians reach */
        lo = -3.0f, hi = 3.0f;
    if (kind == VAE_OP_ADAM && k == 3)
        lo = 0.0f, hi = 1e-2f;
    if (kind == VAE_OP_TANH_FWD)
        lo = -12.0f, hi = 12.0f;
    for (uint32_t i = 0; i < n; i++)
        x[i] = uniform(rng, lo, hi);
    if (!c->specials)
        return;
    /* no huge finite values: they would dominate Σref² and hide errors elsewhere */
    const float special[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f};
    if (aggregate) {
        /* special j in point j alone (a NaN point, two that no Gaussian
         * reaches: -inf), none among the Gaussians: one NaN there would
         * make every output NaN */
        const uint32_t L = (uint32_t)c->d[2];
        for (uint32_t j = 0; j < 5 && k == 1 && j * L + j % L < n; j++)
            x[j * L + j % L] = special[j];
        return;
    }
    for (uint32_t j = 0; j < 5 && 7 * j + (uint32_t)k < n; j++)
        x[7 * j + (uint32_t)k] = special[j];
}

/* A mixed product's operands, made so that a backend that does not round
 * them, or rounds them another way, misses the 1e-10 bound: the first in
 * [-2^-15, 2^-15], binary16 subnormals, where only 9 or 10 bits survive;
 * every fifth value of the second an exact tie between two binary16
 * values (the 13 dropped bits 1 followed by zeros), where rounding half
 * up differs from ties to even. The output is scaled like the first, so
 * the old value linear_backward_input adds to does not drown the sums. */
static void fill_mixed_operand(int k, float *x, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        if (k == 0 || k == 1) {
            x[i] *= 0x1p-15f;
        } else if (k == 2 && i % 5 == 0) {
            uint32_t u;
            memcpy(&u, &x[i], 4);
            u = (u & ~0x1fffu) | 0x1000u;
            memcpy(&x[i], &u, 4);
        }
    }
}

/* Step 7 of a run with flips and beta 0.7: Adam's scalars are those of t = 3. */
static void fill_step_in(uint32_t *w) {
    vae_step_in s = {.step = 7, .seed_lo = 0x9abcdef0u, .seed_hi = 0x12345678u, .flip = 1, .beta = 0.7f};
    adam_step_scalars(1e-3, 0.9, 0.999, 3, &s.adam_step_size, &s.adam_inv_sqrt_bc2);
    memcpy(w, &s, sizeof s);
}

/* input_gather's B indices: the first in the chunk [first, first + N),
 * the rest anywhere in [first - 1, first + N], so some fall outside (and
 * first - 1 wraps to 2^32 - 1 when first is 0). */
static void fill_indices(const selftest_case *c, uint32_t *w, uint64_t *rng) {
    const uint32_t B = (uint32_t)c->d[0], N = (uint32_t)c->d[2], first = (uint32_t)c->d[3];
    for (uint32_t b = 0; b < B; b++)
        w[b] = b == 0 ? first + N - 1 : first + (uint32_t)(next(rng) % (N + 2)) - 1;
}

/* S = 2^10, two clean steps, three skipped; found as the case says. */
static void fill_loss_scaler(const selftest_case *c, uint32_t *w) {
    vae_loss_scaler s = {.scale = 1024.0f, .clean = 2, .skipped = 3, .found = c->specials == 2};
    memcpy(w, &s, sizeof s);
}

/* Whether tensor k of a case is the loss scaler. */
static int is_loss_scaler(vae_op_kind kind, int k) {
    switch (kind) {
    case VAE_OP_MSE_BWD: return k == 3;
    case VAE_OP_KL_BWD: case VAE_OP_ADAM: return k == 5;
    case VAE_OP_LOSS_SCALE_CHECK: case VAE_OP_LOSS_SCALE_UPDATE: return k == 0;
    default: return 0;
    }
}

void selftest_fill(const selftest_case *c, const vae_op *op, int k, uint32_t *w, uint64_t *rng) {
    uint32_t n = op->t[k].count;
    int pixels = (c->kind == VAE_OP_INPUT_CONVERT || c->kind == VAE_OP_INPUT_GATHER) && k == 1;
    int indices = c->kind == VAE_OP_INPUT_GATHER && k == 2;
    int step_in = selftest_arena(c->kind, k) == VAE_ARENA_IO && !pixels && !indices &&
                  !(c->kind == VAE_OP_LOSS_REDUCE && k == 0) && !(c->kind == VAE_OP_LOSS_SCALE_UPDATE && k == 1);
    if (is_loss_scaler(c->kind, k))
        fill_loss_scaler(c, w);
    else if (c->kind == VAE_OP_LOSS_SCALE_UPDATE && k == 1) /* step_out: overwritten in part */
        for (uint32_t i = 0; i < n; i++)
            w[i] = (uint32_t)next(rng);
    else if (step_in)
        fill_step_in(w);
    else if (indices)
        fill_indices(c, w, rng);
    else if (pixels)
        for (uint32_t i = 0; i < n; i++)
            w[i] = (uint32_t)next(rng);
    else
        fill_floats(c, k, (float *)w, n, rng);
    if (c->precision == VAE_PRECISION_MIXED && k <= 2)
        fill_mixed_operand(k, (float *)w, n);
}
