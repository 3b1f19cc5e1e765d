/* Tensor writes and reads: memcpy for mapped arenas, otherwise through the
 * staging buffer in chunks. */
#include <stdio.h>
#include <string.h>

#include "vk/vk_transfer.h"

#define STAGING_WORDS (4u << 20) /* 16 MiB per chunk */

int vk_transfer_init(vk_context *ctx, vk_memory *mem, char *err, size_t errlen) {
    VkCommandBufferAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = ctx->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    VkResult r = ctx->vk.vkAllocateCommandBuffers(ctx->device, &alloc, &mem->cmd);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "allocating a transfer command buffer", r);
    VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    r = ctx->vk.vkCreateFence(ctx->device, &fence, NULL, &mem->fence);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "creating a transfer fence", r);
    return 0;
}

void vk_transfer_free(vk_context *ctx, vk_memory *mem) {
    if (mem->fence != VK_NULL_HANDLE)
        ctx->vk.vkDestroyFence(ctx->device, mem->fence, NULL);
    if (mem->cmd != VK_NULL_HANDLE)
        ctx->vk.vkFreeCommandBuffers(ctx->device, ctx->pool, 1, &mem->cmd);
    mem->fence = VK_NULL_HANDLE;
    mem->cmd = VK_NULL_HANDLE;
}

static void barrier(vk_context *ctx, VkCommandBuffer cmd, VkPipelineStageFlags src,
                    VkAccessFlags src_access, VkPipelineStageFlags dst, VkAccessFlags dst_access) {
    VkMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
    };
    ctx->vk.vkCmdPipelineBarrier(cmd, src, dst, 0, 1, &b, 0, NULL, 0, NULL);
}

static int begin(vk_context *ctx, vk_memory *mem, char *err, size_t errlen) {
    VkCommandBufferBeginInfo info = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
        .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
    };
    VkResult r = ctx->vk.vkBeginCommandBuffer(mem->cmd, &info);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "starting a transfer", r);
    /* after every kernel and copy submitted before */
    barrier(ctx, mem->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
    return 0;
}

static int finish(vk_context *ctx, vk_memory *mem, char *err, size_t errlen) {
    /* before every kernel submitted later, and visible to the host */
    barrier(ctx, mem->cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT,
            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_HOST_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_READ_BIT);
    VkResult r = ctx->vk.vkEndCommandBuffer(mem->cmd);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "recording a transfer", r);
    VkSubmitInfo submit = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &mem->cmd,
    };
    r = ctx->vk.vkQueueSubmit(ctx->queue, 1, &submit, mem->fence);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "submitting a transfer", r);
    r = ctx->vk.vkWaitForFences(ctx->device, 1, &mem->fence, VK_TRUE, UINT64_MAX);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "waiting for a transfer", r);
    r = ctx->vk.vkResetFences(ctx->device, 1, &mem->fence);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "resetting a transfer fence", r);
    return 0;
}

int vk_transfer_zero(vk_context *ctx, vk_memory *mem, vk_arena *ar, char *err, size_t errlen) {
    if (ar->mapped) {
        memset(ar->mapped, 0, ar->words * 4);
        return 0;
    }
    if (begin(ctx, mem, err, errlen) != 0)
        return -1;
    ctx->vk.vkCmdFillBuffer(mem->cmd, ar->buffer, 0, VK_WHOLE_SIZE, 0);
    return finish(ctx, mem, err, errlen);
}

static int need_staging(vk_context *ctx, vk_memory *mem, char *err, size_t errlen) {
    if (mem->staging.buffer != VK_NULL_HANDLE)
        return 0;
    uint64_t words = STAGING_WORDS;
    if (ctx->max_allocation && words * 4 > ctx->max_allocation)
        words = ctx->max_allocation / 4;
    return vk_memory_make_staging(ctx, mem, words, err, errlen);
}

/* One chunk between the staging buffer and words [first, first+n) of ar. */
static int copy_chunk(vk_context *ctx, vk_memory *mem, vk_arena *ar, uint64_t first, uint64_t n,
                      int to_arena, char *err, size_t errlen) {
    if (begin(ctx, mem, err, errlen) != 0)
        return -1;
    VkBufferCopy region = {
        .srcOffset = to_arena ? 0 : first * 4,
        .dstOffset = to_arena ? first * 4 : 0,
        .size = n * 4,
    };
    if (to_arena)
        ctx->vk.vkCmdCopyBuffer(mem->cmd, mem->staging.buffer, ar->buffer, 1, &region);
    else
        ctx->vk.vkCmdCopyBuffer(mem->cmd, ar->buffer, mem->staging.buffer, 1, &region);
    return finish(ctx, mem, err, errlen);
}

int vk_memory_write(vk_context *ctx, vk_memory *mem, vae_tensor t, const void *src,
                    char *err, size_t errlen) {
    if (vk_memory_check(mem, t, err, errlen) != 0)
        return -1;
    vk_arena *ar = &mem->arena[t.arena];
    if (t.count == 0)
        return 0;
    if (ar->mapped) {
        memcpy(ar->mapped + t.offset, src, (size_t)t.count * 4);
        return 0;
    }
    if (need_staging(ctx, mem, err, errlen) != 0)
        return -1;
    const uint32_t *from = src;
    for (uint64_t done = 0; done < t.count;) {
        uint64_t n = t.count - done < mem->staging.words ? t.count - done : mem->staging.words;
        memcpy(mem->staging.mapped, from + done, (size_t)n * 4);
        if (copy_chunk(ctx, mem, ar, t.offset + done, n, 1, err, errlen) != 0)
            return -1;
        done += n;
    }
    return 0;
}

int vk_memory_read(vk_context *ctx, vk_memory *mem, vae_tensor t, void *dst,
                   char *err, size_t errlen) {
    if (vk_memory_check(mem, t, err, errlen) != 0)
        return -1;
    vk_arena *ar = &mem->arena[t.arena];
    if (t.count == 0)
        return 0;
    if (ar->mapped) {
        memcpy(dst, ar->mapped + t.offset, (size_t)t.count * 4);
        return 0;
    }
    if (need_staging(ctx, mem, err, errlen) != 0)
        return -1;
    uint32_t *to = dst;
    for (uint64_t done = 0; done < t.count;) {
        uint64_t n = t.count - done < mem->staging.words ? t.count - done : mem->staging.words;
        if (copy_chunk(ctx, mem, ar, t.offset + done, n, 0, err, errlen) != 0)
            return -1;
        memcpy(to + done, mem->staging.mapped, (size_t)n * 4);
        done += n;
    }
    return 0;
}
