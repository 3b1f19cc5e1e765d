/* The products (vk_product.h): each op's product, and its dispatches (the
 * product, then split_sum when the sum is split). */
#include <stdio.h>
#include <string.h>

#include "vk/vk_plan.h"
#include "vk/vk_tiling.h"

static void strides(vk_gemm_push *g, uint32_t a_m, uint32_t a_k, uint32_t b_k, uint32_t b_n, uint32_t c_m,
                    uint32_t c_n) {
    g->a_m = a_m, g->a_k = a_k, g->b_k = b_k, g->b_n = b_n, g->c_m = c_m, g->c_n = c_n;
}

/* Linear layers, d = B, I, O; x (B,I), y (B,O), w (O,I), as products with
 * A and B in the order bound (p->tensor):
 *   forward       y (O×B) = w (O×I) · x^T (I×B)
 *   backward-in   dx (B×I) = dy (B×O) · w (O×I)     (+= the old dx)
 *   backward-w    dw (O×I) = dy^T (O×B) · x (B×I) */
static void linear_geometry(const vae_op *op, vk_product *p) {
    uint32_t B = (uint32_t)op->d[0], I = (uint32_t)op->d[1], O = (uint32_t)op->d[2];
    vk_gemm_push *g = &p->push;
    p->kernel = VK_GEMM_PLAIN;
    p->tensor[0] = 0, p->tensor[1] = 1, p->tensor[2] = 2;
    switch (vae_op_info_of(op->kind)->pass) {
    case VAE_PASS_FORWARD:
        g->M = O, g->N = B, g->K = I;
        strides(g, I, 1, 1, I, 1, O);
        p->tensor[1] = 2, p->tensor[2] = 1; /* A = w, B = x */
        break;
    case VAE_PASS_BACKWARD_INPUT:
        g->M = B, g->N = I, g->K = O;
        strides(g, O, 1, I, 1, I, 1);
        g->accumulate = op->d[3] != 0;
        break;
    default:
        g->M = O, g->N = I, g->K = B;
        strides(g, 1, O, I, 1, I, 1);
        break;
    }
    g->count = g->M * g->N;
    if (vae_op_info_of(op->kind)->pass == VAE_PASS_FORWARD)
        g->epi_c = O; /* y (B,O): word i is output o = i % O */
}

/* The large/small sides (gemm_push.glsl) and the product's sizes. */
void vk_product_of(const vae_op *op, vk_product *p) {
    memset(p, 0, sizeof *p);
    p->mixed = op->precision == VAE_PRECISION_MIXED;
    p->push.epi_c = p->push.epi_n = 1;
    const vae_op_info *info = vae_op_info_of(op->kind);
    if (info->layer == VAE_LAYER_LINEAR) {
        linear_geometry(op, p);
        return;
    }
    uint32_t B = (uint32_t)op->d[0], Cin = (uint32_t)op->d[1], H = (uint32_t)op->d[2];
    uint32_t W = (uint32_t)op->d[3], Cout = (uint32_t)op->d[4];
    vk_gemm_push *g = &p->push;
    g->B = B;
    if (info->layer == VAE_LAYER_CONV2D)
        g->Cb = Cin, g->Cs = Cout, g->Hb = H, g->Wb = W, g->Hs = H / 2, g->Ws = W / 2;
    else
        g->Cs = Cin, g->Cb = Cout, g->Hs = H, g->Ws = W, g->Hb = 2 * H, g->Wb = 2 * W;
    if (info->pass == VAE_PASS_BACKWARD_WEIGHT) {
        p->kernel = VK_CONV_WEIGHT;
        g->M = g->Cs, g->N = g->Cb * 16, g->K = B * g->Hs * g->Ws, g->count = g->Cs * g->Cb * 16;
    } else if ((info->layer == VAE_LAYER_CONV2D) == (info->pass == VAE_PASS_FORWARD)) {
        /* conv2d's forward and the transposed one's backward to the input
         * gather from the big side */
        p->kernel = VK_CONV_GATHER;
        g->M = g->Cs, g->N = B * g->Hs * g->Ws, g->K = g->Cb * 16, g->count = B * g->Cs * g->Hs * g->Ws;
        g->epi_c = g->Cs, g->epi_n = g->Hs * g->Ws;
    } else {
        p->kernel = VK_CONV_SCATTER;
        g->M = g->Cb, g->N = B * ((g->Hb + 1) / 2) * ((g->Wb + 1) / 2), g->K = g->Cs * 4;
        g->count = B * g->Cb * g->Hb * g->Wb;
        g->epi_c = g->Cb, g->epi_n = g->Hb * g->Wb;
    }
    p->tensor[0] = 0, p->tensor[1] = 1, p->tensor[2] = 2;
    if (info->layer == VAE_LAYER_CONVT && info->pass == VAE_PASS_BACKWARD_WEIGHT)
        p->tensor[1] = 2, p->tensor[2] = 1; /* small = x, big = dy */
}


