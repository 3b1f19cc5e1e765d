/* One compute pipeline per op kind, made on first use and kept for the
 * backend's life. */
#ifndef VAEVK_VK_PIPELINES_H
#define VAEVK_VK_PIPELINES_H

#include "vaevk/program.h"
#include "vk/vk_context.h"
#include "vk/vk_kernels.h"

typedef struct {
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkPipeline pipeline;
    uint32_t bindings;    /* storage buffers 0..bindings-1 */
    uint32_t push_bytes;  /* sizeof(vk_push) */
    uint32_t local_size;  /* the kernel's preferred size, cut to the device's limits */
    vk_grid grid;
} vk_pipeline;

/* pipes has VAE_OP_COUNT entries, zeroed before first use. */
int vk_pipeline_get(vk_context *ctx, vk_pipeline *pipes, vae_op_kind kind, const vk_pipeline **out,
                    char *err, size_t errlen);
void vk_pipelines_destroy(vk_context *ctx, vk_pipeline *pipes);

#endif
