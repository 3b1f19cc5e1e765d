/* A strided GEMM on the explicit route's kernels (vk_gemm_call.h). */
#include <stdio.h>
#include <string.h>

#include "vk/vk_gemm_call.h"

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* The tiled GEMM's product: gemm_plain, nothing added, no epilogue. */
static void tiled_product(const vk_gemm_call *g, vk_product *p) {
    memset(p, 0, sizeof *p);
    p->kernel = VK_GEMM_PLAIN;
    p->mixed = g->mixed;
    vk_gemm_push *q = &p->push;
    q->M = g->M, q->N = g->N, q->K = g->K;
    q->a_m = g->a_m, q->a_k = g->a_k, q->b_k = g->b_k, q->b_n = g->b_n, q->c_m = g->c_m, q->c_n = g->c_n;
    q->count = g->M * g->N;
    q->epi_c = q->epi_n = 1;
}

/* The cooperative-matrix GEMM's split: enough workgroups, sums neither too
 * short nor too long, copies within bounds, whole K slices per split. */
static uint32_t coopmat_splits(const vk_gemm_call *g, const vk_coopmat_config *cfg, uint64_t tiles,
                               const VkPhysicalDeviceLimits *l) {
    uint64_t s = ceil_div(VK_GEMM_CALL_TARGET_GROUPS, tiles), most = g->K / VK_GEMM_CALL_MIN_TERMS;
    if (s > most)
        s = most;
    if (s < ceil_div(g->K, VK_GEMM_CALL_MAX_TERMS))
        s = ceil_div(g->K, VK_GEMM_CALL_MAX_TERMS);
    uint64_t words = (uint64_t)g->M * g->N, cap = l->maxStorageBufferRange / 4;
    if (cap > VK_GEMM_CALL_MAX_COPY_WORDS)
        cap = VK_GEMM_CALL_MAX_COPY_WORDS;
    if (s * words > cap)
        s = cap / words;
    if (s > l->maxComputeWorkGroupCount[2])
        s = l->maxComputeWorkGroupCount[2];
    if (s > ceil_div(g->K, cfg->tile_k))
        s = ceil_div(g->K, cfg->tile_k);
    return s < 1 ? 1 : (uint32_t)s;
}

static int size_coopmat(vk_gemm_call *g, const vk_coopmat_config *cfg, const VkPhysicalDeviceLimits *l,
                        char *err, size_t errlen) {
    if (vk_coopmat_groups(cfg, g->M, g->N, l->maxComputeWorkGroupCount, g->groups, err, errlen) != 0)
        return -1;
    uint32_t s = coopmat_splits(g, cfg, (uint64_t)g->groups[0] * g->groups[1], l);
    g->chunk = (uint32_t)(ceil_div(ceil_div(g->K, s), cfg->tile_k) * cfg->tile_k);
    g->splits = (uint32_t)ceil_div(g->K, g->chunk);
    g->groups[2] = g->splits;
    return 0;
}

int vk_gemm_call_size(vk_gemm_call *g, vk_route route, const vk_coopmat_config *cfg,
                      const VkPhysicalDeviceProperties *props, char *err, size_t errlen) {
    memset(&g->tiling, 0, sizeof g->tiling);
    if ((uint64_t)g->M * g->N > UINT32_MAX || g->M == 0 || g->N == 0 || g->K == 0) {
        snprintf(err, errlen, "a %u x %u x %u product is outside 32-bit indexing", g->M, g->N, g->K);
        return -1;
    }
    if (route == VK_ROUTE_EXPLICIT_COOPMAT)
        return size_coopmat(g, cfg, &props->limits, err, errlen);
    vk_product p;
    tiled_product(g, &p);
    if (vk_tiling_choose(&p, props, &g->tiling, err, errlen) != 0)
        return -1;
    g->splits = p.push.splits, g->chunk = p.push.chunk;
    memcpy(g->groups, g->tiling.groups, sizeof g->groups);
    return 0;
}

static int dispatch_coopmat(vk_backend *b, const vk_gemm_call *g, const vk_coopmat_config *cfg, vk_dispatch *d,
                            char *err, size_t errlen) {
    vk_pipeline_key key;
    vk_coopmat_key(cfg, &key);
    if (!key.shader) {
        snprintf(err, errlen, "this build has no cooperative-matrix kernel (%s)", vae_vk_coopmat_build_note());
        return -1;
    }
    if (vk_dispatch_pipeline(b, key.shader, key.spec, key.bindings, key.push_bytes, d, err, errlen) != 0)
        return -1;
    vk_coopmat_push push = {g->M, g->N, g->K, g->a_m, g->a_k, g->b_k, g->b_n, g->c_m, g->c_n, g->chunk,
                            g->M * g->N};
    memcpy(d->push, &push, sizeof push);
    snprintf(d->label, sizeof d->label, "gemm_coopmat %ux%ux%u split %u", g->M, g->N, g->K, g->splits);
    return 0;
}

static int dispatch_tiled(vk_backend *b, const vk_gemm_call *g, vk_dispatch *d, char *err, size_t errlen) {
    vk_product p;
    tiled_product(g, &p);
    p.push.chunk = g->chunk, p.push.splits = g->splits;
    uint32_t spec[VK_MAX_SPEC];
    memcpy(spec, g->tiling.spec, sizeof spec);
    spec[5] = 0; /* no epilogue: whoever reads C applies it */
    spec[6] = (uint32_t)g->mixed;
    if (vk_dispatch_pipeline(b, &vk_product_shaders[VK_GEMM_PLAIN], spec, 5, sizeof p.push, d, err, errlen) != 0)
        return -1;
    memcpy(d->push, &p.push, sizeof p.push);
    snprintf(d->label, sizeof d->label, "gemm_plain %ux%ux%u tile %ux%u split %u%s", g->M, g->N, g->K,
             g->tiling.tile_m, g->tiling.tile_n, g->splits, g->mixed ? " mixed" : "");
    return 0;
}

int vk_gemm_call_dispatch(vk_backend *b, const vk_gemm_call *g, vk_route route, const vk_coopmat_config *cfg,
                          vk_access c, vk_access a, vk_access bm, vk_dispatch *d, char *err, size_t errlen) {
    int coopmat = route == VK_ROUTE_EXPLICIT_COOPMAT;
    if ((coopmat ? dispatch_coopmat(b, g, cfg, d, err, errlen) : dispatch_tiled(b, g, d, err, errlen)) != 0)
        return -1;
    c.written = 1, a.written = 0, bm.written = 0;
    d->bind[0] = c;
    d->bind[1] = a;
    d->bind[2] = bm;
    if (!coopmat) {
        d->bind[3] = a; /* gemm_plain's epilogue bindings, untouched */
        d->bind[4] = c;
    }
    memcpy(d->groups, g->groups, sizeof d->groups);
    return 0;
}
