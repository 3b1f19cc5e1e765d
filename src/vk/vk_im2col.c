/* The explicit route's layout (vk_im2col.h): the batch chunks, each
 * chunk's GEMM and the scratch regions. No Vulkan calls. */
#include <stdio.h>
#include <string.h>

#include "vk/vk_im2col.h"

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

uint32_t vk_im2col_chunk_images(const vk_im2col *x, uint32_t c) {
    uint32_t B = x->kind == VK_IM2COL_LINEAR ? 1 : x->geo.B, b0 = c * x->chunk_images;
    return B - b0 < x->chunk_images ? B - b0 : x->chunk_images;
}

static void strides(vk_gemm_call *g, uint32_t M, uint32_t N, uint32_t K, uint32_t a_m, uint32_t a_k, uint32_t b_k,
                    uint32_t b_n, uint32_t c_m, uint32_t c_n) {
    g->M = M, g->N = N, g->K = K;
    g->a_m = a_m, g->a_k = a_k, g->b_k = b_k, g->b_n = b_n, g->c_m = c_m, g->c_n = c_n;
}

/* Linear layers, d = B, I, O: x (B,I), y (B,O), w (O,I), C row-major:
 *   forward       y (B×O) = x (B×I) · wᵀ (I×O)
 *   backward-in   dx (B×I) = dy (B×O) · w (O×I)
 *   backward-w    dw (O×I) = dyᵀ (O×B) · x (B×I) */
static void linear_gemm(const vae_op *op, vk_gemm_call *g) {
    uint32_t B = (uint32_t)op->d[0], I = (uint32_t)op->d[1], O = (uint32_t)op->d[2];
    switch (vae_op_info_of(op->kind)->pass) {
    case VAE_PASS_FORWARD: strides(g, B, O, I, I, 1, 1, I, O, 1); break;
    case VAE_PASS_BACKWARD_INPUT: strides(g, B, I, O, O, 1, I, 1, I, 1); break;
    default: strides(g, O, I, B, 1, O, I, 1, I, 1); break;
    }
}

int vk_im2col_chunk_gemm(const vk_im2col *x, const vae_op *op, uint32_t c, const vk_coopmat_config *cfg,
                         const VkPhysicalDeviceProperties *props, vk_gemm_call *g, char *err, size_t errlen) {
    memset(g, 0, sizeof *g);
    g->mixed = op->precision == VAE_PRECISION_MIXED;
    const vk_gemm_push *s = &x->geo;
    uint64_t cols64 = (uint64_t)vk_im2col_chunk_images(x, c) * s->Hs * s->Ws, taps = (uint64_t)s->Cb * 16;
    if (cols64 * (taps > s->Cs ? taps : s->Cs) > UINT32_MAX) {
        snprintf(err, errlen, "%s: a chunk of %u images is outside 32-bit indexing", vae_op_name(op->kind),
                 x->chunk_images);
        return -1;
    }
    uint32_t cols = (uint32_t)cols64, Cb16 = (uint32_t)taps, Cs = s->Cs;
    switch (x->kind) {
    case VK_IM2COL_GATHER: strides(g, Cs, cols, Cb16, Cb16, 1, cols, 1, cols, 1); break;
    case VK_IM2COL_SCATTER: strides(g, Cb16, cols, Cs, 1, Cb16, cols, 1, cols, 1); break;
    case VK_IM2COL_WEIGHT: strides(g, Cs, Cb16, cols, cols, 1, 1, cols, Cb16, 1); break;
    default: linear_gemm(op, g); break;
    }
    return vk_gemm_call_size(g, x->route, cfg, props, err, errlen);
}

/* The batch chunk: COL within the cap, at most VK_IM2COL_MAX_CHUNKS. */
static void chunking(vk_im2col *x, const VkPhysicalDeviceLimits *l, uint32_t want) {
    uint32_t B = x->geo.B;
    uint64_t cap = l->maxStorageBufferRange / 4 < VK_IM2COL_CHUNK_WORDS ? l->maxStorageBufferRange / 4
                                                                        : VK_IM2COL_CHUNK_WORDS;
    uint64_t per_image = (uint64_t)x->geo.Cb * 16 * x->geo.Hs * x->geo.Ws, n = want ? want : cap / per_image;
    if (n < 1)
        n = 1;
    if (n > B)
        n = B;
    if (ceil_div(B, n) > VK_IM2COL_MAX_CHUNKS)
        n = ceil_div(B, VK_IM2COL_MAX_CHUNKS);
    x->chunk_images = (uint32_t)n;
    x->chunks = (uint32_t)ceil_div(B, n);
}

