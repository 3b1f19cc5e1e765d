/* VAE_OP_AGGREGATE_LOG_DENSITY's dispatch: the tiled log-sum-exp of
 * shaders/aggregate_log_density.comp, one workgroup per POINTS = WG/4
 * points (see the shader for the tiling). */
#include <stdio.h>
#include <string.h>

#include "vk/vk_kernels.h"
#include "vk/vk_plan.h"

/* The shader's tiles: 64 Gaussians and WG/4 points, 8 dimensions deep; its
 * shared memory (floats) holds them, and the combine's 2·(WG/4)·16 partials
 * fit in the same space while WG <= 256. */
#define GAUSS 64u
#define DEPTH 8u
#define MAX_WG 256u

static uint32_t shared_floats(uint32_t wg) { return (wg / 4 + 3 * GAUSS) * DEPTH; }

int vk_plan_aggregate(vk_backend *b, const vae_op *op, vk_dispatch *out, char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    uint32_t wg = vk_pick_local_size(l, MAX_WG, 0);
    while (wg >= 16 && shared_floats(wg) * 4 > l->maxComputeSharedMemorySize)
        wg >>= 1;
    if (wg < 16) {
        snprintf(err, errlen, "the device's compute limits are too small for the %s kernel",
                 vk_shaders[op->kind].name);
        return -1;
    }
    const uint32_t spec[VK_MAX_SPEC] = {wg};
    if (vk_dispatch_pipeline(b, &vk_shaders[op->kind], spec, 4, sizeof(vk_push), out, err, errlen) != 0)
        return -1;
    vk_push push = {.n = (uint32_t)op->d[0], .seg = 1};
    memcpy(push.d, op->d, sizeof push.d);
    memcpy(push.f, op->f, sizeof push.f);
    memcpy(out->push, &push, sizeof push);
    for (uint32_t i = 0; i < 4; i++)
        out->bind[i] = vk_tensor_access(op->t[i], i == 0);
    out->groups[0] = vk_groups_for(l, (uint64_t)op->d[0], wg / 4);
    out->groups[1] = out->groups[2] = 1;
    snprintf(out->label, sizeof out->label, "%s S=%d N=%d L=%d", vae_op_name(op->kind), op->d[0], op->d[1],
             op->d[2]);
    return 1;
}
