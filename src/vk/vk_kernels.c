/* Per op kind: how its kernel is launched and how big its tensors must be. */
#include <stdio.h>
#include <string.h>

#include "vaevk/tensor.h"
#include "vk/vk_kernels.h"

/* 256 invocations: enough to keep a GPU's cores busy, few enough for every
 * device (the minimum maxComputeWorkGroupInvocations is 128; pipelines cut
 * it to the device's limits). */
#define ITEMS(dims) {VK_GRID_ITEMS, 256, dims}
#define GROUPS(dims) {VK_GRID_GROUPS, 256, dims}
/* Planned elsewhere (src/vk/vk_gemm.c): only the sizes count here. */
#define PLANNED(dims) {VK_GRID_GROUPS, 256, dims}

static const vk_kernel kernels[VAE_OP_COUNT] = {
    [VAE_OP_INPUT_CONVERT] = ITEMS(2),
    [VAE_OP_CONV2D_FWD] = PLANNED(5),
    [VAE_OP_CONV2D_BWD_INPUT] = PLANNED(5),
    [VAE_OP_CONV2D_BWD_WEIGHT] = PLANNED(5),
    [VAE_OP_CONVT_FWD] = PLANNED(5),
    [VAE_OP_CONVT_BWD_INPUT] = PLANNED(5),
    [VAE_OP_CONVT_BWD_WEIGHT] = PLANNED(5),
    [VAE_OP_LINEAR_FWD] = PLANNED(3),
    [VAE_OP_LINEAR_BWD_INPUT] = PLANNED(3),
    [VAE_OP_LINEAR_BWD_WEIGHT] = PLANNED(3),
    [VAE_OP_BIAS_FWD] = ITEMS(3),
    [VAE_OP_BIAS_BWD] = PLANNED(3),
    [VAE_OP_LEAKY_RELU_FWD] = ITEMS(1),
    [VAE_OP_LEAKY_RELU_BWD] = ITEMS(1),
    [VAE_OP_RELU_FWD] = ITEMS(1),
    [VAE_OP_RELU_BWD] = ITEMS(1),
    [VAE_OP_TANH_FWD] = ITEMS(1),
    [VAE_OP_TANH_BWD] = ITEMS(1),
    [VAE_OP_EPS_NORMAL] = ITEMS(1),
    [VAE_OP_REPARAM_FWD] = ITEMS(1),
    [VAE_OP_REPARAM_BWD] = ITEMS(1),
    [VAE_OP_KL_FWD] = GROUPS(2),
    [VAE_OP_KL_BWD] = ITEMS(2),
    [VAE_OP_MSE_FWD] = GROUPS(2),
    [VAE_OP_MSE_BWD] = ITEMS(2),
    [VAE_OP_LOSS_REDUCE] = GROUPS(1),
    [VAE_OP_ADAM] = ITEMS(1),
};

const vk_kernel *vk_kernel_get(vae_op_kind kind) {
    return (unsigned)kind < VAE_OP_COUNT ? &kernels[kind] : NULL;
}

static void set_need(uint64_t need[VAE_OP_MAX_TENSORS], uint64_t a, uint64_t b, uint64_t c,
                     uint64_t d, uint64_t e) {
    need[0] = a, need[1] = b, need[2] = c, need[3] = d, need[4] = e;
}

/* Convolutions: `big` is the side with H×W pixels for conv2d's input and
 * conv_transpose2d's output. */
static uint64_t conv_shape(vae_op_kind k, const uint64_t *d, uint64_t need[VAE_OP_MAX_TENSORS],
                           uint64_t *terms) {
    uint64_t B = d[0], Cin = d[1], H = d[2], W = d[3], Cout = d[4];
    uint64_t in = B * Cin * H * W, w = Cin * Cout * 16;
    uint64_t out_pixels = k <= VAE_OP_CONV2D_BWD_WEIGHT ? (H / 2) * (W / 2) : 4 * H * W;
    uint64_t out = B * Cout * out_pixels;
    switch (k) {
    case VAE_OP_CONV2D_FWD: case VAE_OP_CONVT_FWD: set_need(need, out, in, w, 0, 0); return out;
    case VAE_OP_CONV2D_BWD_INPUT: case VAE_OP_CONVT_BWD_INPUT: set_need(need, in, out, w, 0, 0); return in;
    default:
        /* a weight gathers one term per small-side pixel */
        *terms = k == VAE_OP_CONV2D_BWD_WEIGHT ? B * out_pixels : B * H * W;
        set_need(need, w, out, in, 0, 0);
        return w;
    }
}

/* Linear layers: d = B, I, O. */
static uint64_t linear_shape(vae_op_kind k, const uint64_t *d, uint64_t need[VAE_OP_MAX_TENSORS],
                             uint64_t *terms) {
    uint64_t in = d[0] * d[1], out = d[0] * d[2], w = d[2] * d[1];
    switch (k) {
    case VAE_OP_LINEAR_FWD: *terms = d[1]; set_need(need, out, in, w, 0, 0); return out;
    case VAE_OP_LINEAR_BWD_INPUT: set_need(need, in, out, w, 0, 0); return in;
    default: set_need(need, w, out, in, 0, 0); return w;
    }
}

