/* A program as one command buffer: every op's descriptor set is allocated
 * and written once, then the dispatches are recorded with a barrier after
 * each. The command buffer is replayed by every submit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_backend.h"
#include "vk/vk_dispatch.h"

struct vae_recording {
    VkCommandBuffer cmd;
    VkDescriptorPool pool;
    VkFence fence;
    int pending;
    uint32_t arena_generation;
};

/* Everything recording needs about one op, checked before anything is made. */
typedef struct {
    const vk_pipeline *pipe;
    vk_push push;
    VkDescriptorSet set;
} planned_op;

static vk_backend *vkb(vae_backend *be) { return (vk_backend *)be; }

static int check_tensor(vk_backend *b, vae_tensor t, uint64_t need, char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    if (vk_memory_check(&b->mem, t, err, errlen) != 0)
        return -1;
    if (t.count < need) {
        snprintf(err, errlen, "tensor has %u words, the op's sizes need %llu", t.count,
                 (unsigned long long)need);
        return -1;
    }
    if ((uint64_t)t.count * 4 > l->maxStorageBufferRange) {
        snprintf(err, errlen, "a tensor of %llu bytes exceeds this device's maxStorageBufferRange "
                 "(%u bytes): use a smaller --batch", (unsigned long long)t.count * 4,
                 l->maxStorageBufferRange);
        return -1;
    }
    if ((uint64_t)t.offset * 4 % l->minStorageBufferOffsetAlignment != 0) {
        snprintf(err, errlen, "tensor offset %u words is not a multiple of minStorageBufferOffsetAlignment "
                 "(%llu bytes)", t.offset, (unsigned long long)l->minStorageBufferOffsetAlignment);
        return -1;
    }
    return 0;
}

static int plan_op(vk_backend *b, const vae_op *op, planned_op *plan, char *err, size_t errlen) {
    vk_op_size size;
    memset(&plan->push, 0, sizeof plan->push);
    if (vk_op_shape(op, &size, err, errlen) != 0)
        return -1;
    for (int k = 0; k < vae_op_tensor_count(op->kind); k++) {
        char why[384];
        if (check_tensor(b, op->t[k], size.need[k], why, sizeof why) != 0) {
            snprintf(err, errlen, "tensor %d: %s", k, why);
            return -1;
        }
    }
    if (vk_pipeline_get(&b->ctx, b->pipes, op->kind, &plan->pipe, err, errlen) != 0)
        return -1;
    memcpy(plan->push.d, op->d, sizeof plan->push.d);
    memcpy(plan->push.f, op->f, sizeof plan->push.f);
    plan->push.n = size.work;
    plan->push.seg = plan->pipe->grid == VK_GRID_GROUPS ? vk_segment(size.terms, plan->pipe->local_size) : 1;
    return 0;
}

static int make_pool(vk_backend *b, const vae_program *prog, vae_recording *rec, char *err, size_t errlen) {
    uint32_t descriptors = 0;
    for (int i = 0; i < prog->count; i++)
        descriptors += (uint32_t)vae_op_tensor_count(prog->ops[i].kind);
    VkDescriptorPoolSize size = {VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptors};
    VkDescriptorPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = (uint32_t)prog->count,
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

/* Allocates and writes the op's set: binding k is tensor t[k]'s range. */
static int bind_op(vk_backend *b, VkDescriptorPool pool, const vae_op *op, planned_op *plan,
                   char *err, size_t errlen) {
    VkDescriptorSetAllocateInfo alloc = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
        .descriptorPool = pool,
        .descriptorSetCount = 1,
        .pSetLayouts = &plan->pipe->set_layout,
    };
    VkResult r = b->ctx.vk.vkAllocateDescriptorSets(b->ctx.device, &alloc, &plan->set);
    if (r != VK_SUCCESS)
        return vk_fail(err, errlen, "allocating a descriptor set", r);
    VkDescriptorBufferInfo buf[VAE_OP_MAX_TENSORS];
    VkWriteDescriptorSet w[VAE_OP_MAX_TENSORS];
    uint32_t n = plan->pipe->bindings;
    for (uint32_t k = 0; k < n; k++) {
        buf[k] = (VkDescriptorBufferInfo){
            .buffer = b->mem.arena[op->t[k].arena].buffer,
            .offset = (VkDeviceSize)op->t[k].offset * 4,
            .range = (VkDeviceSize)op->t[k].count * 4,
        };
        w[k] = (VkWriteDescriptorSet){
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstSet = plan->set,
            .dstBinding = k,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .pBufferInfo = &buf[k],
        };
    }
    b->ctx.vk.vkUpdateDescriptorSets(b->ctx.device, n, w, 0, NULL);
    return 0;
}

