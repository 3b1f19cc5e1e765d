#include <stdio.h>
#include <string.h>

#include "vk/vk_conv.h"
#include "vk/vk_kernels.h"
#include "vk/vk_plan.h"

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

static vk_access tensor_access(vae_tensor t, int written) {
    return (vk_access){t.arena, t.offset, (uint64_t)t.offset + t.count, written};
}

/* The tensors each kernel writes: exactly its bindings not declared readonly. */
static unsigned written_mask(vae_op_kind kind) {
    switch (kind) {
    case VAE_OP_REPARAM_BWD: case VAE_OP_KL_BWD: return 3;
    case VAE_OP_ADAM: return 1 | 4 | 8;
    default: return 1;
    }
}

/* The largest power of two <= want that the device allows, or 0. */
static uint32_t pick_local_size(const VkPhysicalDeviceLimits *l, uint32_t want, int shared_per_invocation) {
    uint32_t cap = l->maxComputeWorkGroupSize[0];
    if (l->maxComputeWorkGroupInvocations < cap)
        cap = l->maxComputeWorkGroupInvocations;
    if (shared_per_invocation && l->maxComputeSharedMemorySize / 4 < cap)
        cap = l->maxComputeSharedMemorySize / 4; /* reduce.glsl: a float per invocation */
    while (want > cap)
        want >>= 1;
    return want;
}

static uint32_t grid(const VkPhysicalDeviceLimits *l, uint64_t items, uint32_t per_group) {
    uint64_t groups = (items + per_group - 1) / per_group;
    if (groups > l->maxComputeWorkGroupCount[0])
        groups = l->maxComputeWorkGroupCount[0];
    return groups ? (uint32_t)groups : 1;
}

static int get_pipeline(vk_backend *b, const vk_shader *s, const uint32_t spec[VK_MAX_SPEC],
                        uint32_t bindings, uint32_t push_bytes, vk_step *st, char *err, size_t errlen) {
    vk_pipeline_key key = {s, {0}, bindings, push_bytes};
    memcpy(key.spec, spec, sizeof key.spec);
    if (push_bytes > b->ctx.props.limits.maxPushConstantsSize) {
        snprintf(err, errlen, "%u bytes of push constants exceed the device's %u", push_bytes,
                 b->ctx.props.limits.maxPushConstantsSize);
        return -1;
    }
    st->push_bytes = push_bytes;
    st->nbind = bindings;
    return vk_pipelines_get(&b->ctx, &b->pipes, &key, &st->pipe, err, errlen);
}

/* Element-wise ops and per-output reductions: one kernel per op kind. */
static int plan_simple(vk_backend *b, const vae_op *op, const vk_op_size *size, vk_step *st,
                       char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    const vk_kernel *k = vk_kernel_get(op->kind);
    uint32_t ls = pick_local_size(l, k->local_size, k->grid == VK_GRID_GROUPS);
    if (ls == 0) {
        snprintf(err, errlen, "the device's compute limits are too small for the %s kernel",
                 vk_shaders[op->kind].name);
        return -1;
    }
    uint32_t n = (uint32_t)vae_op_tensor_count(op->kind);
    const uint32_t spec[VK_MAX_SPEC] = {ls};
    if (get_pipeline(b, &vk_shaders[op->kind], spec, n, sizeof(vk_push), st, err, errlen) != 0)
        return -1;
    vk_push push = {.n = size->work, .seg = 1};
    memcpy(push.d, op->d, sizeof push.d);
    memcpy(push.f, op->f, sizeof push.f);
    if (k->grid == VK_GRID_GROUPS)
        push.seg = vk_segment(size->terms, ls);
    memcpy(st->push, &push, sizeof push);
    for (uint32_t i = 0; i < n; i++)
        st->bind[i] = tensor_access(op->t[i], written_mask(op->kind) >> i & 1);
    st->groups[0] = grid(l, size->work, k->grid == VK_GRID_ITEMS ? ls : ls / push.seg);
    st->groups[1] = st->groups[2] = 1;
    snprintf(st->label, sizeof st->label, "%s", vae_op_name(op->kind));
    return 0;
}

/* A convolution: the tiled product, then the split sum if K is split. */
static int plan_conv(vk_backend *b, const vae_op *op, vk_step *st, uint64_t *scratch_words,
                     char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    vk_conv_plan p;
    if (vk_conv_plan_op(op, &b->ctx.props, &p, err, errlen) != 0 ||
        get_pipeline(b, &vk_conv_shaders[p.kind], p.spec, 3, sizeof p.push, &st[0], err, errlen) != 0)
        return -1;
    memcpy(st[0].push, &p.push, sizeof p.push);
    vk_access out = tensor_access(op->t[p.tensor[0]], 1);
    vk_access scratch = {VK_SCRATCH_BUFFER, 0, p.scratch_words, 1};
    st[0].bind[0] = p.scratch_words ? scratch : out;
    st[0].bind[1] = tensor_access(op->t[p.tensor[1]], 0);
    st[0].bind[2] = tensor_access(op->t[p.tensor[2]], 0);
    memcpy(st[0].groups, p.groups, sizeof p.groups);
    snprintf(st[0].label, sizeof st[0].label, "%s %ux%ux%u tile %ux%u split %u", vae_op_name(op->kind),
             p.push.M, p.push.N * (p.kind == VK_CONV_SCATTER ? 4 : 1), p.push.K, p.tile_m, p.tile_n, p.push.splits);
    if (!p.scratch_words)
        return 1;
    if (p.scratch_words > *scratch_words)
        *scratch_words = p.scratch_words;
    uint32_t ls = pick_local_size(l, 256, 0);
    const uint32_t spec[VK_MAX_SPEC] = {ls};
    if (get_pipeline(b, &vk_split_sum_shader, spec, 2, sizeof p.push, &st[1], err, errlen) != 0)
        return -1;
    memcpy(st[1].push, &p.push, sizeof p.push);
    st[1].bind[0] = out;
    st[1].bind[1] = scratch;
    st[1].bind[1].written = 0;
    st[1].groups[0] = grid(l, p.push.count, ls);
    st[1].groups[1] = st[1].groups[2] = 1;
    snprintf(st[1].label, sizeof st[1].label, "split_sum");
    return 2;
}

int vk_plan_op(vk_backend *b, const vae_op *op, vk_step *steps, uint64_t *scratch_words,
               char *err, size_t errlen) {
    vk_op_size size;
    memset(steps, 0, VK_STEPS_PER_OP * sizeof *steps);
    if (vk_op_shape(op, &size, err, errlen) != 0)
        return -1;
    for (int k = 0; k < vae_op_tensor_count(op->kind); k++) {
        char why[384];
        if (check_tensor(b, op->t[k], size.need[k], why, sizeof why) != 0) {
            snprintf(err, errlen, "tensor %d: %s", k, why);
            return -1;
        }
    }
    if (vk_is_conv(op->kind))
        return plan_conv(b, op, steps, scratch_words, err, errlen);
    return plan_simple(b, op, &size, steps, err, errlen) == 0 ? 1 : -1;
}
