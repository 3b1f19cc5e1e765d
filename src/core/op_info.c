/* The facts of every op (vaevk/program.h): its tensors, what it writes, its
 * family, and the words each tensor must hold for given sizes. */
#include <stdio.h>
#include <string.h>

#include "vaevk/program.h"

#define PRODUCT(name, layer, pass) \
    {name, layer != VAE_LAYER_LINEAR ? "B Cin H W Cout" : pass == VAE_PASS_BACKWARD_INPUT ? "B I O accumulate" : "B I O", \
     3, layer == VAE_LAYER_LINEAR ? 3 : 5, 1, VAE_FAMILY_PRODUCT, layer, pass, 0}
#define EACH(name, dims, tensors, sizes, writes, exact) \
    {name, dims, tensors, sizes, writes, VAE_FAMILY_ELEMENTWISE, VAE_LAYER_NONE, VAE_PASS_NONE, exact}
#define SUM(name, dims, tensors, sizes) \
    {name, dims, tensors, sizes, 1, VAE_FAMILY_REDUCTION, VAE_LAYER_NONE, VAE_PASS_NONE, 0}

static const vae_op_info info[VAE_OP_COUNT] = {
    [VAE_OP_INPUT_CONVERT] = EACH("input_convert", "B S", 3, 2, 1, 1),
    [VAE_OP_CONV2D_FWD] = PRODUCT("conv2d_forward", VAE_LAYER_CONV2D, VAE_PASS_FORWARD),
    [VAE_OP_CONV2D_BWD_INPUT] = PRODUCT("conv2d_backward_input", VAE_LAYER_CONV2D, VAE_PASS_BACKWARD_INPUT),
    [VAE_OP_CONV2D_BWD_WEIGHT] = PRODUCT("conv2d_backward_weight", VAE_LAYER_CONV2D, VAE_PASS_BACKWARD_WEIGHT),
    [VAE_OP_CONVT_FWD] = PRODUCT("conv_transpose2d_forward", VAE_LAYER_CONVT, VAE_PASS_FORWARD),
    [VAE_OP_CONVT_BWD_INPUT] = PRODUCT("conv_transpose2d_backward_input", VAE_LAYER_CONVT, VAE_PASS_BACKWARD_INPUT),
    [VAE_OP_CONVT_BWD_WEIGHT] = PRODUCT("conv_transpose2d_backward_weight", VAE_LAYER_CONVT, VAE_PASS_BACKWARD_WEIGHT),
    [VAE_OP_LINEAR_FWD] = PRODUCT("linear_forward", VAE_LAYER_LINEAR, VAE_PASS_FORWARD),
    [VAE_OP_LINEAR_BWD_INPUT] = PRODUCT("linear_backward_input", VAE_LAYER_LINEAR, VAE_PASS_BACKWARD_INPUT),
    [VAE_OP_LINEAR_BWD_WEIGHT] = PRODUCT("linear_backward_weight", VAE_LAYER_LINEAR, VAE_PASS_BACKWARD_WEIGHT),
    [VAE_OP_BIAS_FWD] = EACH("bias_forward", "B C N", 2, 3, 1, 1),
    [VAE_OP_BIAS_BWD] = SUM("bias_backward", "B C N", 2, 3),
    [VAE_OP_LEAKY_RELU_FWD] = EACH("leaky_relu_forward", "n", 2, 1, 1, 1),
    [VAE_OP_LEAKY_RELU_BWD] = EACH("leaky_relu_backward", "n", 3, 1, 1, 1),
    [VAE_OP_RELU_FWD] = EACH("relu_forward", "n", 2, 1, 1, 1),
    [VAE_OP_RELU_BWD] = EACH("relu_backward", "n", 3, 1, 1, 1),
    [VAE_OP_TANH_FWD] = EACH("tanh_forward", "n", 2, 1, 1, 0),
    [VAE_OP_TANH_BWD] = EACH("tanh_backward", "n", 3, 1, 1, 1),
    [VAE_OP_EPS_NORMAL] = EACH("eps_normal", "n", 2, 1, 1, 0),
    [VAE_OP_REPARAM_FWD] = EACH("reparameterize_forward", "n", 4, 1, 1, 0),
    [VAE_OP_REPARAM_BWD] = EACH("reparameterize_backward", "n", 5, 1, 3, 0),
    [VAE_OP_KL_FWD] = SUM("kl_forward", "B L", 3, 2),
    [VAE_OP_KL_BWD] = EACH("kl_backward", "B L", 6, 2, 3, 0),
    [VAE_OP_MSE_FWD] = SUM("mse_forward", "B N", 3, 2),
    [VAE_OP_MSE_BWD] = EACH("mse_backward", "B N", 4, 2, 1, 0),
    [VAE_OP_LOSS_REDUCE] = SUM("loss_reduce", "B", 4, 1),
    [VAE_OP_ADAM] = EACH("adam", "n", 6, 1, 1 | 4 | 8, 0),
    /* a reduction of N·L terms per point, not a layer's product; exp and log make it inexact */
    [VAE_OP_AGGREGATE_LOG_DENSITY] = SUM("aggregate_log_density", "S N L", 4, 3),
    /* n independent tests, any of which may set the one flag */
    [VAE_OP_LOSS_SCALE_CHECK] = EACH("loss_scale_check", "n", 2, 1, 1, 1),
    [VAE_OP_LOSS_SCALE_UPDATE] = EACH("loss_scale_update", "interval", 2, 1, 1 | 2, 1),
    /* d[3], first, is an image number and may be 0 */
    [VAE_OP_INPUT_GATHER] = EACH("input_gather", "B S N first", 4, 3, 1, 1),
};