/* Bindings 2 and, unfused, 3 and 4 alias ones it has. */
int vk_plan_split_sum(vk_backend *b, const vk_gemm_push *push, vk_access out, vk_access scratch,
                      const vk_access epi[2], uint64_t *scratch_words, vk_dispatch *d, char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    if (scratch.end > *scratch_words)
        *scratch_words = scratch.end;
    uint32_t ls = vk_pick_local_size(l, 256, 0);
    const uint32_t spec[VK_MAX_SPEC] = {ls, 0, 0, 0, 0, push->epilogue != 0};
    if (vk_dispatch_pipeline(b, &vk_split_sum_shader, spec, 5, sizeof *push, d, err, errlen) != 0)
        return -1;
    memcpy(d->push, push, sizeof *push);
    scratch.written = 0;
    d->bind[0] = out;
    d->bind[1] = scratch;
    d->bind[2] = scratch;
    d->bind[3] = epi ? epi[0] : scratch;
    d->bind[4] = epi ? epi[1] : out;
    d->groups[0] = vk_groups_for(l, push->count, ls);
    d->groups[1] = d->groups[2] = 1;
    snprintf(d->label, sizeof d->label, "split_sum");
    return 0;
}

static const char *epilogue_name(uint32_t bits) {
    static const char *names[] = {"", "+bias", "+leaky_relu", "+bias+leaky_relu", "+relu", "+bias+relu"};
    return bits < 6 ? names[bits] : "+?";
}

int vk_plan_product(vk_backend *b, const vae_op *op, const vk_epilogue *e, vk_dispatch *out,
                    uint64_t *scratch_words, char *err, size_t errlen) {
    vk_product p;
    vk_tiling t;
    vk_product_of(op, &p);
    if (vk_tiling_choose(&p, &b->ctx.props, &t, err, errlen) != 0)
        return -1;
    p.push.epilogue = e->bits;
    p.push.slope = e->slope;
    t.spec[5] = e->bits != 0 && !t.scratch_words; /* split: split_sum does the epilogue */
    t.spec[6] = (uint32_t)p.mixed;
    if (vk_dispatch_pipeline(b, &vk_product_shaders[p.kernel], t.spec, 5, sizeof p.push, &out[0], err, errlen) != 0)
        return -1;
    memcpy(out[0].push, &p.push, sizeof p.push);
    vk_access result = vk_tensor_access(op->t[p.tensor[0]], 1);
    vk_access scratch = {VK_SCRATCH_BUFFER, 0, t.scratch_words, 1};
    vk_access a = vk_tensor_access(op->t[p.tensor[1]], 0);
    vk_access epi[2] = {e->bits & VK_EPI_BIAS ? vk_tensor_access(e->bias, 0) : a,
                        e->bits >> VK_EPI_ACT_SHIFT ? vk_tensor_access(e->act, 1) : result};
    out[0].bind[0] = t.scratch_words ? scratch : result;
    out[0].bind[1] = a;
    out[0].bind[2] = vk_tensor_access(op->t[p.tensor[2]], 0);
    out[0].bind[3] = t.scratch_words ? a : epi[0];
    out[0].bind[4] = t.scratch_words ? scratch : epi[1];
    memcpy(out[0].groups, t.groups, sizeof t.groups);
    snprintf(out[0].label, sizeof out[0].label, "%s%s %ux%ux%u tile %ux%u split %u%s", vae_op_name(op->kind),
             epilogue_name(e->bits), p.push.M, p.push.N * (p.kernel == VK_CONV_SCATTER ? 4 : 1), p.push.K,
             t.tile_m, t.tile_n, p.push.splits, p.mixed ? " mixed" : "");
    if (!t.scratch_words)
        return 1;
    return vk_plan_split_sum(b, &p.push, result, scratch, epi, scratch_words, &out[1], err, errlen) == 0 ? 2 : -1;
}

