/* Compute pipelines, made on first use and kept for the backend's life:
 * one per kernel and set of specialization constants (workgroup size and
 * tile shape), all built through one VkPipelineCache. */
#ifndef VAEVK_VK_PIPELINES_H
#define VAEVK_VK_PIPELINES_H

#include "vk/vk_context.h"
#include "vk/vk_shaders.h"

#define VK_MAX_SPEC 7
#define VK_MAX_PIPELINES 128

typedef struct {
    const vk_shader *shader;
    uint32_t spec[VK_MAX_SPEC]; /* specialization constants 0.. */
    uint32_t bindings;          /* storage buffers 0..bindings-1 */
    uint32_t push_bytes;
} vk_pipeline_key;

typedef struct {
    vk_pipeline_key key;
    VkDescriptorSetLayout set_layout;
    VkPipelineLayout layout;
    VkPipeline pipeline;
} vk_pipeline;

typedef struct {
    vk_pipeline *items[VK_MAX_PIPELINES];
    int count;
    VkPipelineCache cache;
} vk_pipelines;

/* Zeroes ps and makes its (empty, in-memory) pipeline cache. */
int vk_pipelines_init(vk_context *ctx, vk_pipelines *ps, char *err, size_t errlen);
/* The pipeline for key, made if new. 0, or -1 with one line in err. */
int vk_pipelines_get(vk_context *ctx, vk_pipelines *ps, const vk_pipeline_key *key, const vk_pipeline **out,
                     char *err, size_t errlen);
void vk_pipelines_destroy(vk_context *ctx, vk_pipelines *ps);

#endif
