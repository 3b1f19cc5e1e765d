/* From ops to the dispatches that run them, checked against the device's
 * limits before anything is recorded: one dispatch per op, or two for a
 * sum split over workgroups (the parts, then split_sum); and a
 * convolution or linear forward takes the VAE_OP_BIAS_FWD and (leaky) ReLU
 * that follow it into its epilogue (shaders/epilogue.glsl), unless
 * VAEVK_NO_FUSION=1 is set (to compare: the results are the same bits). */
#ifndef VAEVK_VK_PLAN_H
#define VAEVK_VK_PLAN_H

#include "vk/vk_backend.h"
#include "vk/vk_gemm.h"
#include "vk/vk_hazard.h"

#define VK_MAX_BINDINGS VAE_OP_MAX_TENSORS
#define VK_STEPS_PER_OP 2

typedef struct {
    const vk_pipeline *pipe;
    uint32_t push[32];      /* vk_push or vk_gemm_push (at most maxPushConstantsSize >= 128 bytes) */
    uint32_t push_bytes;
    vk_access bind[VK_MAX_BINDINGS]; /* binding k: its buffer, words, and whether written */
    uint32_t nbind;
    uint32_t groups[3];
    char label[96];         /* what profiles call it */
    VkDescriptorSet set;    /* filled when the recording is made */
} vk_step;

/* The steps of ops[0] (returns how many, at most VK_STEPS_PER_OP), with
 * *consumed set to the number of ops they run (more than 1 when ops after
 * it, of the `remaining`, were fused). Raises *scratch_words to what the
 * steps need of the recording's scratch buffer. -1 with one line in err. */
int vk_plan_op(vk_backend *b, const vae_op *ops, int remaining, vk_step *steps, int *consumed,
               uint64_t *scratch_words, char *err, size_t errlen);

/* Shared by vk_plan.c and vk_plan_gemm.c. */
typedef struct {
    uint32_t bits;      /* VK_EPI_* */
    float slope;
    vae_tensor bias, act;
} vk_epilogue;

vk_access vk_tensor_access(vae_tensor t, int written);
/* The largest power of two <= want that the device allows (with a float
 * of shared memory per invocation if asked), or 0. */
uint32_t vk_pick_local_size(const VkPhysicalDeviceLimits *l, uint32_t want, int shared_per_invocation);
/* Workgroups of per_group for items, capped at the device's maximum. */
uint32_t vk_groups_for(const VkPhysicalDeviceLimits *l, uint64_t items, uint32_t per_group);
int vk_step_pipeline(vk_backend *b, const vk_shader *s, const uint32_t spec[VK_MAX_SPEC], uint32_t bindings,
                     uint32_t push_bytes, vk_step *st, char *err, size_t errlen);
/* Convolutions and linear layers (with the epilogue e), and bias gradients. */
int vk_plan_gemm(vk_backend *b, const vae_op *op, const vk_epilogue *e, vk_step *st, uint64_t *scratch_words,
                 char *err, size_t errlen);
int vk_plan_bias_bwd(vk_backend *b, const vae_op *op, vk_step *st, uint64_t *scratch_words,
                     char *err, size_t errlen);
/* The aggregate posterior's log-density (vk_plan_aggregate.c): one dispatch. */
int vk_plan_aggregate(vk_backend *b, const vae_op *op, vk_step *st, char *err, size_t errlen);

#endif
