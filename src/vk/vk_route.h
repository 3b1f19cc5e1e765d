/* Which kernels a product op (a convolution or linear layer) runs on.
 *
 *   VK_ROUTE_IMPLICIT         the tiled implicit-GEMM kernels (vk_product.h):
 *                             every op, on every device, by default;
 *   VK_ROUTE_EXPLICIT_COOPMAT the explicit route (vk_im2col.h: the operands
 *                             laid out as plain matrices in scratch memory)
 *                             with the cooperative-matrix GEMM
 *                             (shaders/gemm_coopmat.comp): a mixed op on a
 *                             device whose cooperative matrices the kernel
 *                             can use (vk_coopmat_choose), and only with
 *                             VAEVK_COOPMAT=1 in the environment;
 *   VK_ROUTE_EXPLICIT_TILED   the same explicit route with the tiled GEMM
 *                             (gemm_plain) in its place, fp32 or emulated
 *                             mixed: only with VAEVK_FORCE_IM2COL=1, so that
 *                             everything of the route but the
 *                             cooperative-matrix kernel itself is tested on
 *                             any device (lavapipe in CI).
 *
 * VAEVK_COOPMAT=1 is needed because the cooperative-matrix kernel has not
 * yet run on a GPU. Once `VAEVK_COOPMAT=1 VAEVK_VALIDATION=1 vae-vk
 * selftest --device N` passes on one (tools/device_check.sh), the default
 * is to become "on where the device can". */
#ifndef VAEVK_VK_ROUTE_H
#define VAEVK_VK_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"
#include "vaevk/vulkan.h"
#include "vk/vk_coopmat.h"

typedef enum { VK_ROUTE_IMPLICIT, VK_ROUTE_EXPLICIT_TILED, VK_ROUTE_EXPLICIT_COOPMAT } vk_route;

/* The environment's say. */
typedef struct {
    int coopmat;           /* VAEVK_COOPMAT=1 */
    int force_im2col;      /* VAEVK_FORCE_IM2COL=1 */
    uint32_t chunk_images; /* VAEVK_IM2COL_IMAGES=N: the explicit route's
                            * batch chunk, for tests; 0: chosen */
} vk_route_env;

void vk_route_env_read(vk_route_env *env);

/* Whether a backend on device d (this build's kernels: `built`) runs mixed
 * products on cooperative matrices: 1 with cfg the kernel's shape, else 0
 * with why not in one line. No Vulkan calls: tests hand it made-up devices. */
int vk_route_coopmat(const vae_vk_device_info *d, int built, const vk_route_env *env, vk_coopmat_config *cfg,
                     char *why, size_t whylen);

/* The route of product op `op` on a backend that runs mixed products on
 * cooperative matrices (`coopmat`, from vk_route_coopmat) or not. */
vk_route vk_route_of(const vae_op *op, int coopmat, const vk_route_env *env);

#endif
