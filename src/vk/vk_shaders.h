/* The SPIR-V of every kernel, compiled from shaders/<name>.comp at build
 * time and linked in: one per op kind, except the convolutions and linear
 * layers, which share four tiled matrix-product kernels and the split sum
 * (vk_product.h). */
#ifndef VAEVK_VK_SHADERS_H
#define VAEVK_VK_SHADERS_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"

typedef struct {
    const char *name;
    const uint32_t *code;
    size_t bytes;
} vk_shader;

/* Indexed by op kind; code is NULL for the product ops (family VAE_FAMILY_PRODUCT). */
extern const vk_shader vk_shaders[VAE_OP_COUNT];

/* The tiled matrix-product kernels (shaders/gemm.glsl) the product ops run on. */
typedef enum { VK_CONV_GATHER, VK_CONV_SCATTER, VK_CONV_WEIGHT, VK_GEMM_PLAIN, VK_PRODUCT_KERNELS } vk_product_kernel;
extern const vk_shader vk_product_shaders[VK_PRODUCT_KERNELS];
extern const vk_shader vk_split_sum_shader;

/* The explicit route's layout kernels (shaders/im2col.glsl, vk_im2col.h):
 * a convolution's taps into a matrix and back, the small side's channels
 * as rows and back. */
typedef enum { VK_IM2COL, VK_COL2IM, VK_TO_CN, VK_FROM_CN, VK_LAYOUT_KERNELS } vk_layout_kernel;
extern const vk_shader vk_layout_shaders[VK_LAYOUT_KERNELS];

#endif