static void kind_of(const vae_op *op, vk_im2col *x) {
    vk_product p;
    vk_product_of(op, &p);
    x->geo = p.push;
    memcpy(x->tensor, p.tensor, sizeof x->tensor);
    switch (p.kernel) {
    case VK_CONV_GATHER: x->kind = VK_IM2COL_GATHER; break;
    case VK_CONV_SCATTER: x->kind = VK_IM2COL_SCATTER; break;
    case VK_CONV_WEIGHT: x->kind = VK_IM2COL_WEIGHT; break;
    default: x->kind = VK_IM2COL_LINEAR; break;
    }
}

static void place(vk_region *r, uint64_t words, uint64_t *end) {
    r->words = words;
    r->offset = words ? ceil_div(*end, VK_IM2COL_ALIGN_WORDS) * VK_IM2COL_ALIGN_WORDS : 0;
    if (words)
        *end = r->offset + words;
}

/* The regions, for GEMM copies of `copies` words (the larger of the
 * first and the last chunk's). */
static int regions(vk_im2col *x, const vae_op *op, uint64_t copies, uint32_t epilogue,
                   const VkPhysicalDeviceLimits *l, char *err, size_t errlen) {
    uint64_t cols = (uint64_t)x->chunk_images * x->geo.Hs * x->geo.Ws, end = 0;
    uint64_t col = cols * x->geo.Cb * 16, cn = cols * x->geo.Cs;
    int adds = vae_op_info_of(op->kind)->pass == VAE_PASS_BACKWARD_INPUT && op->d[3] != 0;
    switch (x->kind) {
    case VK_IM2COL_GATHER: place(&x->col, col, &end), place(&x->cn, copies, &end); break;
    case VK_IM2COL_SCATTER: place(&x->cn, cn, &end), place(&x->col, copies, &end); break;
    case VK_IM2COL_WEIGHT:
        x->direct = x->chunks == 1 && x->gemm.splits == 1;
        place(&x->cn, cn, &end), place(&x->col, col, &end), place(&x->part, x->direct ? 0 : copies, &end);
        break;
    default:
        x->direct = x->gemm.splits == 1 && !epilogue && !adds;
        place(&x->part, x->direct ? 0 : copies, &end);
        break;
    }
    x->scratch_words = end;
    const vk_region *r[3] = {&x->col, &x->cn, &x->part};
    for (int i = 0; i < 3; i++)
        if (r[i]->words * 4 > l->maxStorageBufferRange) {
            snprintf(err, errlen, "%s needs %llu bytes of scratch in one piece, beyond this device's "
                     "maxStorageBufferRange (%u bytes): use a smaller --batch", vae_op_name(op->kind),
                     (unsigned long long)r[i]->words * 4, l->maxStorageBufferRange);
            return -1;
        }
    return 0;
}

int vk_im2col_size(const vae_op *op, vk_route route, const vk_coopmat_config *cfg,
                   const VkPhysicalDeviceProperties *props, uint32_t chunk_images, uint32_t epilogue, vk_im2col *x,
                   char *err, size_t errlen) {
    memset(x, 0, sizeof *x);
    x->route = route;
    kind_of(op, x);
    if (x->kind == VK_IM2COL_LINEAR)
        x->chunk_images = x->chunks = 1;
    else
        chunking(x, &props->limits, chunk_images);
    vk_gemm_call last;
    if (vk_im2col_chunk_gemm(x, op, 0, cfg, props, &x->gemm, err, errlen) != 0 ||
        vk_im2col_chunk_gemm(x, op, x->chunks - 1, cfg, props, &last, err, errlen) != 0)
        return -1;
    uint64_t copies = (uint64_t)x->gemm.splits * x->gemm.M * x->gemm.N;
    uint64_t last_copies = (uint64_t)last.splits * last.M * last.N;
    return regions(x, op, copies > last_copies ? copies : last_copies, epilogue, &props->limits, err, errlen);
}
