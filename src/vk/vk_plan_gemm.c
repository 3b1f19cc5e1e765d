/* Steps of the products (vk_gemm.c) and of the bias gradient: the main
 * dispatch, then split_sum when the sum is split. */
#include <stdio.h>
#include <string.h>

#include "vk/vk_plan.h"

/* The second pass of a split sum: out = the sum of the copies in scratch,
 * then the epilogue. Bindings 2 and, unfused, 3 and 4 alias ones it has. */
static int plan_split_sum(vk_backend *b, const vk_gemm_push *push, vk_access out, vk_access scratch,
                          const vk_access epi[2], uint64_t *scratch_words, vk_step *st, char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    if (scratch.end > *scratch_words)
        *scratch_words = scratch.end;
    uint32_t ls = vk_pick_local_size(l, 256, 0);
    const uint32_t spec[VK_MAX_SPEC] = {ls, 0, 0, 0, 0, push->epilogue != 0};
    if (vk_step_pipeline(b, &vk_split_sum_shader, spec, 5, sizeof *push, st, err, errlen) != 0)
        return -1;
    memcpy(st->push, push, sizeof *push);
    scratch.written = 0;
    st->bind[0] = out;
    st->bind[1] = scratch;
    st->bind[2] = scratch;
    st->bind[3] = epi ? epi[0] : scratch;
    st->bind[4] = epi ? epi[1] : out;
    st->groups[0] = vk_groups_for(l, push->count, ls);
    st->groups[1] = st->groups[2] = 1;
    snprintf(st->label, sizeof st->label, "split_sum");
    return 0;
}

static const char *epilogue_name(uint32_t bits) {
    static const char *names[] = {"", "+bias", "+leaky_relu", "+bias+leaky_relu", "+relu", "+bias+relu"};
    return bits < 6 ? names[bits] : "+?";
}

int vk_plan_gemm(vk_backend *b, const vae_op *op, const vk_epilogue *e, vk_step *st, uint64_t *scratch_words,
                 char *err, size_t errlen) {
    vk_gemm_plan p;
    if (vk_gemm_plan_op(op, &b->ctx.props, &p, err, errlen) != 0)
        return -1;
    p.push.epilogue = e->bits;
    p.push.slope = e->slope;
    p.spec[5] = e->bits != 0 && !p.scratch_words; /* split: split_sum does the epilogue */
    if (vk_step_pipeline(b, &vk_gemm_shaders[p.kind], p.spec, 5, sizeof p.push, &st[0], err, errlen) != 0)
        return -1;
    memcpy(st[0].push, &p.push, sizeof p.push);
    vk_access out = vk_tensor_access(op->t[p.tensor[0]], 1);
    vk_access scratch = {VK_SCRATCH_BUFFER, 0, p.scratch_words, 1};
    vk_access a = vk_tensor_access(op->t[p.tensor[1]], 0);
    vk_access epi[2] = {e->bits & VK_EPI_BIAS ? vk_tensor_access(e->bias, 0) : a,
                        e->bits >> VK_EPI_ACT_SHIFT ? vk_tensor_access(e->act, 1) : out};
    st[0].bind[0] = p.scratch_words ? scratch : out;
    st[0].bind[1] = a;
    st[0].bind[2] = vk_tensor_access(op->t[p.tensor[2]], 0);
    st[0].bind[3] = p.scratch_words ? a : epi[0];
    st[0].bind[4] = p.scratch_words ? scratch : epi[1];
    memcpy(st[0].groups, p.groups, sizeof p.groups);
    snprintf(st[0].label, sizeof st[0].label, "%s%s %ux%ux%u tile %ux%u split %u", vae_op_name(op->kind),
             epilogue_name(e->bits), p.push.M, p.push.N * (p.kind == VK_CONV_SCATTER ? 4 : 1), p.push.K,
             p.tile_m, p.tile_n, p.push.splits);
    if (!p.scratch_words)
        return 1;
    return plan_split_sum(b, &p.push, out, scratch, epi, scratch_words, &st[1], err, errlen) == 0 ? 2 : -1;
}

int vk_plan_bias_bwd(vk_backend *b, const vae_op *op, vk_step *st, uint64_t *scratch_words,
                     char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &b->ctx.props.limits;
    uint32_t ls = vk_pick_local_size(l, vk_bias_bwd_local_size(op), 1);
    const uint32_t spec[VK_MAX_SPEC] = {ls};
    vk_gemm_push push;
    uint64_t words;
    if (ls == 0) {
        snprintf(err, errlen, "the device's compute limits are too small for the bias_bwd kernel");
        return -1;
    }
    vk_bias_bwd_plan(op, &b->ctx.props, ls, &push, st[0].groups, &words);
    if (vk_step_pipeline(b, &vk_shaders[op->kind], spec, 2, sizeof push, &st[0], err, errlen) != 0)
        return -1;
    memcpy(st[0].push, &push, sizeof push);
    vk_access out = vk_tensor_access(op->t[0], 1);
    vk_access scratch = {VK_SCRATCH_BUFFER, 0, words, 1};
    st[0].bind[0] = words ? scratch : out;
    st[0].bind[1] = vk_tensor_access(op->t[1], 0);
    snprintf(st[0].label, sizeof st[0].label, "%s %ux%u split %u", vae_op_name(op->kind), push.M, push.K,
             push.splits);
    if (!words)
        return 1;
    return plan_split_sum(b, &push, out, scratch, NULL, scratch_words, &st[1], err, errlen) == 0 ? 2 : -1;
}
