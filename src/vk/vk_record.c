/* A program as one command buffer: every op is planned (vk_plan.c), its
 * descriptor sets allocated and written once, and the dispatches recorded
 * with a barrier only before those that touch what earlier ones, since the
 * last barrier, wrote (or write what they read: vk_hazard.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_plan.h"
#include "vk/vk_record.h"

static vk_backend *vkb(vae_backend *be) { return (vk_backend *)be; }

static void barrier(const vk_context *ctx, VkCommandBuffer cmd, VkPipelineStageFlags src, VkAccessFlags src_access,
                    VkPipelineStageFlags dst, VkAccessFlags dst_access) {
    VkMemoryBarrier b = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
    };
    ctx->vk.vkCmdPipelineBarrier(cmd, src, dst, 0, 1, &b, 0, NULL, 0, NULL);
}

static void compute_barrier(const vk_context *ctx, VkCommandBuffer cmd) {
    barrier(ctx, cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
}

static int make_pool(vk_backend *b, const vk_step *steps, int n, vae_recording *rec, char *err, size_t errlen) {
    uint32_t descriptors = 0;
    for (int i = 0; i < n; i++)
        descriptors += steps[i].nbind;
    VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptors};
    VkDescriptorPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = (uint32_t)n,
        .poolSizeCount = 1,
        .pPoolSizes = &size,
    };
    VkResult r = b->ctx.vk.vkCreateDescriptorPool(b->ctx.device, &info, NULL, &rec->pool);
    if (r != VK_SUCCESS) {
        rec->pool = VK_NULL_HANDLE;
        return vk_fail(err, errlen, "creating a descriptor pool", r);
    }
    return 0;
}

/* Allocates and writes the step's set: binding k is its buffer range. */
static int bind_step(vk_backend *b, vae_recording *rec, vk_step *st, char *err, size_t errlen) {
    VkDescriptorSetAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = rec->pool,
        .descriptorSetCount = 1,
        .pSetLayouts = &st->pipe->set_layout,
    };
    VkResult r = b->ctx.vk.vkAllocateDescriptorSets(b->ctx.device, &alloc, &st->set);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "allocating a descriptor set", r);
    VkDescriptorBufferInfo buf[VK_MAX_BINDINGS];
    VkWriteDescriptorSet w[VK_MAX_BINDINGS];
    for (uint32_t k = 0; k < st->nbind; k++) {
        const vk_access *a = &st->bind[k];
        buf[k] = (VkDescriptorBufferInfo){
            .buffer = a->buffer == VK_SCRATCH_BUFFER ? rec->scratch.buffer : b->mem.arena[a->buffer].buffer,
            .offset = (VkDeviceSize)a->begin * 4,
            .range = (VkDeviceSize)(a->end - a->begin) * 4,
        };
        w[k] = (VkWriteDescriptorSet){
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = st->set,
            .dstBinding = k,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .pBufferInfo = &buf[k],
        };
    }
    b->ctx.vk.vkUpdateDescriptorSets(b->ctx.device, st->nbind, w, 0, NULL);
    return 0;
}

static void dispatch(const vk_context *ctx, VkCommandBuffer cmd, const vk_step *st) {
    const vk_pipeline *p = st->pipe;
    ctx->vk.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->pipeline);
    ctx->vk.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, p->layout, 0, 1, &st->set, 0, NULL);
    ctx->vk.vkCmdPushConstants(cmd, p->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, st->push_bytes, st->push);
    ctx->vk.vkCmdDispatch(cmd, st->groups[0], st->groups[1], st->groups[2]);
}

/* The dispatches, each after a barrier if it depends on the pending ones
 * (always, when profiling, so each is timed alone). */
static int record_steps(vk_backend *b, const vk_step *steps, int n, vae_recording *rec, char *err, size_t errlen) {
    const vk_context *ctx = &b->ctx;
    vk_hazards h = {0};
    int profiling = rec->profile.pool != VK_NULL_HANDLE, status = 0;
    for (int i = 0; i < n && status == 0; i++) {
        if (profiling || vk_hazards_conflict(&h, steps[i].bind, (int)steps[i].nbind)) {
            compute_barrier(ctx, rec->cmd);
            vk_hazards_clear(&h);
        }
        dispatch(ctx, rec->cmd, &steps[i]);
        if (profiling)
            vk_profile_mark(ctx, &rec->profile, rec->cmd, (uint32_t)i);
        if (vk_hazards_add(&h, steps[i].bind, (int)steps[i].nbind) != 0) {
            snprintf(err, errlen, "out of memory recording %d dispatches", n);
            status = -1;
        }
    }
    vk_hazards_free(&h);
    return status;
}

