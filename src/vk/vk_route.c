/* The route of a product op (vk_route.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_route.h"

static int set(const char *name) {
    const char *v = getenv(name);
    return v && strcmp(v, "1") == 0;
}

void vk_route_env_read(vk_route_env *env) {
    memset(env, 0, sizeof *env);
    env->coopmat = set("VAEVK_COOPMAT");
    env->force_im2col = set("VAEVK_FORCE_IM2COL");
    const char *v = getenv("VAEVK_IM2COL_IMAGES");
    long n = v && *v ? strtol(v, NULL, 10) : 0;
    env->chunk_images = n > 0 && n < 1L << 30 ? (uint32_t)n : 0;
}

int vk_route_coopmat(const vae_vk_device_info *d, int built, const vk_route_env *env, vk_coopmat_config *cfg,
                     char *why, size_t whylen) {
    memset(cfg, 0, sizeof *cfg);
    if (!env->coopmat) {
        snprintf(why, whylen, "the cooperative-matrix kernel has not yet run on a GPU: VAEVK_COOPMAT=1 turns it on");
        return 0;
    }
    return vk_coopmat_choose(d, built, cfg, why, whylen) == 0;
}

vk_route vk_route_of(const vae_op *op, int coopmat, const vk_route_env *env) {
    if (vae_op_info_of(op->kind)->family != VAE_FAMILY_PRODUCT)
        return VK_ROUTE_IMPLICIT;
    if (coopmat && op->precision == VAE_PRECISION_MIXED)
        return VK_ROUTE_EXPLICIT_COOPMAT;
    return env->force_im2col ? VK_ROUTE_EXPLICIT_TILED : VK_ROUTE_IMPLICIT;
}
