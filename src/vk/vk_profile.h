/* VAEVK_PROFILE=1: every recording times each of its dispatches with
 * timestamp queries (a barrier before each, so the times do not overlap)
 * and, when freed, prints to stderr the mean time per submission of each
 * kernel, most expensive first. For finding what to speed up; it slows
 * the step down by the barriers it adds. */
#ifndef VAEVK_VK_PROFILE_H
#define VAEVK_VK_PROFILE_H

#include <stdint.h>

#include "vk/vk_context.h"

typedef struct {
    VkQueryPool pool;      /* VK_NULL_HANDLE: not profiling */
    uint32_t dispatches;   /* queries = dispatches + 1 */
    char (*labels)[96];    /* per dispatch */
    double *ns;            /* per dispatch, summed over submissions */
    uint64_t *raw;
    uint32_t submissions;
    double period_ns;
} vk_profile;

/* Profiling asked for and possible on this device's queue. */
int vk_profile_wanted(const vk_context *ctx);
/* 0, or -1 with err; labels[] must outlive the profile. */
int vk_profile_init(const vk_context *ctx, vk_profile *p, uint32_t dispatches, char (*labels)[96],
                    char *err, size_t errlen);
/* At the start of the command buffer, and after dispatch i. */
void vk_profile_begin(const vk_context *ctx, vk_profile *p, VkCommandBuffer cmd);
void vk_profile_mark(const vk_context *ctx, vk_profile *p, VkCommandBuffer cmd, uint32_t dispatch);
/* After a submission has finished: adds its times. */
void vk_profile_collect(const vk_context *ctx, vk_profile *p);
/* Prints the table (if anything was collected) and frees everything. */
void vk_profile_finish(const vk_context *ctx, vk_profile *p);

#endif
