/* The Vulkan backend object, shared by the vtable (vk_backend.c) and the
 * recording code (vk_record.c). */
#ifndef VAEVK_VK_BACKEND_H
#define VAEVK_VK_BACKEND_H

#include "vaevk/backend.h"
#include "vk/vk_context.h"
#include "vk/vk_memory.h"
#include "vk/vk_pipelines.h"
#include "vk/vk_route.h"

typedef struct {
    vae_backend base;
    vk_context ctx;
    vk_memory mem;
    vk_pipelines pipes;
    uint32_t arena_generation; /* bumped by alloc_arenas: older recordings are stale */
    vk_route_env route_env;    /* VAEVK_COOPMAT, VAEVK_FORCE_IM2COL (vk_route.h) */
    int coopmat;               /* mixed products on cooperative matrices, with: */
    vk_coopmat_config coopmat_cfg;
} vk_backend;

/* The vtable's record/submit/wait/free_recording; errors go to base.error. */
int vk_record(vae_backend *be, const vae_program *prog, vae_recording **out);
int vk_submit(vae_backend *be, vae_recording *rec);
int vk_wait(vae_backend *be, vae_recording *rec);
void vk_free_recording(vae_backend *be, vae_recording *rec);

#endif
