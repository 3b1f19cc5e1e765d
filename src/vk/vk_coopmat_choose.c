/* The product kernel's shape on a device (shaders/gemm_coopmat.comp), from
 * what the device lists: no Vulkan calls, so tests/vk/test_coopmat_choose.c
 * hands it made-up devices. */
#include <stdio.h>
#include <string.h>

#include "vk/vk_coopmat.h"

/* Workgroup tiles, best first: TM, TN, TK and the subgroups along M and N.
 * 128×128 with 8 subgroups is issue 9's design (143 TFLOP/s at 4096³ on an
 * H200 in a first cut); the smaller ones are for devices with less shared
 * memory or fewer invocations. */
static const struct {
    uint32_t m, n, k, sg_m, sg_n;
} tiles[] = {
    {128, 128, 32, 2, 4},
    {64, 64, 32, 2, 2},
    {64, 64, 32, 1, 1},
};

/* The kernel's shared memory: two fp16 buffers of the A and B slices, rows
 * padded by 8 halves, and an LM×LN fp32 block per subgroup. */
static uint32_t shared_bytes(uint32_t tm, uint32_t tn, uint32_t tk, uint32_t subgroups, uint32_t lm,
                             uint32_t ln) {
    return 2u * 2u * (tm * (tk + 8u) + tk * (tn + 8u)) + subgroups * lm * ln * 4u;
}

/* Whether shape s is one the kernel can use: fp16 × fp16 + fp32 -> fp32 in
 * a subgroup; K and N of it multiples of 8 halves, so every cooperative
 * load and store starts on a 16-byte boundary, as both extensions require. */
static int kernel_types(const vae_vk_coopmat_shape *s) {
    return s->a == VK_COOPMAT_FP16 && s->b == VK_COOPMAT_FP16 && s->c == VK_COOPMAT_FP32 &&
           s->result == VK_COOPMAT_FP32 && s->scope == VK_COOPMAT_SCOPE_SUBGROUP && !s->saturating &&
           s->m > 0 && s->n % 8 == 0 && s->k % 8 == 0 && s->n > 0 && s->k > 0;
}

static int fits_tile(const vae_vk_coopmat_shape *s, int t) {
    uint32_t wm = tiles[t].m / tiles[t].sg_m, wn = tiles[t].n / tiles[t].sg_n;
    return wm % s->m == 0 && wn % s->n == 0 && tiles[t].k % s->k == 0;
}

/* The best shape of extension ext on tile t, or -1. */
static int best_shape(const vae_vk_device_info *d, int ext, int t) {
    int best = -1;
    uint64_t best_volume = 0;
    uint32_t subgroups = tiles[t].sg_m * tiles[t].sg_n;
    uint64_t invocations = (uint64_t)subgroups * d->subgroup_size;
    if (invocations > d->max_workgroup_invocations || invocations > d->max_workgroup_size[0])
        return -1;
    for (int i = 0; i < d->coopmat_count; i++) {
        const vae_vk_coopmat_shape *s = &d->coopmat[i];
        if (s->ext != ext || !kernel_types(s) || !fits_tile(s, t) ||
            shared_bytes(tiles[t].m, tiles[t].n, tiles[t].k, subgroups, s->m, s->n) > d->max_shared_memory)
            continue;
        uint64_t volume = (uint64_t)s->m * s->n * s->k;
        if (volume > best_volume)
            best = i, best_volume = volume;
    }
    return best;
}

static void fill(const vae_vk_device_info *d, int ext, int t, const vae_vk_coopmat_shape *s,
                 vk_coopmat_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->ext = ext;
    cfg->lm = s->m, cfg->ln = s->n, cfg->lk = s->k;
    cfg->tile_m = tiles[t].m, cfg->tile_n = tiles[t].n, cfg->tile_k = tiles[t].k;
    cfg->sg_m = tiles[t].sg_m, cfg->sg_n = tiles[t].sg_n;
    cfg->invocations = cfg->sg_m * cfg->sg_n * d->subgroup_size;
    cfg->shared_bytes = shared_bytes(cfg->tile_m, cfg->tile_n, cfg->tile_k, cfg->sg_m * cfg->sg_n, s->m, s->n);
}

int vk_coopmat_choose(const vae_vk_device_info *d, int built, vk_coopmat_config *cfg, char *why,
                      size_t whylen) {
    memset(cfg, 0, sizeof *cfg);
    if (!d->coopmat_exts) {
        snprintf(why, whylen, "the device lists no cooperative-matrix extension");
        return -1;
    }
    int usable = d->coopmat_exts & d->coopmat_usable;
    if (!usable) {
        snprintf(why, whylen, "the device's cooperative matrices are off or not for compute shaders");
        return -1;
    }
    if (!(usable & built)) {
        snprintf(why, whylen, "this build has no kernel for the device's cooperative-matrix extension (%s)",
                 vae_vk_coopmat_build_note());
        return -1;
    }
    if (!d->fp16 || !d->memory_model || d->subgroup_size == 0) {
        snprintf(why, whylen, "the kernel needs shaderFloat16 and vulkanMemoryModel; the device lacks %s",
                 !d->fp16 ? "shaderFloat16" : !d->memory_model ? "vulkanMemoryModel" : "a subgroup size");
        return -1;
    }
    static const int order[] = {VAE_VK_COOPMAT_KHR, VAE_VK_COOPMAT_NV};
    for (int t = 0; t < (int)(sizeof tiles / sizeof tiles[0]); t++)
        for (int o = 0; o < 2; o++) {
            if (!(usable & built & order[o]))
                continue;
            int s = best_shape(d, order[o], t);
            if (s >= 0) {
                fill(d, order[o], t, &d->coopmat[s], cfg);
                return 0;
            }
        }
    snprintf(why, whylen, "none of the device's %d cooperative-matrix shapes is fp16 x fp16 + fp32 in a "
             "subgroup and fits a tile in its shared memory and workgroup", d->coopmat_count);
    return -1;
}

void vk_coopmat_key(const vk_coopmat_config *cfg, vk_pipeline_key *key) {
    memset(key, 0, sizeof *key);
    key->shader = vk_coopmat_shader(cfg->ext);
    /* as shaders/gemm_coopmat.comp packs them: six constants per key */
    key->spec[0] = cfg->invocations;
    key->spec[1] = cfg->lm, key->spec[2] = cfg->ln, key->spec[3] = cfg->lk;
    key->spec[4] = cfg->tile_m | cfg->tile_n << 16;
    key->spec[5] = cfg->tile_k | cfg->sg_m << 8 | cfg->sg_n << 16;
    key->bindings = 3;
    key->push_bytes = sizeof(vk_coopmat_push);
}

int vk_coopmat_groups(const vk_coopmat_config *cfg, uint32_t M, uint32_t N, const uint32_t max_count[3],
                      uint32_t groups[3], char *err, size_t errlen) {
    groups[0] = N / cfg->tile_n + (N % cfg->tile_n != 0);
    groups[1] = M / cfg->tile_m + (M % cfg->tile_m != 0);
    groups[2] = 1;
    if (groups[0] > max_count[0] || groups[1] > max_count[1]) {
        snprintf(err, errlen, "a %u x %u product needs %u x %u workgroups of %u x %u; the device allows %u x %u",
                 M, N, groups[0], groups[1], cfg->tile_m, cfg->tile_n, max_count[0], max_count[1]);
        return -1;
    }
    return 0;
}
