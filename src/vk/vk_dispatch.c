/* Filling a dispatch (vk_dispatch.h): its pipeline, bindings and grid. */
#include <stdio.h>
#include <string.h>

#include "vk/vk_dispatch.h"

int vk_dispatch_pipeline(vk_backend *b, const vk_shader *s, const uint32_t spec[VK_MAX_SPEC],
                         uint32_t bindings, uint32_t push_bytes, vk_dispatch *d, char *err, size_t errlen) {
    vk_pipeline_key key = {s, {0}, bindings, push_bytes};
    memcpy(key.spec, spec, sizeof key.spec);
    if (push_bytes > sizeof d->push || push_bytes > b->ctx.props.limits.maxPushConstantsSize) {
        snprintf(err, errlen, "%u bytes of push constants exceed the device's %u", push_bytes,
                 b->ctx.props.limits.maxPushConstantsSize);
        return -1;
    }
    d->push_bytes = push_bytes;
    d->nbind = bindings;
    return vk_pipelines_get(&b->ctx, &b->pipes, &key, &d->pipe, err, errlen);
}

vk_access vk_tensor_access(vae_tensor t, int written) {
    return (vk_access){t.arena, t.offset, (uint64_t)t.offset + t.count, written};
}

uint32_t vk_pick_local_size(const VkPhysicalDeviceLimits *l, uint32_t want, int shared_per_invocation) {
    uint32_t cap = l->maxComputeWorkGroupSize[0];
    if (l->maxComputeWorkGroupInvocations < cap)
        cap = l->maxComputeWorkGroupInvocations;
    if (shared_per_invocation && l->maxComputeSharedMemorySize / 4 < cap)
        cap = l->maxComputeSharedMemorySize / 4; /* reduce.glsl: a float per invocation */
    while (want > cap)
        want >>= 1;
    return want;
}

uint32_t vk_groups_for(const VkPhysicalDeviceLimits *l, uint64_t items, uint32_t per_group) {
    uint64_t groups = (items + per_group - 1) / per_group;
    if (groups > l->maxComputeWorkGroupCount[0])
        groups = l->maxComputeWorkGroupCount[0];
    return groups ? (uint32_t)groups : 1;
}
