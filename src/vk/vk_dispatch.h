/* Recording one kernel launch, checked: the binding count and push constant
 * size against the pipeline's contract, the workgroup size and count against
 * the device's limits. */
#ifndef VAEVK_VK_DISPATCH_H
#define VAEVK_VK_DISPATCH_H

#include "vk/vk_pipelines.h"

/* Binds p, set and push, dispatches enough workgroups for push->n work items
 * (ITEMS) or outputs of push->seg invocations each (GROUPS), up to the
 * device's maximum (the kernels loop over the rest), then adds a barrier so
 * later dispatches see the writes.
 * 0, or -1 with one line in err and nothing recorded. */
int vk_dispatch(const vk_context *ctx, VkCommandBuffer cmd, const vk_pipeline *p, VkDescriptorSet set,
                uint32_t bindings, const vk_push *push, uint32_t push_bytes, char *err, size_t errlen);

/* A full memory barrier between the stages src and dst. */
void vk_barrier(const vk_context *ctx, VkCommandBuffer cmd, VkPipelineStageFlags src,
                VkAccessFlags src_access, VkPipelineStageFlags dst, VkAccessFlags dst_access);

#endif
