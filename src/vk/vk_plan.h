/* From an op to the dispatches that run it (one, or two for a convolution
 * whose sum is split: the product, then split_sum), checked against the
 * device's limits before anything is recorded. */
#ifndef VAEVK_VK_PLAN_H
#define VAEVK_VK_PLAN_H

#include "vk/vk_backend.h"
#include "vk/vk_hazard.h"

#define VK_MAX_BINDINGS VAE_OP_MAX_TENSORS
#define VK_STEPS_PER_OP 2

typedef struct {
    const vk_pipeline *pipe;
    uint32_t push[16];      /* vk_push or vk_gemm_push */
    uint32_t push_bytes;
    vk_access bind[VK_MAX_BINDINGS]; /* binding k: its buffer, words, and whether written */
    uint32_t nbind;
    uint32_t groups[3];
    char label[96];         /* what profiles call it */
    VkDescriptorSet set;    /* filled when the recording is made */
} vk_step;

/* The steps of op (returns how many, at most VK_STEPS_PER_OP), raising
 * *scratch_words to what they need of the recording's scratch buffer.
 * -1 with one line in err. */
int vk_plan_op(vk_backend *b, const vae_op *op, vk_step *steps, uint64_t *scratch_words,
               char *err, size_t errlen);

#endif
