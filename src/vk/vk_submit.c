/* Running a recording: submit with a fence, wait, free. */
#include <stdio.h>
#include <stdlib.h>

#include "vk/vk_record.h"

static vk_backend *vkb(vae_backend *be) { return (vk_backend *)be; }

int vk_submit(vae_backend *be, vae_recording *rec) {
    vk_backend *b = vkb(be);
    if (rec->pending) {
        snprintf(be->error, sizeof be->error, "a recording was submitted again before wait()");
        return -1;
    }
    if (rec->arena_generation != b->arena_generation) {
        snprintf(be->error, sizeof be->error, "the recording predates the last alloc_arenas: record it again");
        return -1;
    }
    VkResult r = b->ctx.vk.vkResetFences(b->ctx.device, 1, &rec->fence);
    if (r != VK_SUCCESS)
        return vk_fail(be->error, sizeof be->error, "resetting a fence", r);
    VkSubmitInfo submit = {
        .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
        .commandBufferCount = 1,
        .pCommandBuffers = &rec->cmd,
    };
    r = b->ctx.vk.vkQueueSubmit(b->ctx.queue, 1, &submit, rec->fence);
    if (r != VK_SUCCESS)
        return vk_fail(be->error, sizeof be->error, "submitting a step to the GPU", r);
    rec->pending = 1;
    return 0;
}

int vk_wait(vae_backend *be, vae_recording *rec) {
    vk_backend *b = vkb(be);
    if (!rec->pending)
        return 0;
    VkResult r = b->ctx.vk.vkWaitForFences(b->ctx.device, 1, &rec->fence, VK_TRUE, UINT64_MAX);
    rec->pending = 0;
    if (r != VK_SUCCESS)
        return vk_fail(be->error, sizeof be->error, "running a step on the GPU", r);
    if (rec->profile.pool != VK_NULL_HANDLE)
        vk_profile_collect(&b->ctx, &rec->profile);
    return 0;
}

void vk_free_recording(vae_backend *be, vae_recording *rec) {
    if (!rec)
        return;
    vk_backend *b = vkb(be);
    vk_context *ctx = &b->ctx;
    if (rec->pending)
        vk_wait(be, rec);
    vk_profile_finish(ctx, &rec->profile);
    free(rec->labels);
    if (rec->fence != VK_NULL_HANDLE)
        ctx->vk.vkDestroyFence(ctx->device, rec->fence, NULL);
    if (rec->cmd != VK_NULL_HANDLE)
        ctx->vk.vkFreeCommandBuffers(ctx->device, ctx->pool, 1, &rec->cmd);
    if (rec->pool != VK_NULL_HANDLE)
        ctx->vk.vkDestroyDescriptorPool(ctx->device, rec->pool, NULL);
    vk_memory_destroy_buffer(ctx, &rec->scratch);
    free(rec);
}
