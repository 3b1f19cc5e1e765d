/* The SPIR-V of every kernel, compiled from shaders/<name>.comp at build
 * time and linked in: one per op kind, except the convolutions, which share
 * three tiled kernels (src/vk/vk_conv.c) and the split sum. */
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

/* Indexed by op kind; code is NULL for the convolutions. */
extern const vk_shader vk_shaders[VAE_OP_COUNT];

typedef enum { VK_CONV_GATHER, VK_CONV_SCATTER, VK_CONV_WEIGHT, VK_CONV_KINDS } vk_conv_kind;
extern const vk_shader vk_conv_shaders[VK_CONV_KINDS];
extern const vk_shader vk_split_sum_shader;

#endif
