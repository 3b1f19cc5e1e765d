/* Cooperative matrices (issue 9): what a device lists, which kernel shape
 * to use on it, and the product kernel's pipeline and grid.
 *
 *   vk_coopmat_query.c    the device's extensions, features and shapes
 *                         (into vae_vk_device_info);
 *   vk_coopmat_choose.c   the shape and tile for a device: no Vulkan calls,
 *                         so tests hand it made-up devices;
 *   vk_coopmat_shaders.c  the kernels this build compiled (shaders/
 *                         meson.build probes glslang per extension).
 *
 * The kernel (shaders/gemm_coopmat.comp): tools/bench_coopmat.c runs it
 * against the CPU; training's mixed products run on it through the
 * explicit route (vk_im2col.h) when VAEVK_COOPMAT=1 (vk_route.h), not yet
 * by default: it has not run on a GPU. */
#ifndef VAEVK_VK_COOPMAT_H
#define VAEVK_VK_COOPMAT_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/vulkan.h"
#include "vk/vk_context.h"
#include "vk/vk_pipelines.h"
#include "vk/vk_shaders.h"

/* Vulkan's numbering (VkComponentTypeKHR, VkScopeKHR; NV's is the same). */
#define VK_COOPMAT_FP16 0u
#define VK_COOPMAT_FP32 1u
#define VK_COOPMAT_SCOPE_SUBGROUP 3u

/* The feature struct of either extension (the same fields for both;
 * sType tells them apart), to chain into VkDeviceCreateInfo. */
typedef struct {
    VkStructureType sType;
    void *pNext;
    VkBool32 cooperativeMatrix;
    VkBool32 cooperativeMatrixRobustBufferAccess;
} vk_coopmat_features;

/* Fills info's coopmat fields (the extensions, features and shapes) for a
 * device of Vulkan 1.2 or later; leaves them zero where there are none. */
void vk_coopmat_query(VkPhysicalDevice pd, vae_vk_device_info *info);

/* f, set to turn extension ext on, linked to next. 0, or -1 when these
 * headers cannot enable it (KHR before Vulkan headers 1.3.255). */
int vk_coopmat_enable(int ext, vk_coopmat_features *f, void *next);
/* The extension's name. */
const char *vk_coopmat_extension_name(int ext);

/* What the product kernel runs with on a device. */
typedef struct {
    int ext;                      /* VAE_VK_COOPMAT_NV or _KHR */
    uint32_t lm, ln, lk;          /* the cooperative matrix shape */
    uint32_t tile_m, tile_n, tile_k; /* a workgroup's tile of C, the K slice */
    uint32_t sg_m, sg_n;          /* subgroups along M and N */
    uint32_t invocations;         /* sg_m·sg_n·subgroup size */
    uint32_t shared_bytes;        /* the kernel's shared memory */
} vk_coopmat_config;

/* The kernel's shape for device d, with the kernels of `built` (bits of
 * VAE_VK_COOPMAT_*): fp16 A and B, fp32 C and result, subgroup scope, from
 * an extension that is usable and built (KHR before NV), on the largest tile
 * whose subgroups, shared memory and alignment the device allows, then the
 * shape with most multiply-adds (the driver's order among equals). 0, or
 * -1 and why not in one line. */
int vk_coopmat_choose(const vae_vk_device_info *d, int built, vk_coopmat_config *cfg, char *why,
                      size_t whylen);

/* Mirrors the push constants of shaders/gemm_coopmat.comp: C (M×N) =
 * A (M×K)·B (K×N), A (m, k) at word m·a_m + k·a_k of binding 1, B (k, n) at
 * k·b_k + n·b_n of binding 2, C (m, n) at m·c_m + n·c_n of binding 0.
 * Workgroup z sums K's terms [z·chunk, (z+1)·chunk) into copy z of C,
 * z·c_split words on (one split: chunk = K, one workgroup in z). */
typedef struct {
    uint32_t M, N, K;
    uint32_t a_m, a_k, b_k, b_n, c_m, c_n;
    uint32_t chunk, c_split;
} vk_coopmat_push;

/* The pipeline key of cfg's kernel (three bindings, the push constants). */
void vk_coopmat_key(const vk_coopmat_config *cfg, vk_pipeline_key *key);
/* Workgroups for an M×N product: x along N, y along M. -1 with err when
 * the grid exceeds the device's workgroup counts. */
int vk_coopmat_groups(const vk_coopmat_config *cfg, uint32_t M, uint32_t N, const uint32_t max_count[3],
                      uint32_t groups[3], char *err, size_t errlen);

/* The kernel for an extension, or NULL when this build has none for it. */
const vk_shader *vk_coopmat_shader(int ext);

#endif
