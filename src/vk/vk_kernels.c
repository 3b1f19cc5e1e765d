/* Per op kind: how its kernel is launched (the sizes are the op's own:
 * vae_op_size_of). */
#include "vk/vk_kernels.h"

/* 256 invocations: enough to keep a GPU's cores busy, few enough for every
 * device (the minimum maxComputeWorkGroupInvocations is 128; pipelines cut
 * it to the device's limits). */
#define ITEMS() {VK_GRID_ITEMS, 256}
#define GROUPS() {VK_GRID_GROUPS, 256}
/* Planned by src/vk/vk_gemm.c (or vk_plan_aggregate.c), which picks the tile and the grid. */
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
    [VAE_OP_AGGREGATE_LOG_DENSITY] = PLANNED(), /* src/vk/vk_plan_aggregate.c */
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
