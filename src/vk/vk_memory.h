/* The arenas of vaevk/tensor.h on a device: one VkBuffer and one allocation
 * each, tensors being sub-ranges. The IO arena is host-visible and coherent,
 * so the host reads and writes it in place. The others are device-local;
 * on a device whose device-local memory the host can map (lavapipe,
 * integrated GPUs) they are mapped too, otherwise the host goes through a
 * staging buffer and a copy on the queue. */
#ifndef VAEVK_VK_MEMORY_H
#define VAEVK_VK_MEMORY_H

#include "vaevk/tensor.h"
#include "vk/vk_context.h"

typedef struct {
    VkBuffer buffer;
    VkDeviceMemory memory;
    uint64_t words;
    uint32_t *mapped; /* non-NULL when the host can read and write it in place */
} vk_arena;

typedef struct {
    vk_arena arena[VAE_ARENA_COUNT];
    vk_arena staging;        /* made on first use */
    VkCommandBuffer cmd;     /* for copies and fills */
    VkFence fence;
    int force_staging;       /* VAEVK_FORCE_STAGING=1: never map device-local memory */
    int uma;                 /* device-local memory is host memory (cpu/integrated) */
} vk_memory;

int vk_memory_init(vk_context *ctx, vk_memory *mem, char *err, size_t errlen);
/* Frees the old arenas (waiting for the device first) and makes new ones,
 * zero-filled. Recordings made before refer to the old ones: record again. */
int vk_memory_alloc_arenas(vk_context *ctx, vk_memory *mem, const uint32_t words[VAE_ARENA_COUNT],
                           char *err, size_t errlen);
/* -1 with err unless t lies inside its arena. */
int vk_memory_check(const vk_memory *mem, vae_tensor t, char *err, size_t errlen);
int vk_memory_write(vk_context *ctx, vk_memory *mem, vae_tensor t, const void *src,
                    char *err, size_t errlen);
int vk_memory_read(vk_context *ctx, vk_memory *mem, vae_tensor t, void *dst,
                   char *err, size_t errlen);
/* A device-local buffer of `words` for the kernels alone (the scratch of a
 * recording); free it with vk_memory_destroy_buffer. */
int vk_memory_make_scratch(vk_context *ctx, vk_arena *ar, uint64_t words, char *err, size_t errlen);
void vk_memory_destroy_buffer(vk_context *ctx, vk_arena *ar);
/* The staging buffer: host-visible, coherent, mapped. */
int vk_memory_make_staging(vk_context *ctx, vk_memory *mem, uint64_t words, char *err, size_t errlen);
void vk_memory_free(vk_context *ctx, vk_memory *mem);

#endif