/* Element-wise ops over n values, and the per-image reductions. */
static uint64_t other_shape(vae_op_kind k, const uint64_t *d, uint64_t need[VAE_OP_MAX_TENSORS],
                            uint64_t *terms) {
    const uint64_t S_IN = VAE_STEP_IN_WORDS, n = d[0], bn = d[0] * d[1];
    switch (k) {
    case VAE_OP_INPUT_CONVERT: {
        uint64_t x = d[0] * 3 * d[1] * d[1]; /* and as many bytes of pixels */
        set_need(need, x, (x + 3) / 4, S_IN, 0, 0);
        return x;
    }
    case VAE_OP_BIAS_FWD: set_need(need, bn * d[2], d[1], 0, 0, 0); return bn * d[2];
    case VAE_OP_BIAS_BWD: *terms = d[0] * d[2]; set_need(need, d[1], bn * d[2], 0, 0, 0); return d[1];
    case VAE_OP_LEAKY_RELU_FWD: case VAE_OP_RELU_FWD: case VAE_OP_TANH_FWD:
        set_need(need, n, n, 0, 0, 0);
        return n;
    case VAE_OP_LEAKY_RELU_BWD: case VAE_OP_RELU_BWD: case VAE_OP_TANH_BWD:
        set_need(need, n, n, n, 0, 0);
        return n;
    case VAE_OP_EPS_NORMAL: set_need(need, n, S_IN, 0, 0, 0); return n;
    case VAE_OP_REPARAM_FWD: set_need(need, n, n, n, n, 0); return n;
    case VAE_OP_REPARAM_BWD: set_need(need, n, n, n, n, n); return n;
    case VAE_OP_KL_FWD: *terms = d[1]; set_need(need, d[0], bn, bn, 0, 0); return d[0];
    case VAE_OP_KL_BWD: set_need(need, bn, bn, bn, bn, S_IN); return bn;
    case VAE_OP_MSE_FWD: *terms = d[1]; set_need(need, d[0], bn, bn, 0, 0); return d[0];
    case VAE_OP_MSE_BWD: set_need(need, bn, bn, bn, 0, 0); return bn;
    case VAE_OP_LOSS_REDUCE: *terms = d[0]; set_need(need, 3, d[0], d[0], S_IN, 0); return 1;
    default: set_need(need, n, n, n, n, S_IN); return n; /* VAE_OP_ADAM */
    }
}

static uint64_t shape(vae_op_kind k, const uint64_t *d, uint64_t need[VAE_OP_MAX_TENSORS],
                      uint64_t *terms) {
    if (k >= VAE_OP_CONV2D_FWD && k <= VAE_OP_CONVT_BWD_WEIGHT)
        return conv_shape(k, d, need, terms);
    if (k >= VAE_OP_LINEAR_FWD && k <= VAE_OP_LINEAR_BWD_WEIGHT)
        return linear_shape(k, d, need, terms);
    return other_shape(k, d, need, terms);
}

int vk_op_shape(const vae_op *op, vk_op_size *size, char *err, size_t errlen) {
    const vk_kernel *k = vk_kernel_get(op->kind);
    if (!k) {
        snprintf(err, errlen, "unknown op kind %d", (int)op->kind);
        return -1;
    }
    uint64_t d[VAE_OP_MAX_DIMS] = {0};
    for (int i = 0; i < k->dims; i++) {
        if (op->d[i] <= 0) {
            snprintf(err, errlen, "%s: size d[%d] = %d must be positive", vae_op_name(op->kind), i,
                     (int)op->d[i]);
            return -1;
        }
        d[i] = (uint64_t)op->d[i];
    }
    if (op->kind >= VAE_OP_CONV2D_FWD && op->kind <= VAE_OP_CONV2D_BWD_WEIGHT && (d[2] < 2 || d[3] < 2)) {
        snprintf(err, errlen, "%s: a %dx%d input has no output pixels", vae_op_name(op->kind),
                 (int)d[2], (int)d[3]);
        return -1;
    }
    uint64_t need[VAE_OP_MAX_TENSORS] = {0}, terms = 0;
    uint64_t w = shape(op->kind, d, need, &terms);
    for (int i = 0; i < VAE_OP_MAX_TENSORS; i++)
        if (need[i] > UINT32_MAX)
            w = UINT64_MAX;
    if (terms > UINT32_MAX)
        w = UINT64_MAX;
    if (w > UINT32_MAX) {
        snprintf(err, errlen, "%s: sizes too large for 32-bit indexing: use a smaller --batch",
                 vae_op_name(op->kind));
        return -1;
    }
    size->work = (uint32_t)w;
    size->terms = (uint32_t)terms;
    memcpy(size->need, need, sizeof need);
    return 0;
}

uint32_t vk_segment(uint32_t terms, uint32_t local_size) {
    uint32_t seg = 1;
    while (seg < local_size && (uint64_t)seg * 32 < terms)
        seg *= 2;
    return seg;
}
