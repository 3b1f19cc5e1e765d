/* Planning ops (vk_plan.h): tensors checked, which ops one dispatch runs
 * (fusion), and the planner of each op's kind of kernel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Checks an op's sizes and tensors; fills size. */
static int check_op(vk_backend *b, const vae_op *op, vae_op_size *size, char *err, size_t errlen) {
    if (vae_op_size_of(op, size, err, errlen) != 0)
        return -1;
    for (int k = 0; k < vae_op_tensor_count(op->kind); k++) {
        char why[384];
        if (check_tensor(b, op->t[k], size->words[k], why, sizeof why) != 0) {
            snprintf(err, errlen, "tensor %d: %s", k, why);
            return -1;
        }
    }
    return 0;
}

static int same(vae_tensor a, vae_tensor b) {
    return a.arena == b.arena && a.offset == b.offset && a.count == b.count;
}

static int overlap(vae_tensor a, vae_tensor b) {
    return a.arena == b.arena && a.offset < b.offset + b.count && b.offset < a.offset + a.count;
}

/* VAEVK_NO_FUSION=1: every op its own dispatch (to compare). */
static int no_fusion(void) {
    const char *v = getenv("VAEVK_NO_FUSION");
    return v && strcmp(v, "1") == 0;
}

static uint32_t activation_bits(vae_op_kind kind) {
    switch (kind) {
    case VAE_OP_LEAKY_RELU_FWD: return VK_EPI_LEAKY_RELU;
    case VAE_OP_RELU_FWD: return VK_EPI_RELU;
    default: return 0; /* tanh is not fused: see shaders/epilogue.glsl */
    }
}

/* Which of the ops after a forward product `op` fold into its epilogue:
 * the bias added in place to its whole output, channel by channel as the
 * product's rows, then an activation of that output into a tensor that
 * none of the product's inputs share. Returns how many (0..2). */
static int fuse(vk_backend *b, const vae_op *op, const vae_op *next, int remaining, vk_epilogue *e) {
    memset(e, 0, sizeof *e);
    vk_product p;
    vae_op_size size;
    char ignored[512];
    if (remaining < 1 || no_fusion() || vae_op_info_of(op->kind)->pass != VAE_PASS_FORWARD)
        return 0;
    vk_product_of(op, &p);
    const vae_op *bias = &next[0];
    vae_tensor out = op->t[0];
    if (bias->kind != VAE_OP_BIAS_FWD || check_op(b, bias, &size, ignored, sizeof ignored) != 0 ||
        !same(bias->t[0], out) || (uint32_t)bias->d[1] != p.push.epi_c || (uint32_t)bias->d[2] != p.push.epi_n ||
        (uint64_t)bias->d[0] * bias->d[1] * bias->d[2] != p.push.count || overlap(bias->t[1], out))
        return 0;
    e->bits = VK_EPI_BIAS;
    e->bias = bias->t[1];
    if (remaining < 2)
        return 1;
    const vae_op *act = &next[1];
    uint32_t kind = activation_bits(act->kind);
    if (kind == 0 || check_op(b, act, &size, ignored, sizeof ignored) != 0 || !same(act->t[1], out) ||
        (uint32_t)act->d[0] != p.push.count)
        return 1;
    for (int k = 0; k < 3; k++)
        if (overlap(act->t[0], op->t[k]))
            return 1;
    if (overlap(act->t[0], e->bias))
        return 1;
    e->bits |= kind << VK_EPI_ACT_SHIFT;
    e->slope = act->f[0];
    e->act = act->t[0];
    return 2;
}

int vk_plan_op(vk_backend *b, const vae_op *ops, int remaining, vk_dispatch *out, int *consumed,
               uint64_t *scratch_words, char *err, size_t errlen) {
    vae_op_size size;
    const vae_op *op = &ops[0];
    memset(out, 0, VK_DISPATCHES_PER_OP * sizeof *out);
    *consumed = 1;
    if (check_op(b, op, &size, err, errlen) != 0)
        return -1;
    if (vae_op_info_of(op->kind)->family == VAE_FAMILY_PRODUCT) {
        vk_epilogue e;
        *consumed += fuse(b, op, ops + 1, remaining - 1, &e);
        vk_route route = vk_route_of(op, b->coopmat, &b->route_env);
        if (route != VK_ROUTE_IMPLICIT)
            return vk_plan_explicit(b, op, &e, route, out, scratch_words, err, errlen);
        return vk_plan_product(b, op, &e, out, scratch_words, err, errlen);
    }
    if (op->kind == VAE_OP_BIAS_BWD)
        return vk_plan_bias_bwd(b, op, out, scratch_words, err, errlen);
    if (op->kind == VAE_OP_AGGREGATE_LOG_DENSITY)
        return vk_plan_aggregate(b, op, out, err, errlen);
    return vk_plan_kernel(b, op, &size, out, err, errlen);
}
