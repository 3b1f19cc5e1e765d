/* The SPIR-V of every kernel, compiled from shaders/<name>.comp at build
 * time and linked in: one per op kind, except the convolutions and linear
 * layers, which share four tiled matrix-product kernels and the split sum
 * (src/vk/vk_gemm.c). */
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

/* Indexed by op kind; code is NULL for the kinds vk_uses_gemm(). */
extern const vk_shader vk_shaders[VAE_OP_COUNT];

typedef enum { VK_CONV_GATHER, VK_CONV_SCATTER, VK_CONV_WEIGHT, VK_GEMM_PLAIN, VK_GEMM_KINDS } vk_gemm_kind;
extern const vk_shader vk_gemm_shaders[VK_GEMM_KINDS];
extern const vk_shader vk_split_sum_shader;

#endif
