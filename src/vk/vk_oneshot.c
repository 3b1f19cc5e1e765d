/* A kernel run on its own (vk_oneshot.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vk/vk_oneshot.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int make_set(vk_context *ctx, vk_oneshot *o, const VkBuffer *buffers, char *err, size_t errlen) {
    uint32_t n = o->pipe->key.bindings;
    VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, n};
    VkDescriptorPoolCreateInfo pool = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO, .maxSets = 1, .poolSizeCount = 1, .pPoolSizes = &size};
    VkResult r = ctx->vk.vkCreateDescriptorPool(ctx->device, &pool, NULL, &o->pool);
    if (r != VK_SUCCESS)
        return o->pool = VK_NULL_HANDLE, vk_fail(err, errlen, "creating a descriptor pool", r);
    VkDescriptorSetAllocateInfo alloc = {.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
                                         .descriptorPool = o->pool,
                                         .descriptorSetCount = 1,
                                         .pSetLayouts = &o->pipe->set_layout};
    r = ctx->vk.vkAllocateDescriptorSets(ctx->device, &alloc, &o->set);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "allocating a descriptor set", r);
    VkDescriptorBufferInfo buf[8];
    VkWriteDescriptorSet w[8];
    for (uint32_t i = 0; i < n && i < 8; i++) {
        buf[i] = (VkDescriptorBufferInfo){buffers[i], 0, VK_WHOLE_SIZE};
        w[i] = (VkWriteDescriptorSet){.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
                                      .dstSet = o->set,
                                      .dstBinding = i,
                                      .descriptorCount = 1,
                                      .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                      .pBufferInfo = &buf[i]};
    }
    ctx->vk.vkUpdateDescriptorSets(ctx->device, n < 8 ? n : 8, w, 0, NULL);
    return 0;
}

int vk_oneshot_init(vk_context *ctx, vk_oneshot *o, const vk_pipeline *pipe, const VkBuffer *buffers,
                    char *err, size_t errlen) {
    memset(o, 0, sizeof *o);
    o->pipe = pipe;
    if (make_set(ctx, o, buffers, err, errlen) != 0)
        return -1;
    VkCommandBufferAllocateInfo cmd = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
                                       .commandPool = ctx->pool,
                                       .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
                                       .commandBufferCount = 1};
    VkResult r = ctx->vk.vkAllocateCommandBuffers(ctx->device, &cmd, &o->cmd);
    if (r != VK_SUCCESS)
        return o->cmd = VK_NULL_HANDLE, vk_fail(err, errlen, "allocating a command buffer", r);
    VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    r = ctx->vk.vkCreateFence(ctx->device, &fence, NULL, &o->fence);
    if (r != VK_SUCCESS)
        return o->fence = VK_NULL_HANDLE, vk_fail(err, errlen, "creating a fence", r);
    return 0;
}

static void record(vk_context *ctx, vk_oneshot *o, const void *push, const uint32_t groups[3], int reps) {
    const struct VolkDeviceTable *vk = &ctx->vk;
    VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
                                      .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT};
    vk->vkResetCommandBuffer(o->cmd, 0);
    vk->vkBeginCommandBuffer(o->cmd, &begin);
    vk->vkCmdBindPipeline(o->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, o->pipe->pipeline);
    vk->vkCmdBindDescriptorSets(o->cmd, VK_PIPELINE_BIND_POINT_COMPUTE, o->pipe->layout, 0, 1, &o->set, 0, NULL);
    if (o->pipe->key.push_bytes)
        vk->vkCmdPushConstants(o->cmd, o->pipe->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, o->pipe->key.push_bytes,
                               push);
    /* after everything submitted before (copies, the last submission's
     * runs), and each run after the one before: all may touch the same words */
    VkMemoryBarrier after = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                             .srcAccessMask = VK_ACCESS_MEMORY_WRITE_BIT,
                             .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT};
    for (int r = 0; r < reps; r++) {
        vk->vkCmdPipelineBarrier(o->cmd, r ? VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT : VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                                 VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &after, 0, NULL, 0, NULL);
        vk->vkCmdDispatch(o->cmd, groups[0], groups[1], groups[2]);
    }
    /* and visible to the host, which may read a mapped buffer after the fence */
    VkMemoryBarrier to_host = {.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
                               .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
                               .dstAccessMask = VK_ACCESS_HOST_READ_BIT};
    vk->vkCmdPipelineBarrier(o->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &to_host,
                             0, NULL, 0, NULL);
}

int vk_oneshot_run(vk_context *ctx, vk_oneshot *o, const void *push, const uint32_t groups[3], int reps,
                   double *seconds, char *err, size_t errlen) {
    record(ctx, o, push, groups, reps);
    VkResult r = ctx->vk.vkEndCommandBuffer(o->cmd);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "recording a kernel run", r);
    VkSubmitInfo submit = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &o->cmd};
    ctx->vk.vkResetFences(ctx->device, 1, &o->fence);
    double t0 = now();
    r = ctx->vk.vkQueueSubmit(ctx->queue, 1, &submit, o->fence);
    if (r == VK_SUCCESS)
        r = ctx->vk.vkWaitForFences(ctx->device, 1, &o->fence, VK_TRUE, UINT64_MAX);
    if (seconds)
        *seconds = now() - t0;
    return r == VK_SUCCESS ? 0 : vk_fail(err, errlen, "running a kernel", r);
}

void vk_oneshot_free(vk_context *ctx, vk_oneshot *o) {
    if (ctx->device == VK_NULL_HANDLE)
        return;
    ctx->vk.vkDeviceWaitIdle(ctx->device);
    if (o->fence != VK_NULL_HANDLE)
        ctx->vk.vkDestroyFence(ctx->device, o->fence, NULL);
    if (o->cmd != VK_NULL_HANDLE)
        ctx->vk.vkFreeCommandBuffers(ctx->device, ctx->pool, 1, &o->cmd);
    if (o->pool != VK_NULL_HANDLE)
        ctx->vk.vkDestroyDescriptorPool(ctx->device, o->pool, NULL);
    memset(o, 0, sizeof *o);
}
