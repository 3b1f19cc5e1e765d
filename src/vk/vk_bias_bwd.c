/* VAE_OP_BIAS_BWD's dispatches (shaders/bias_bwd.comp): per channel, a sum
 * over the batch and the pixels, cut into parts like a split product
 * (vk_tiling.h), the parts added by split_sum (vk_product.h). */
#include <stdio.h>
#include <string.h>

#include "vk/vk_plan.h"
#include "vk/vk_tiling.h"

int vk_plan_bias_bwd(vk_backend *b, const vae_op *op, vk_dispatch *out, uint64_t *scratch_words,
                     char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    uint32_t ls = vk_pick_local_size(l, vk_tiling_bias_bwd_local_size(op), 1);
    const uint32_t spec[VK_MAX_SPEC] = {ls};
    vk_gemm_push push;
    uint64_t words;
    if (ls == 0) {
        snprintf(err, errlen, "the device's compute limits are too small for the bias_bwd kernel");
        return -1;
    }
    vk_tiling_bias_bwd(op, &b->ctx.props, ls, &push, out[0].groups, &words);
    if (vk_dispatch_pipeline(b, &vk_shaders[op->kind], spec, 2, sizeof push, &out[0], err, errlen) != 0)
        return -1;
    memcpy(out[0].push, &push, sizeof push);
    vk_access grad = vk_tensor_access(op->t[0], 1);
    vk_access scratch = {VK_SCRATCH_BUFFER, 0, words, 1};
    out[0].bind[0] = words ? scratch : grad;
    out[0].bind[1] = vk_tensor_access(op->t[1], 0);
    snprintf(out[0].label, sizeof out[0].label, "%s %ux%u split %u", vae_op_name(op->kind), push.M, push.K,
             push.splits);
    if (!words)
        return 1;
    return vk_plan_split_sum(b, &push, grad, scratch, NULL, scratch_words, &out[1], err, errlen) == 0 ? 2 : -1;
}
