/* How a product (vk_product.h) or a bias gradient is cut over workgroups:
 * the tile shape that fits the device's shared memory and workgroup limits
 * at the least estimated cost, and how many ways the sum over K is split
 * (the parts then go through a scratch buffer and split_sum). */
#ifndef VAEVK_VK_TILING_H
#define VAEVK_VK_TILING_H

#include <stddef.h>
#include <stdint.h>

#include "vk/vk_product.h"

typedef struct {
    /* workgroup x, y, K step, rows and columns per invocation; fused and
     * mixed (shaders/gemm.glsl) are vk_plan_product's */
    uint32_t spec[VK_MAX_SPEC];
    uint32_t tile_m, tile_n;
    uint32_t groups[3];         /* x: tiles along N, y: along M, z: splits (× 4 classes) */
    uint64_t scratch_words;     /* splits·count when split, else 0 */
} vk_tiling;

/* The tiling of product p; sets p->push.chunk and p->push.splits.
 * -1 with one line in err when no tile shape fits the device. */
int vk_tiling_choose(vk_product *p, const VkPhysicalDeviceProperties *props, vk_tiling *t,
                     char *err, size_t errlen);

/* VAE_OP_BIAS_BWD (shaders/bias_bwd.comp): the workgroup size it wants (a
 * power of two, fewer invocations for fewer terms: the tree of a large
 * workgroup over a handful of terms is all barriers), and with workgroups
 * of ls > 0, the push constants, grid and scratch words (0 when not split). */
uint32_t vk_tiling_bias_bwd_local_size(const vae_op *op);
void vk_tiling_bias_bwd(const vae_op *op, const VkPhysicalDeviceProperties *props, uint32_t ls,
                        vk_gemm_push *push, uint32_t groups[3], uint64_t *scratch_words);

/* For tests and tuning (as does VAEVK_GEMM_TILE=N in the environment): use
 * tile shape `shape` (0..vk_tiling_shape_count()-1; -1: choose) and, when
 * splits > 0, split K (bias gradients too) that many ways (as far as K
 * allows). */
void vk_tiling_force(int shape, uint32_t splits);
int vk_tiling_shape_count(void);

#endif
