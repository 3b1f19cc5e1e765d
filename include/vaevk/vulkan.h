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
#define VAE_VK_MAX_COOPMAT_SHAPES 48

/* Which cooperative-matrix extension: VK_NV_cooperative_matrix or
 * VK_KHR_cooperative_matrix (bits, for sets of them). */
#define VAE_VK_COOPMAT_NV 1
#define VAE_VK_COOPMAT_KHR 2

/* One matrix shape and set of types a device multiplies on cooperative
 * matrices: D (m×n) = A (m×k) · B (k×n) + C. Types and scope in Vulkan's
 * numbering, the same for both extensions (VkComponentTypeKHR: 0 fp16,
 * 1 fp32, 2 fp64, 3..6 sint8..64, 7..10 uint8..64; VkScopeKHR: 1 device,
 * 2 workgroup, 3 subgroup, 5 queue family). */
typedef struct {
    int ext;                   /* VAE_VK_COOPMAT_NV or _KHR: which listed it */
    uint32_t m, n, k;
    uint32_t a, b, c, result;
    uint32_t scope;
    int saturating;            /* KHR's saturatingAccumulation (integers only) */
} vae_vk_coopmat_shape;

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
    /* Cooperative matrices: the extensions the driver lists (bits of
     * VAE_VK_COOPMAT_*), of those the ones whose cooperativeMatrix feature is
     * on and that reach compute shaders, the shapes they list (NV's, then
     * KHR's; at most VAE_VK_MAX_COOPMAT_SHAPES), and Vulkan 1.2's
     * vulkanMemoryModel, which the kernels' SPIR-V declares. */
    int coopmat_exts, coopmat_usable;
    int coopmat_count;
    vae_vk_coopmat_shape coopmat[VAE_VK_MAX_COOPMAT_SHAPES];
    int memory_model;
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
/* Which cooperative-matrix kernels this build has (bits of
 * VAE_VK_COOPMAT_*: the extensions its glslang compiled), and one line
 * saying so, e.g. "NV cooperative matrix (KHR: glslang 12.0.0 is too old,
 * needs >= 13)". */
int vae_vk_coopmat_built(void);
const char *vae_vk_coopmat_build_note(void);
/* "fp16", "fp32", "sint8", ... for a VkComponentTypeKHR value. */
const char *vae_vk_component_name(uint32_t type);
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
