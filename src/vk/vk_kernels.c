/* The ops with a kernel of their own: how each kind's kernel is launched
 * (the sizes are the op's own: vae_op_size_of), and its dispatch. */
#include <stdio.h>
#include <string.h>

#include "vk/vk_kernels.h"
#include "vk/vk_plan.h"

/* 256 invocations: enough to keep a GPU's cores busy, few enough for every
 * device (the minimum maxComputeWorkGroupInvocations is 128; pipelines cut
 * it to the device's limits). */
#define ITEMS() {VK_GRID_ITEMS, 256}
#define GROUPS() {VK_GRID_GROUPS, 256}
/* Planned elsewhere (vk_plan.h), with a tile and grid of their own. */
#define PLANNED() {VK_GRID_GROUPS, 256}

static const vk_kernel kernels[VAE_OP_COUNT] = {
    [VAE_OP_INPUT_CONVERT] = ITEMS(),
    [VAE_OP_CONV2D_FWD] = PLANNED(),
    [VAE_OP_CONV2D_BWD_INPUT] = PLANNED(),
    [VAE_OP_CONV2D_BWD_WEIGHT] = PLANNED(),
    [VAE_OP_CONVT_FWD] = PLANNED(),
    [VAE_OP_CONVT_BWD_INPUT] = PLANNED(),
    [VAE_OP_CONVT_BWD_WEIGHT] = PLANNED(),
    [VAE_OP_LINEAR_FWD] = PLANNED(),
    [VAE_OP_LINEAR_BWD_INPUT] = PLANNED(),
    [VAE_OP_LINEAR_BWD_WEIGHT] = PLANNED(),
    [VAE_OP_BIAS_FWD] = ITEMS(),
    [VAE_OP_BIAS_BWD] = PLANNED(),
    [VAE_OP_LEAKY_RELU_FWD] = ITEMS(),
    [VAE_OP_LEAKY_RELU_BWD] = ITEMS(),
    [VAE_OP_RELU_FWD] = ITEMS(),
    [VAE_OP_RELU_BWD] = ITEMS(),
    [VAE_OP_TANH_FWD] = ITEMS(),
    [VAE_OP_TANH_BWD] = ITEMS(),
    [VAE_OP_EPS_NORMAL] = ITEMS(),
    [VAE_OP_REPARAM_FWD] = ITEMS(),
    [VAE_OP_REPARAM_BWD] = ITEMS(),
    [VAE_OP_KL_FWD] = GROUPS(),
    [VAE_OP_KL_BWD] = ITEMS(),
    [VAE_OP_MSE_FWD] = GROUPS(),
    [VAE_OP_MSE_BWD] = ITEMS(),
    [VAE_OP_LOSS_REDUCE] = GROUPS(),
    [VAE_OP_ADAM] = ITEMS(),
    [VAE_OP_AGGREGATE_LOG_DENSITY] = PLANNED(),
    [VAE_OP_LOSS_SCALE_CHECK] = ITEMS(),
    [VAE_OP_LOSS_SCALE_UPDATE] = ITEMS(),
    [VAE_OP_INPUT_GATHER] = ITEMS(),
};

const vk_kernel *vk_kernel_get(vae_op_kind kind) {
    return (unsigned)kind < VAE_OP_COUNT ? &kernels[kind] : NULL;
}

uint32_t vk_segment(uint32_t terms, uint32_t local_size) {
    uint32_t seg = 1;
    while (seg < local_size && (uint64_t)seg * 32 < terms)
        seg *= 2;
    return seg;
}

int vk_plan_kernel(vk_backend *b, const vae_op *op, const vae_op_size *size, vk_dispatch *out,
                   char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    const vk_kernel *k = vk_kernel_get(op->kind);
    uint32_t ls = vk_pick_local_size(l, k->local_size, k->grid == VK_GRID_GROUPS);
    if (ls == 0) {
        snprintf(err, errlen, "the device's compute limits are too small for the %s kernel",
                 vk_shaders[op->kind].name);
        return -1;
    }
    uint32_t n = (uint32_t)vae_op_tensor_count(op->kind);
    const uint32_t spec[VK_MAX_SPEC] = {ls};
    if (vk_dispatch_pipeline(b, &vk_shaders[op->kind], spec, n, sizeof(vk_push), out, err, errlen) != 0)
        return -1;
    vk_push push = {.n = size->work, .seg = 1};
    memcpy(push.d, op->d, sizeof push.d);
    memcpy(push.f, op->f, sizeof push.f);
    if (k->grid == VK_GRID_GROUPS)
        push.seg = vk_segment(size->terms, ls);
    memcpy(out->push, &push, sizeof push);
    for (uint32_t i = 0; i < n; i++)
        out->bind[i] = vk_tensor_access(op->t[i], vae_op_info_of(op->kind)->writes >> i & 1);
    out->groups[0] = vk_groups_for(l, size->work, k->grid == VK_GRID_ITEMS ? ls : ls / push.seg);
    out->groups[1] = out->groups[2] = 1;
    snprintf(out->label, sizeof out->label, "%s", vae_op_name(op->kind));
    return 1;
}
