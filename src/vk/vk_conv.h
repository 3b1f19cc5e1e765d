/* Convolutions as tiled matrix products (shaders/gemm.glsl). The six
 * convolution ops are three products: a gather from the large side
 * (conv2d forward, conv_transpose2d backward-input), a scatter onto it
 * (conv2d backward-input, conv_transpose2d forward) and the weight
 * gradient. A plan says which kernel an op uses, which of its tensors goes
 * to which binding, the tile shape and how the sum over K is split over
 * workgroups (the parts then go through a scratch buffer and split_sum). */
#ifndef VAEVK_VK_CONV_H
#define VAEVK_VK_CONV_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"
#include "vk/vk_context.h"
#include "vk/vk_pipelines.h"

/* Mirrors the push constants of shaders/gemm_push.glsl. */
typedef struct {
    uint32_t B, Cs, Cb, Hs, Ws, Hb, Wb;
    uint32_t M, N, K, chunk, splits, count;
} vk_gemm_push;

typedef struct {
    vk_conv_kind kind;
    int tensor[3];          /* the op's tensor bound at 0 (the output), 1 and 2 */
    uint32_t spec[VK_MAX_SPEC];       /* workgroup x, y, K step, rows and columns per invocation */
    uint32_t tile_m, tile_n;
    uint32_t groups[3];     /* x: tiles along N, y: along M, z: splits (× 4 classes) */
    vk_gemm_push push;
    uint64_t scratch_words; /* splits·count when split, else 0 */
} vk_conv_plan;

/* 1 for the six convolution op kinds. */
int vk_is_conv(vae_op_kind kind);
/* The plan for a convolution op whose sizes vk_op_shape accepted.
 * -1 with one line in err when no kernel shape fits the device. */
int vk_conv_plan_op(const vae_op *op, const VkPhysicalDeviceProperties *props, vk_conv_plan *plan,
                    char *err, size_t errlen);

/* For tests and tuning: use tile shape `tile` (0..vk_conv_tile_count()-1;
 * -1: choose) and, when splits > 0, split K that many ways (as far as K
 * allows). */
void vk_conv_force(int tile, uint32_t splits);
int vk_conv_tile_count(void);

#endif