static int record_commands(vk_backend *b, const vae_program *prog, planned_op *plans, vae_recording *rec,
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
    /* after the kernels and copies submitted before (host writes are made
     * visible by the submission itself) */
    vk_barrier(ctx, rec->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
               VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
               VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    for (int i = 0; i < prog->count; i++) {
        char why[400];
        if (vk_dispatch(ctx, rec->cmd, plans[i].pipe, plans[i].set, plans[i].pipe->bindings, &plans[i].push,
                        sizeof plans[i].push, why, sizeof why) != 0) {
            ctx->vk.vkEndCommandBuffer(rec->cmd);
            snprintf(err, errlen, "op %d (%s): %s", i, vae_op_name(prog->ops[i].kind), why);
            return -1;
        }
    }
    /* before the host reads results and before later copies */
    vk_barrier(ctx, rec->cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
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

static int build(vk_backend *b, const vae_program *prog, vae_recording *rec, planned_op *plans) {
    char *err = b->base.error;
    size_t errlen = sizeof b->base.error;
    for (int i = 0; i < prog->count; i++) {
        char why[400];
        if (plan_op(b, &prog->ops[i], &plans[i], why, sizeof why) != 0) {
            snprintf(err, errlen, "op %d (%s): %s", i, vae_op_name(prog->ops[i].kind), why);
            return -1;
        }
    }
    if (prog->count > 0 && make_pool(b, prog, rec, err, errlen) != 0)
        return -1;
    for (int i = 0; i < prog->count; i++)
        if (bind_op(b, rec->pool, &prog->ops[i], &plans[i], err, errlen) != 0)
            return -1;
    return record_commands(b, prog, plans, rec, err, errlen);
}

int vk_record(vae_backend *be, const vae_program *prog, vae_recording **out) {
    vk_backend *b = vkb(be);
    *out = NULL;
    vae_recording *rec = calloc(1, sizeof *rec);
    planned_op *plans = calloc((size_t)(prog->count > 0 ? prog->count : 1), sizeof *plans);
    if (!rec || !plans) {
        snprintf(be->error, sizeof be->error, "out of memory recording a program of %d ops", prog->count);
        free(rec);
        free(plans);
        return -1;
    }
    rec->arena_generation = b->arena_generation;
    int status = build(b, prog, rec, plans);
    free(plans);
    if (status != 0) {
        vk_free_recording(be, rec);
        return -1;
    }
    *out = rec;
    return 0;
}

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
    return 0;
}

void vk_free_recording(vae_backend *be, vae_recording *rec) {
    if (!rec)
        return;
    vk_backend *b = vkb(be);
    const vk_context *ctx = &b->ctx;
    if (rec->pending)
        vk_wait(be, rec);
    if (rec->fence != VK_NULL_HANDLE)
        ctx->vk.vkDestroyFence(ctx->device, rec->fence, NULL);
    if (rec->cmd != VK_NULL_HANDLE)
        ctx->vk.vkFreeCommandBuffers(ctx->device, ctx->pool, 1, &rec->cmd);
    if (rec->pool != VK_NULL_HANDLE)
        ctx->vk.vkDestroyDescriptorPool(ctx->device, rec->pool, NULL);
    free(rec);
}