const vae_op_info *vae_op_info_of(vae_op_kind kind) {
    return (unsigned)kind < VAE_OP_COUNT ? &info[kind] : NULL;
}

const char *vae_op_name(vae_op_kind kind) {
    return (unsigned)kind < VAE_OP_COUNT ? info[kind].name : "unknown";
}

int vae_op_tensor_count(vae_op_kind kind) {
    return (unsigned)kind < VAE_OP_COUNT ? info[kind].tensors : 0;
}

void vae_op_sizes_text(const vae_op *op, char *out, size_t outlen) {
    const vae_op_info *info = vae_op_info_of(op->kind);
    const char *names = info ? info->dims : "";
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; *names && i < VAE_OP_MAX_DIMS && used < outlen; i++) {
        size_t len = strcspn(names, " ");
        int n = snprintf(out + used, outlen - used, "%s%.*s=%d", i ? " " : "", (int)len, names, (int)op->d[i]);
        used += n > 0 ? (size_t)n : 0;
        names += len + (names[len] == ' ');
    }
}

static void set5(uint64_t w[VAE_OP_MAX_TENSORS], uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                 uint64_t e) {
    w[0] = a, w[1] = b, w[2] = c, w[3] = d, w[4] = e;
}

/* Kernel 4, stride 2, padding 1; `in` is always the (H, W) side, so the
 * other side is (H/2, W/2) for conv2d and (2H, 2W) for the transposed one.
 * Each output sums one term per (channel, tap) of the other side, except
 * a weight gradient, which sums one per pixel of the small side. */
static void conv_size(const vae_op_info *i, const uint64_t *d, uint64_t w[VAE_OP_MAX_TENSORS],
                      uint64_t *work, uint64_t *terms) {
    uint64_t B = d[0], Cin = d[1], H = d[2], W = d[3], Cout = d[4];
    uint64_t in = B * Cin * H * W, weight = Cin * Cout * 16;
    uint64_t other_pixels = i->layer == VAE_LAYER_CONV2D ? (H / 2) * (W / 2) : 4 * H * W;
    uint64_t out = B * Cout * other_pixels;
    uint64_t small_pixels = i->layer == VAE_LAYER_CONV2D ? other_pixels : H * W;
    switch (i->pass) {
    case VAE_PASS_FORWARD:
        set5(w, out, in, weight, 0, 0);
        *work = out, *terms = Cin * (i->layer == VAE_LAYER_CONV2D ? 16 : 4);
        break;
    case VAE_PASS_BACKWARD_INPUT:
        set5(w, in, out, weight, 0, 0);
        *work = in, *terms = Cout * (i->layer == VAE_LAYER_CONV2D ? 4 : 16);
        break;
    default:
        set5(w, weight, out, in, 0, 0);
        *work = weight, *terms = B * small_pixels;
        break;
    }
}

/* Linear layers, d = B, I, O. */
static void linear_size(const vae_op_info *i, const uint64_t *d, uint64_t w[VAE_OP_MAX_TENSORS],
                        uint64_t *work, uint64_t *terms) {
    uint64_t in = d[0] * d[1], out = d[0] * d[2], weight = d[2] * d[1];
    switch (i->pass) {
    case VAE_PASS_FORWARD: set5(w, out, in, weight, 0, 0); *work = out, *terms = d[1]; break;
    case VAE_PASS_BACKWARD_INPUT: set5(w, in, out, weight, 0, 0); *work = in, *terms = d[2]; break;
    default: set5(w, weight, out, in, 0, 0); *work = weight, *terms = d[0]; break;
    }
}

