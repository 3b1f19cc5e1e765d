/* A recording: a program as one command buffer, replayed by every submit.
 * Shared by vk_record.c (making it) and vk_submit.c (running it). */
#ifndef VAEVK_VK_RECORD_H
#define VAEVK_VK_RECORD_H

#include "vk/vk_backend.h"
#include "vk/vk_profile.h"

struct vae_recording {
    VkCommandBuffer cmd;
    VkDescriptorPool pool;
    VkFence fence;
    vk_arena scratch;      /* split sums' partial products, if any */
    vk_profile profile;    /* VAEVK_PROFILE=1 */
    char (*labels)[96];    /* per dispatch, for the profile */
    int pending;
    uint32_t arena_generation;
};

#endif
