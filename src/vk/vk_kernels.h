/* The contract between an op (vaevk/program.h) and its kernel
 * (shaders/<name>.comp, see shaders/common.glsl), for every op but the
 * convolutions, linear layers and bias gradient (tiled products and split
 * sums: vk_product.h, vk_tiling.h). vk_plan_kernel (vk_plan.h) plans the
 * dispatch of each kind below that is not PLANNED elsewhere:
 *   bindings  the op's tensors t[0..k) in order, storage buffers of set 0,
 *             each bound at the tensor's own offset and range;
 *   push      vk_push: the op's d[] and f[], the work count n and the
 *             segment size seg;
 *   workgroup specialization constant 0, a power of two;
 *   grid      ITEMS: n invocations, one per work item; GROUPS: n outputs,
 *             each a sum of `terms` terms computed by a segment of seg
 *             invocations that combine their partial sums in shared memory
 *             (shaders/reduce.glsl).
 * vae_op_size_of (vaevk/program.h) gives n, the terms and the words each
 * tensor must hold, so a program whose tensors are too small is refused
 * instead of writing out of bounds. */
#ifndef VAEVK_VK_KERNELS_H
#define VAEVK_VK_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"

typedef enum { VK_GRID_ITEMS, VK_GRID_GROUPS } vk_grid;

/* Mirrors the push_constant block of shaders/common.glsl (std430). */
typedef struct {
    int32_t d[VAE_OP_MAX_DIMS];
    float f[3];
    uint32_t n;
    uint32_t seg;
} vk_push;

typedef struct {
    vk_grid grid;
    uint32_t local_size;  /* preferred workgroup size, a power of two */
} vk_kernel;

/* NULL for an unknown kind. */
const vk_kernel *vk_kernel_get(vae_op_kind kind);
/* The segment for `terms` terms: the smallest power of two that leaves each
 * invocation at most 32 terms, capped at the workgroup size. Short serial
 * sums keep fp32 rounding small; segments of 1 need no barriers. */
uint32_t vk_segment(uint32_t terms, uint32_t local_size);

#endif
