#include <stdio.h>

#include "vk/vk_dispatch.h"

void vk_barrier(const vk_context *ctx, VkCommandBuffer cmd, VkPipelineStageFlags src,
                VkAccessFlags src_access, VkPipelineStageFlags dst, VkAccessFlags dst_access) {
    VkMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
    };
    ctx->vk.vkCmdPipelineBarrier(cmd, src, dst, 0, 1, &b, 0, NULL, 0, NULL);
}

static int check_limits(const vk_context *ctx, const vk_pipeline *p, uint32_t groups,
                        char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &ctx->props.limits;
    if (p->local_size == 0 || p->local_size > l->maxComputeWorkGroupSize[0] ||
        p->local_size > l->maxComputeWorkGroupInvocations) {
        snprintf(err, errlen, "workgroup size %u exceeds maxComputeWorkGroupSize %u / "
                 "maxComputeWorkGroupInvocations %u", p->local_size, l->maxComputeWorkGroupSize[0],
                 l->maxComputeWorkGroupInvocations);
        return -1;
    }
    if (p->grid == VK_GRID_GROUPS && (uint64_t)p->local_size * 4 > l->maxComputeSharedMemorySize) {
        snprintf(err, errlen, "%u bytes of shared memory exceed maxComputeSharedMemorySize %u",
                 p->local_size * 4, l->maxComputeSharedMemorySize);
        return -1;
    }
    if (groups == 0 || groups > l->maxComputeWorkGroupCount[0]) {
        snprintf(err, errlen, "%u workgroups is outside 1..maxComputeWorkGroupCount %u", groups,
                 l->maxComputeWorkGroupCount[0]);
        return -1;
    }
    return 0;
}

int vk_dispatch(const vk_context *ctx, VkCommandBuffer cmd, const vk_pipeline *p, VkDescriptorSet set,
                uint32_t bindings, const vk_push *push, uint32_t push_bytes, char *err, size_t errlen) {
    if (bindings != p->bindings) {
        snprintf(err, errlen, "%u tensors bound, the kernel takes %u", bindings, p->bindings);
        return -1;
    }
    if (push_bytes != p->push_bytes || push_bytes > ctx->props.limits.maxPushConstantsSize) {
        snprintf(err, errlen, "%u bytes of push constants, the kernel takes %u (device limit %u)",
                 push_bytes, p->push_bytes, ctx->props.limits.maxPushConstantsSize);
        return -1;
    }
    if (push->seg == 0 || (push->seg & (push->seg - 1)) != 0 || push->seg > p->local_size) {
        snprintf(err, errlen, "segment %u is not a power of two up to the workgroup size %u", push->seg,
                 p->local_size);
        return -1;
    }
    /* invocations per workgroup doing distinct work */
    uint64_t per_group = p->grid == VK_GRID_ITEMS ? p->local_size : p->local_size / push->seg;
    uint64_t groups = (push->n + per_group - 1) / per_group;
    if (groups > ctx->props.limits.maxComputeWorkGroupCount[0])
        groups = ctx->props.limits.maxComputeWorkGroupCount[0];
    if (check_limits(ctx, p, (uint32_t)groups, err, errlen) != 0)
        return -1;
    ctx->vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline);
    ctx->vk.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, 1, &set, 0, NULL);
    ctx->vk.vkCmdPushConstants(cmd, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, push_bytes, push);
    ctx->vk.vkCmdDispatch(cmd, (uint32_t)groups, 1, 1);
    vk_barrier(ctx, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
               VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    return 0;
}