/* Everything else: element-wise ops over n values, per-image sums. */
static void other_size(vae_op_kind k, const uint64_t *d, uint64_t w[VAE_OP_MAX_TENSORS],
                       uint64_t *work, uint64_t *terms) {
    const uint64_t S = VAE_STEP_IN_WORDS, n = d[0], bn = d[0] * d[1], LS = VAE_LOSS_SCALER_WORDS;
    switch (k) {
    case VAE_OP_INPUT_CONVERT: {
        uint64_t x = d[0] * 3 * d[1] * d[1]; /* and as many pixel bytes, 4 per word */
        set5(w, x, (x + 3) / 4, S, 0, 0);
        break;
    }
    case VAE_OP_INPUT_GATHER: {
        uint64_t x = d[0] * 3 * d[1] * d[1], bytes = d[2] * 3 * d[1] * d[1];
        /* images are addressed by byte: their bytes, not only words, fit 32 bits */
        set5(w, x, bytes > UINT32_MAX ? bytes : (bytes + 3) / 4, d[0], S, 0);
        break;
    }
    case VAE_OP_BIAS_FWD: set5(w, bn * d[2], d[1], 0, 0, 0); break;
    case VAE_OP_BIAS_BWD: set5(w, d[1], bn * d[2], 0, 0, 0); *terms = d[0] * d[2]; break;
    case VAE_OP_LEAKY_RELU_FWD: case VAE_OP_RELU_FWD: case VAE_OP_TANH_FWD: set5(w, n, n, 0, 0, 0); break;
    case VAE_OP_LEAKY_RELU_BWD: case VAE_OP_RELU_BWD: case VAE_OP_TANH_BWD: set5(w, n, n, n, 0, 0); break;
    case VAE_OP_EPS_NORMAL: set5(w, n, S, 0, 0, 0); break;
    case VAE_OP_REPARAM_FWD: set5(w, n, n, n, n, 0); break;
    case VAE_OP_REPARAM_BWD: set5(w, n, n, n, n, n); break;
    case VAE_OP_KL_FWD: case VAE_OP_MSE_FWD: set5(w, d[0], bn, bn, 0, 0); *terms = d[1]; break;
    case VAE_OP_KL_BWD: set5(w, bn, bn, bn, bn, S); w[5] = LS; break;
    case VAE_OP_MSE_BWD: set5(w, bn, bn, bn, LS, 0); break;
    case VAE_OP_LOSS_REDUCE: set5(w, 3, d[0], d[0], S, 0); *terms = d[0]; break; /* loss, recon, kl */
    case VAE_OP_AGGREGATE_LOG_DENSITY:
        set5(w, d[0], d[0] * d[2], d[1] * d[2], d[1] * d[2], 0);
        *terms = d[1] * d[2];
        break;
    case VAE_OP_LOSS_SCALE_CHECK: set5(w, LS, n, 0, 0, 0); break;
    case VAE_OP_LOSS_SCALE_UPDATE: set5(w, LS, VAE_STEP_OUT_WORDS, 0, 0, 0); break;
    default: set5(w, n, n, n, n, S); w[5] = LS; break; /* VAE_OP_ADAM */
    }
    *work = k == VAE_OP_LOSS_SCALE_CHECK ? n : k == VAE_OP_LOSS_REDUCE || k == VAE_OP_LOSS_SCALE_UPDATE ? 1 : w[0];
}

int vae_op_size_of(const vae_op *op, vae_op_size *size, char *err, size_t errlen) {
    const vae_op_info *i = vae_op_info_of(op->kind);
    if (!i) {
        snprintf(err, errlen, "unknown op kind %d", (int)op->kind);
        return -1;
    }
    uint64_t d[VAE_OP_MAX_DIMS] = {0}, w[VAE_OP_MAX_TENSORS] = {0}, work = 0, terms = 0;
    for (int k = 0; k < i->sizes; k++) {
        if (op->d[k] <= 0) {
            snprintf(err, errlen, "%s: size d[%d] = %d must be positive", i->name, k, (int)op->d[k]);
            return -1;
        }
        d[k] = (uint64_t)op->d[k];
    }
    if (op->kind == VAE_OP_INPUT_GATHER && op->d[3] < 0) {
        snprintf(err, errlen, "%s: the first image's number d[3] = %d is negative", i->name, (int)op->d[3]);
        return -1;
    }
    if (i->layer == VAE_LAYER_CONV2D && (d[2] < 2 || d[3] < 2)) {
        snprintf(err, errlen, "%s: a %dx%d input has no output pixels", i->name, (int)d[2], (int)d[3]);
        return -1;
    }
    if (i->layer == VAE_LAYER_CONV2D || i->layer == VAE_LAYER_CONVT)
        conv_size(i, d, w, &work, &terms);
    else if (i->layer == VAE_LAYER_LINEAR)
        linear_size(i, d, w, &work, &terms);
    else
        other_size(op->kind, d, w, &work, &terms);
    int too_big = work > UINT32_MAX || terms > UINT32_MAX;
    for (int k = 0; k < VAE_OP_MAX_TENSORS; k++)
        too_big |= w[k] > UINT32_MAX;
    if (too_big) {
        snprintf(err, errlen, "%s: sizes too large for 32-bit indexing: use a smaller --batch", i->name);
        return -1;
    }
    for (int k = 0; k < VAE_OP_MAX_TENSORS; k++)
        size->words[k] = (uint32_t)w[k];
    size->work = (uint32_t)work;
    size->terms = (uint32_t)terms;
    return 0;
}
