/* From ops to the dispatches that run them (vk_dispatch.h), checked
 * against the device's limits before anything is recorded. vk_plan_op
 * checks an op's tensors, decides which ops one dispatch runs (a
 * convolution or linear forward takes the VAE_OP_BIAS_FWD and (leaky)
 * ReLU that follow it into its epilogue, shaders/epilogue.glsl, unless
 * VAEVK_NO_FUSION=1 is set: to compare, the results are the same bits)
 * and hands the op to the planner of its kind of kernel below (a product
 * to the one of its route, vk_route.h). Planners
 * call only the helpers of vk_dispatch.h and their own files, never back
 * here. */
#ifndef VAEVK_VK_PLAN_H
#define VAEVK_VK_PLAN_H

#include "vk/vk_backend.h"
#include "vk/vk_dispatch.h"
#include "vk/vk_product.h"
#include "vk/vk_route.h"

/* The dispatches of ops[0] (returns how many, at most
 * VK_DISPATCHES_PER_OP), with *consumed set to the number of ops they run
 * (more than 1 when ops after it, of the `remaining`, were fused). Raises
 * *scratch_words to what the dispatches need of the recording's scratch
 * buffer. -1 with one line in err. */
int vk_plan_op(vk_backend *b, const vae_op *ops, int remaining, vk_dispatch *out, int *consumed,
               uint64_t *scratch_words, char *err, size_t errlen);

/* The planners, one per kind of kernel, for an op whose sizes and tensors
 * vk_plan_op checked. Each fills its dispatches and returns how many, or
 * -1 with one line in err; those that may split a sum raise
 * *scratch_words. */
/* An op with a kernel of its own, launched as vk_kernels.h says (vk_kernels.c). */
int vk_plan_kernel(vk_backend *b, const vae_op *op, const vae_op_size *size, vk_dispatch *out,
                   char *err, size_t errlen);
/* A convolution or linear layer, with the epilogue e (vk_product.c). */
int vk_plan_product(vk_backend *b, const vae_op *op, const vk_epilogue *e, vk_dispatch *out,
                    uint64_t *scratch_words, char *err, size_t errlen);
/* A convolution or linear layer on an explicit route (vk_route.h), with
 * the epilogue e (vk_im2col_plan.c). */
int vk_plan_explicit(vk_backend *b, const vae_op *op, const vk_epilogue *e, vk_route route, vk_dispatch *out,
                     uint64_t *scratch_words, char *err, size_t errlen);
/* VAE_OP_BIAS_BWD (vk_bias_bwd.c). */
int vk_plan_bias_bwd(vk_backend *b, const vae_op *op, vk_dispatch *out, uint64_t *scratch_words,
                     char *err, size_t errlen);
/* VAE_OP_AGGREGATE_LOG_DENSITY (vk_aggregate.c). */
int vk_plan_aggregate(vk_backend *b, const vae_op *op, vk_dispatch *out, char *err, size_t errlen);

#endif
