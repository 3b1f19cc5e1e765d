/* Convolutions and linear layers as tiled matrix products
 * (shaders/gemm.glsl). The six convolution ops are three products: a
 * gather from the large side (conv2d forward, conv_transpose2d
 * backward-input), a scatter onto it (conv2d backward-input,
 * conv_transpose2d forward) and the weight gradient; the three linear ops
 * are plain products of strided matrices. A plan says which kernel an op
 * uses, which of its tensors goes to which binding, the tile shape and how
 * the sum over K is split over workgroups (the parts then go through a
 * scratch buffer and split_sum). */
#ifndef VAEVK_VK_GEMM_H
#define VAEVK_VK_GEMM_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"
#include "vk/vk_context.h"
#include "vk/vk_pipelines.h"

/* Mirrors the push constants of shaders/gemm_push.glsl. */
typedef struct {
    uint32_t B, Cs, Cb, Hs, Ws, Hb, Wb;
    uint32_t M, N, K, chunk, splits, count;
    uint32_t a_m, a_k, b_k, b_n, c_m, c_n;
    uint32_t accumulate;
    uint32_t epilogue;   /* VK_EPI_* */
    float slope;
    uint32_t epi_c, epi_n;
} vk_gemm_push;

/* The epilogue bits of shaders/gemm_push.glsl. */
#define VK_EPI_BIAS 1u
#define VK_EPI_ACT_SHIFT 1u
#define VK_EPI_LEAKY_RELU 1u
#define VK_EPI_RELU 2u

typedef struct {
    vk_gemm_kind kind;
    int tensor[3];          /* the op's tensor bound at 0 (the output), 1 and 2 */
    uint32_t spec[VK_MAX_SPEC];       /* workgroup x, y, K step, rows and columns per invocation, fused */
    uint32_t tile_m, tile_n;
    uint32_t groups[3];     /* x: tiles along N, y: along M, z: splits (× 4 classes) */
    vk_gemm_push push;
    uint64_t scratch_words; /* splits·count when split, else 0 */
} vk_gemm_plan;

/* 1 for the convolution and linear op kinds. */
int vk_uses_gemm(vae_op_kind kind);
/* The plan for such an op whose sizes vae_op_size_of accepted.
 * -1 with one line in err when no kernel shape fits the device. */
int vk_gemm_plan_op(const vae_op *op, const VkPhysicalDeviceProperties *props, vk_gemm_plan *plan,
                    char *err, size_t errlen);

/* VAE_OP_BIAS_BWD (shaders/bias_bwd.comp): the workgroup size it wants (a
 * power of two, fewer invocations for fewer terms: the tree of a large
 * workgroup over a handful of terms is all barriers), and with workgroups
 * of ls > 0, the push constants, grid and scratch words (0 when not split). */
uint32_t vk_bias_bwd_local_size(const vae_op *op);
void vk_bias_bwd_plan(const vae_op *op, const VkPhysicalDeviceProperties *props, uint32_t ls,
                      vk_gemm_push *push, uint32_t groups[3], uint64_t *scratch_words);

/* For tests and tuning (as does VAEVK_GEMM_TILE=N in the environment): use
 * tile shape `tile` (0..vk_gemm_tile_count()-1;
 * -1: choose) and, when splits > 0, split K (bias gradients too) that many
 * ways (as far as K allows). */
void vk_gemm_force(int tile, uint32_t splits);
int vk_gemm_tile_count(void);

#endif
