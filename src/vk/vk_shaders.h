/* The SPIR-V of every kernel, compiled from shaders/<name>.comp at build
 * time and linked in, indexed by op kind. */
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

extern const vk_shader vk_shaders[VAE_OP_COUNT];

#endif
