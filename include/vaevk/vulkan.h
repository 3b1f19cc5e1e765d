/* The Vulkan compute backend: device discovery and backend creation.
 * Vulkan is loaded at run time (volk), so a machine without a Vulkan loader
 * or driver still runs the CPU backend; every function here then fails with
 * a message instead of crashing.
 *
 * Environment:
 *   VAEVK_VALIDATION=1     enable VK_LAYER_KHRONOS_validation with
 *                          synchronization validation; every warning or error
 *                          it reports is printed and counted.
 *   VAEVK_FORCE_STAGING=1  never map device-local arenas, always copy through
 *                          a staging buffer (as on a discrete GPU). */
#ifndef VAEVK_VULKAN_H
#define VAEVK_VULKAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vaevk/backend.h"

#define VAE_VK_MAX_HEAPS 16

typedef struct {
    int index;                 /* as passed to vae_vk_backend_create */
    char name[256];
    char vendor[32];
    char type[16];             /* discrete/integrated/virtual/cpu/other */
    char driver[128];          /* driver name and info, e.g. "llvmpipe Mesa 22.3.6" */
    uint32_t api_version, driver_version;
    char driver_version_text[32]; /* decoded the vendor's way */
    int heap_count;
    uint64_t heap_size[VAE_VK_MAX_HEAPS];       /* bytes */
    int heap_device_local[VAE_VK_MAX_HEAPS];
    uint32_t subgroup_size;
    int fp16, int8, storage16;  /* shaderFloat16, shaderInt8, storageBuffer16BitAccess */
    /* The limits the backend relies on. */
    uint32_t max_storage_buffer_range;
    uint32_t max_workgroup_count[3], max_workgroup_size[3];
    uint32_t max_workgroup_invocations;
    uint32_t max_shared_memory;
    uint32_t max_push_constants;
    uint64_t min_storage_offset_alignment;
    uint64_t max_allocation_size;
    int usable;                /* Vulkan 1.2+ and a compute queue */
    char unusable_reason[96];
} vae_vk_device_info;

/* All physical devices in the loader's order; *out is malloc'd (free() it).
 * -1 and one line in err if there is no loader or no device. */
int vae_vk_list_devices(vae_vk_device_info **out, int *count, char *err, size_t errlen);
/* The best usable device: discrete > integrated > virtual > cpu (the first
 * of a kind wins); -1 if none. */
int vae_vk_best_device(void);
/* The same among GPUs only (a CPU driver such as lavapipe is never picked
 * by default: the CPU backend is faster); -1 if none. */
int vae_vk_best_gpu(void);
/* The Vulkan part of `vae-vk devices`, the best GPU marked [default]; says
 * why when nothing is found. */
void vae_vk_print_devices(FILE *f);
/* A backend on device `device_index` (-1: vae_vk_best_device()). NULL and one
 * line in err on failure. */
vae_backend *vae_vk_backend_create(int device_index, char *err, size_t errlen);

/* Warnings and errors the validation layer has reported in this process
 * (0 unless VAEVK_VALIDATION=1); tests require 0. */
int vae_vk_validation_messages(void);

#endif
