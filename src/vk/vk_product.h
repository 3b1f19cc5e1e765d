/* The product ops (family VAE_FAMILY_PRODUCT) as the matrix products of
 * the tiled kernels (shaders/gemm.glsl: "gemm" names the kernels' side,
 * "product" the ops'). The six convolution ops are three products: a
 * gather from the large side (conv2d forward, conv_transpose2d
 * backward-input), a scatter onto it (conv2d backward-input,
 * conv_transpose2d forward) and the weight gradient; the three linear ops
 * are plain products of strided matrices. vk_product_of says which kernel
 * an op uses, which of its tensors goes to which binding, and the
 * product's sizes; the tile shape and the split of the sum over K are
 * vk_tiling.h's, and vk_plan_product (vk_plan.h) makes the dispatches:
 * the product, then split_sum when the sum is split. */
#ifndef VAEVK_VK_PRODUCT_H
#define VAEVK_VK_PRODUCT_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"
#include "vk/vk_dispatch.h"
#include "vk/vk_shaders.h"

/* Mirrors the push constants of shaders/gemm_push.glsl. */
typedef struct {
    uint32_t B, Cs, Cb, Hs, Ws, Hb, Wb;
    uint32_t M, N, K, chunk, splits, count;
    uint32_t a_m, a_k, b_k, b_n, c_m, c_n;
    uint32_t accumulate;
    uint32_t epilogue;   /* VK_EPI_* */
    float slope;
    uint32_t epi_c, epi_n;
    uint32_t b0, nb;     /* the explicit route's batch chunk (vk_im2col.h) */
} vk_gemm_push;

/* The epilogue bits of shaders/gemm_push.glsl. */
#define VK_EPI_BIAS 1u
#define VK_EPI_ACT_SHIFT 1u
#define VK_EPI_LEAKY_RELU 1u
#define VK_EPI_RELU 2u

/* What a forward product does to each output as it is stored: the ops
 * vk_plan_op fused into it. */
typedef struct {
    uint32_t bits;      /* VK_EPI_* */
    float slope;
    vae_tensor bias, act;
} vk_epilogue;

typedef struct {
    vk_product_kernel kernel;
    int tensor[3];      /* the op's tensor bound at 0 (the output), 1 and 2 */
    vk_gemm_push push;  /* sizes and strides; chunk and splits are 0 */
    int mixed;          /* VAE_PRECISION_MIXED: operands rounded to binary16 */
} vk_product;

/* The product of an op of family VAE_FAMILY_PRODUCT whose sizes
 * vae_op_size_of accepted. */
void vk_product_of(const vae_op *op, vk_product *p);

/* The second pass of a split sum (products and bias gradients): out = the
 * sum of the push->splits copies in scratch, then the epilogue, whose
 * tensors are epi[0] and epi[1] (NULL: none). One dispatch, into d. */
int vk_plan_split_sum(vk_backend *b, const vk_gemm_push *push, vk_access out, vk_access scratch,
                      const vk_access epi[2], uint64_t *scratch_words, vk_dispatch *d, char *err, size_t errlen);

#endif
