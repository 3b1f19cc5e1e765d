/* The Vulkan backend's vtable and its creation. */
#include <stdio.h>
#include <stdlib.h>

#include "vaevk/vulkan.h"
#include "vk/vk_backend.h"
#include "vk/vk_describe.h"

static vk_backend *vkb(vae_backend *be) { return (vk_backend *)be; }

static int vk_alloc_arenas(vae_backend *be, const uint32_t words[VAE_ARENA_COUNT]) {
    vk_backend *b = vkb(be);
    b->arena_generation++;
    return vk_memory_alloc_arenas(&b->ctx, &b->mem, words, be->error, sizeof be->error);
}

static int vk_write(vae_backend *be, vae_tensor t, const void *src) {
    return vk_memory_write(&vkb(be)->ctx, &vkb(be)->mem, t, src, be->error, sizeof be->error);
}

static int vk_read(vae_backend *be, vae_tensor t, void *dst) {
    return vk_memory_read(&vkb(be)->ctx, &vkb(be)->mem, t, dst, be->error, sizeof be->error);
}

static void vk_destroy(vae_backend *be) {
    if (!be)
        return;
    vk_backend *b = vkb(be);
    if (b->ctx.device != VK_NULL_HANDLE) {
        b->ctx.vk.vkDeviceWaitIdle(b->ctx.device);
        vk_pipelines_destroy(&b->ctx, &b->pipes);
        vk_memory_free(&b->ctx, &b->mem);
    }
    vk_context_close(&b->ctx);
    free(b);
}

static const vae_backend_vtable vk_vtable = {
    vk_alloc_arenas, vk_write, vk_read, vk_record, vk_submit, vk_wait, vk_free_recording, vk_destroy,
};

vae_backend *vae_vk_backend_create(int device_index, char *err, size_t errlen) {
    if (device_index < 0) {
        device_index = vae_vk_best_device();
        if (device_index < 0) {
            /* say why: no loader, no device, or none usable */
            vae_vk_device_info *d = NULL;
            int n = 0;
            if (vae_vk_list_devices(&d, &n, err, errlen) == 0)
                snprintf(err, errlen, "none of the %d Vulkan devices can run vae-vk: see `vae-vk devices`", n);
            free(d);
            return NULL;
        }
    }
    vk_backend *b = calloc(1, sizeof *b);
    if (!b) {
        snprintf(err, errlen, "out of memory creating the Vulkan backend");
        return NULL;
    }
    b->base.vt = &vk_vtable;
    vk_route_env_read(&b->route_env);
    int opened = b->route_env.coopmat ? vk_context_open_coopmat(&b->ctx, device_index, err, errlen)
                                      : vk_context_open(&b->ctx, device_index, err, errlen);
    if (opened != 0) {
        free(b);
        return NULL;
    }
    if (b->ctx.coopmat) {
        vae_vk_device_info info;
        vk_describe(b->ctx.phys, device_index, &info);
        b->coopmat = vk_route_coopmat(&info, vae_vk_coopmat_built(), &b->route_env, &b->coopmat_cfg,
                                      b->ctx.coopmat_why, sizeof b->ctx.coopmat_why);
    }
    if (vk_memory_init(&b->ctx, &b->mem, err, errlen) != 0 ||
        vk_pipelines_init(&b->ctx, &b->pipes, err, errlen) != 0) {
        vk_destroy(&b->base);
        return NULL;
    }
    snprintf(b->base.name, sizeof b->base.name, "Vulkan %d: %.140s", device_index, b->ctx.props.deviceName);
    b->base.max_tensor_bytes = b->ctx.props.limits.maxStorageBufferRange;
    b->base.max_arena_bytes = b->ctx.max_allocation;
    /* on cooperative matrices only when VAEVK_COOPMAT=1 (vk_route.h); else
     * shaders/gemm.glsl rounds the operands and sums in fp32 */
    b->base.mixed = b->coopmat ? VAE_MIXED_MATRIX : VAE_MIXED_EMULATED;
    return &b->base;
}