static int record_commands(vk_backend *b, const vk_step *steps, int n, vae_recording *rec,
                           char *err, size_t errlen) {
    const vk_context *ctx = &b->ctx;
    VkCommandBufferAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
        .commandPool = ctx->pool,
        .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
        .commandBufferCount = 1,
    };
    VkResult r = ctx->vk.vkAllocateCommandBuffers(ctx->device, &alloc, &rec->cmd);
    if (r != VK_SUCCESS) {
        rec->cmd = VK_NULL_HANDLE;
        return vk_fail(err, errlen, "allocating a command buffer", r);
    }
    VkCommandBufferBeginInfo begin = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    r = ctx->vk.vkBeginCommandBuffer(rec->cmd, &begin);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "starting a command buffer", r);
    if (rec->profile.pool != VK_NULL_HANDLE)
        vk_profile_begin(ctx, &rec->profile, rec->cmd);
    /* after the kernels and copies submitted before (host writes are made
     * visible by the submission itself) */
    barrier(ctx, rec->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    if (record_steps(b, steps, n, rec, err, errlen) != 0) {
        ctx->vk.vkEndCommandBuffer(rec->cmd);
        return -1;
    }
    /* before the host reads results and before later copies */
    barrier(ctx, rec->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
            VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
            VK_ACCESS_HOST_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT);
    r = ctx->vk.vkEndCommandBuffer(rec->cmd);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "recording a command buffer", r);
    VkFenceCreateInfo fence = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    r = ctx->vk.vkCreateFence(ctx->device, &fence, NULL, &rec->fence);
    if (r != VK_SUCCESS) {
        rec->fence = VK_NULL_HANDLE;
        return vk_fail(err, errlen, "creating a fence", r);
    }
    return 0;
}

/* Plans every op; returns the number of steps, or -1. */
static int plan_all(vk_backend *b, const vae_program *prog, vk_step *steps, uint64_t *scratch) {
    int n = 0;
    for (int i = 0, used = 1; i < prog->count; i += used) {
        char why[400];
        int k = vk_plan_op(b, &prog->ops[i], prog->count - i, steps + n, &used, scratch, why, sizeof why);
        if (k < 0) {
            snprintf(b->base.error, sizeof b->base.error, "op %d (%s): %s", i, vae_op_name(prog->ops[i].kind), why);
            return -1;
        }
        n += k;
    }
    return n;
}

static int build(vk_backend *b, const vae_program *prog, vae_recording *rec, vk_step *steps) {
    char *err = b->base.error;
    size_t errlen = sizeof b->base.error;
    uint64_t scratch = 0;
    int n = plan_all(b, prog, steps, &scratch);
    if (n < 0)
        return -1;
    if (scratch > 0 && vk_memory_make_scratch(&b->ctx, &rec->scratch, scratch, err, errlen) != 0)
        return -1;
    if (vk_profile_wanted(&b->ctx) && n > 0) {
        rec->labels = calloc((size_t)n, sizeof *rec->labels);
        if (!rec->labels) {
            snprintf(err, errlen, "out of memory recording a program of %d ops", prog->count);
            return -1;
        }
        for (int i = 0; i < n; i++)
            memcpy(rec->labels[i], steps[i].label, sizeof rec->labels[i]);
        if (vk_profile_init(&b->ctx, &rec->profile, (uint32_t)n, rec->labels, err, errlen) != 0)
            return -1;
    }
    if (n > 0 && make_pool(b, steps, n, rec, err, errlen) != 0)
        return -1;
    for (int i = 0; i < n; i++)
        if (bind_step(b, rec, &steps[i], err, errlen) != 0)
            return -1;
    return record_commands(b, steps, n, rec, err, errlen);
}

int vk_record(vae_backend *be, const vae_program *prog, vae_recording **out) {
    vk_backend *b = vkb(be);
    *out = NULL;
    if (vae_backend_check_precision(be, prog) != 0)
        return -1;
    vae_recording *rec = calloc(1, sizeof *rec);
    size_t max_steps = (size_t)(prog->count > 0 ? prog->count : 1) * VK_STEPS_PER_OP;
    vk_step *steps = calloc(max_steps, sizeof *steps);
    if (!rec || !steps) {
        snprintf(be->error, sizeof be->error, "out of memory recording a program of %d ops", prog->count);
        free(rec);
        free(steps);
        return -1;
    }
    rec->arena_generation = b->arena_generation;
    int status = build(b, prog, rec, steps);
    free(steps);
    if (status != 0) {
        vk_free_recording(be, rec);
        return -1;
    }
    *out = rec;
    return 0;
}
