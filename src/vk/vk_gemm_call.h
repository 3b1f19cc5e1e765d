/* One plain product of strided matrices, C (M×N) = A (M×K)·B (K×N), on the
 * explicit route's GEMM (vk_route.h): the cooperative-matrix kernel
 * (shaders/gemm_coopmat.comp) or the tiled one (gemm_plain.comp). A (m, k)
 * is word m·a_m + k·a_k of its binding, B (k, n) k·b_k + n·b_n, C (m, n)
 * m·c_m + n·c_n, C dense: M·N words. When the sum over K is split, the
 * GEMM writes `splits` copies of C, M·N words apart, for the caller to add
 * (split_sum.comp, from_cn.comp, col2im.comp). */
#ifndef VAEVK_VK_GEMM_CALL_H
#define VAEVK_VK_GEMM_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "vk/vk_coopmat.h"
#include "vk/vk_route.h"
#include "vk/vk_tiling.h"

typedef struct {
    uint32_t M, N, K, a_m, a_k, b_k, b_n, c_m, c_n;
    int mixed;          /* the tiled GEMM rounds the operands to binary16
                         * (the cooperative-matrix one always does) */
    /* chosen by vk_gemm_call_size: */
    uint32_t splits, chunk;
    uint32_t groups[3];
    vk_tiling tiling;   /* the tiled GEMM's */
} vk_gemm_call;

/* The explicit route's limits on the cooperative-matrix GEMM's split of K:
 * at least MIN_TERMS terms a split, at most MAX_TERMS (fp32 sums that
 * short keep a product within the selftest's 1e-10, as vk_tiling.c's
 * MAX_CHUNK), enough workgroups to fill a large GPU, and the copies within
 * MAX_COPY_WORDS. */
#define VK_GEMM_CALL_MIN_TERMS 512u
#define VK_GEMM_CALL_MAX_TERMS 2048u
#define VK_GEMM_CALL_TARGET_GROUPS 256u
#define VK_GEMM_CALL_MAX_COPY_WORDS (32ull << 20)

/* Chooses the split and grid of g on route `route` (cfg: the
 * cooperative-matrix kernel's shape) for a device with props. No Vulkan
 * calls. 0, or -1 with one line in err. */
int vk_gemm_call_size(vk_gemm_call *g, vk_route route, const vk_coopmat_config *cfg,
                      const VkPhysicalDeviceProperties *props, char *err, size_t errlen);

/* The GEMM's dispatch into d, g sized: C (its splits copies) at c, A at a,
 * B at bm. */
int vk_gemm_call_dispatch(vk_backend *b, const vk_gemm_call *g, vk_route route, const vk_coopmat_config *cfg,
                          vk_access c, vk_access a, vk_access bm, vk_dispatch *d, char *err, size_t errlen);

#endif
