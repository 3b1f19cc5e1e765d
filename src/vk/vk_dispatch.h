/* A dispatch: one kernel launch of a recording, with everything
 * vk_record.c needs to bind and record it. The planners (vk_plan.h) fill
 * them from ops, with the helpers below; an op takes one dispatch, or two
 * when its sum is split over workgroups (the parts, then split_sum), or on
 * the explicit route (vk_im2col.h) up to four per batch chunk. */
#ifndef VAEVK_VK_DISPATCH_H
#define VAEVK_VK_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"
#include "vk/vk_backend.h"
#include "vk/vk_hazard.h"
#include "vk/vk_pipelines.h"

#define VK_MAX_BINDINGS VAE_OP_MAX_TENSORS
#define VK_DISPATCHES_PER_OP 32

typedef struct {
    const vk_pipeline *pipe;
    uint32_t push[32];      /* vk_push or vk_gemm_push (at most maxPushConstantsSize >= 128 bytes) */
    uint32_t push_bytes;
    vk_access bind[VK_MAX_BINDINGS]; /* binding k: its buffer, words, and whether written */
    uint32_t nbind;
    uint32_t groups[3];
    char label[96];         /* what profiles call it */
    VkDescriptorSet set;    /* filled when the recording is made */
} vk_dispatch;

/* The pipeline of shader s with these specialization constants, bindings
 * and push-constant bytes (checked against the device), into d. 0, or -1
 * with one line in err. */
int vk_dispatch_pipeline(vk_backend *b, const vk_shader *s, const uint32_t spec[VK_MAX_SPEC], uint32_t bindings,
                         uint32_t push_bytes, vk_dispatch *d, char *err, size_t errlen);
/* A tensor as a binding's words. */
vk_access vk_tensor_access(vae_tensor t, int written);
/* The largest power of two <= want that the device allows (with a float
 * of shared memory per invocation if asked), or 0. */
uint32_t vk_pick_local_size(const VkPhysicalDeviceLimits *l, uint32_t want, int shared_per_invocation);
/* Workgroups of per_group for items, capped at the device's maximum. */
uint32_t vk_groups_for(const VkPhysicalDeviceLimits *l, uint64_t items, uint32_t per_group);

#endif
