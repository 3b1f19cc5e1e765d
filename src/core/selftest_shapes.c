/* The words each tensor of an op holds, worked out from vaevk/program.h
 * alone: the selftest sizes its tensors from here, not from the backend
 * under test, so a backend that reads or writes past what the op means is
 * caught by the guard words. */
#include <stdio.h>
#include <string.h>

#include "vaevk/selftest.h"

/* Sizes that must be positive, per kind (the rest of d[] is options). */
static int positive_dims(vae_op_kind k) {
    if (k >= VAE_OP_CONV2D_FWD && k <= VAE_OP_CONVT_BWD_WEIGHT)
        return 5;
    switch (k) {
    case VAE_OP_LINEAR_FWD: case VAE_OP_LINEAR_BWD_INPUT: case VAE_OP_LINEAR_BWD_WEIGHT:
    case VAE_OP_BIAS_FWD: case VAE_OP_BIAS_BWD:
        return 3;
    case VAE_OP_INPUT_CONVERT: case VAE_OP_KL_FWD: case VAE_OP_KL_BWD: case VAE_OP_MSE_FWD:
    case VAE_OP_MSE_BWD:
        return 2;
    default:
        return 1;
    }
}

static void set5(uint64_t w[VAE_OP_MAX_TENSORS], uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                 uint64_t e) {
    w[0] = a, w[1] = b, w[2] = c, w[3] = d, w[4] = e;
}

/* Kernel 4, stride 2, padding 1: conv2d's output is (H/2, W/2), the
 * transposed convolution's (2H, 2W); `in` is always the (H, W) side. */
static void conv_words(vae_op_kind k, const uint64_t *d, uint64_t w[VAE_OP_MAX_TENSORS]) {
    uint64_t B = d[0], Cin = d[1], H = d[2], W = d[3], Cout = d[4];
    uint64_t in = B * Cin * H * W, weight = Cin * Cout * 16;
    uint64_t out = B * Cout * (k <= VAE_OP_CONV2D_BWD_WEIGHT ? (H / 2) * (W / 2) : 4 * H * W);
    if (k == VAE_OP_CONV2D_FWD || k == VAE_OP_CONVT_FWD)
        set5(w, out, in, weight, 0, 0);
    else if (k == VAE_OP_CONV2D_BWD_INPUT || k == VAE_OP_CONVT_BWD_INPUT)
        set5(w, in, out, weight, 0, 0);
    else
        set5(w, weight, out, in, 0, 0);
}

static void other_words(vae_op_kind k, const uint64_t *d, uint64_t w[VAE_OP_MAX_TENSORS]) {
    const uint64_t S = VAE_STEP_IN_WORDS, n = d[0], bn = d[0] * d[1];
    switch (k) {
    case VAE_OP_INPUT_CONVERT: {
        uint64_t x = d[0] * 3 * d[1] * d[1]; /* and as many pixel bytes, 4 per word */
        set5(w, x, (x + 3) / 4, S, 0, 0);
        break;
    }
    case VAE_OP_LINEAR_FWD: set5(w, d[0] * d[2], d[0] * d[1], d[2] * d[1], 0, 0); break;
    case VAE_OP_LINEAR_BWD_INPUT: set5(w, d[0] * d[1], d[0] * d[2], d[2] * d[1], 0, 0); break;
    case VAE_OP_LINEAR_BWD_WEIGHT: set5(w, d[2] * d[1], d[0] * d[2], d[0] * d[1], 0, 0); break;
    case VAE_OP_BIAS_FWD: set5(w, bn * d[2], d[1], 0, 0, 0); break;
    case VAE_OP_BIAS_BWD: set5(w, d[1], bn * d[2], 0, 0, 0); break;
    case VAE_OP_LEAKY_RELU_FWD: case VAE_OP_RELU_FWD: case VAE_OP_TANH_FWD: set5(w, n, n, 0, 0, 0); break;
    case VAE_OP_LEAKY_RELU_BWD: case VAE_OP_RELU_BWD: case VAE_OP_TANH_BWD: set5(w, n, n, n, 0, 0); break;
    case VAE_OP_EPS_NORMAL: set5(w, n, S, 0, 0, 0); break;
    case VAE_OP_REPARAM_FWD: set5(w, n, n, n, n, 0); break;
    case VAE_OP_REPARAM_BWD: set5(w, n, n, n, n, n); break;
    case VAE_OP_KL_FWD: case VAE_OP_MSE_FWD: set5(w, d[0], bn, bn, 0, 0); break;
    case VAE_OP_KL_BWD: set5(w, bn, bn, bn, bn, S); break;
    case VAE_OP_MSE_BWD: set5(w, bn, bn, bn, 0, 0); break;
    case VAE_OP_LOSS_REDUCE: set5(w, 3, d[0], d[0], S, 0); break; /* loss, recon, kl */
    case VAE_OP_ADAM: set5(w, n, n, n, n, S); break;
    default: set5(w, 0, 0, 0, 0, 0); break;
    }
}

int vae_selftest_tensor_words(const vae_op *op, uint32_t words[VAE_OP_MAX_TENSORS], char *err,
                              size_t errlen) {
    vae_op_kind k = op->kind;
    if ((unsigned)k >= VAE_OP_COUNT) {
        snprintf(err, errlen, "unknown op kind %d", (int)k);
        return -1;
    }
    uint64_t d[VAE_OP_MAX_DIMS] = {0}, w[VAE_OP_MAX_TENSORS];
    for (int i = 0; i < positive_dims(k); i++) {
        if (op->d[i] <= 0) {
            snprintf(err, errlen, "%s: size d[%d] = %d must be positive", vae_op_name(k), i, (int)op->d[i]);
            return -1;
        }
        d[i] = (uint64_t)op->d[i];
    }
    if (k >= VAE_OP_CONV2D_FWD && k <= VAE_OP_CONV2D_BWD_WEIGHT && (d[2] < 2 || d[3] < 2)) {
        snprintf(err, errlen, "%s: a %dx%d input has no output pixels", vae_op_name(k), (int)d[2], (int)d[3]);
        return -1;
    }
    if (k >= VAE_OP_CONV2D_FWD && k <= VAE_OP_CONVT_BWD_WEIGHT)
        conv_words(k, d, w);
    else
        other_words(k, d, w);
    for (int i = 0; i < VAE_OP_MAX_TENSORS; i++) {
        if (w[i] > UINT32_MAX) {
            snprintf(err, errlen, "%s: tensor %d needs more than 2^32 words", vae_op_name(k), i);
            return -1;
        }
        words[i] = (uint32_t)w[i];
    }
    return 0;
}
