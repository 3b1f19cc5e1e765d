/* Planning a convolution: geometry, kernel and tile shape, split of K. */
#include <stdio.h>

#include "vk/vk_conv.h"

/* Kernel shapes. Tiled (shaders/gemm.glsl): a workgroup of x×y invocations
 * and tiles of 4y × 4x, K step k. Lane (shaders/lane.glsl, for CPU
 * devices): x invocations, each a column of y rows. Efficiency: a rough
 * relative speed per useful multiply-add; larger tiles reuse each fetched
 * value more. */
typedef struct {
    int lane;
    uint32_t x, y, k;
    double efficiency;
} kernel_shape;

static const kernel_shape shapes[] = {
    {0, 16, 16, 16, 1.0}, /* 64 × 64 */
    {0, 32, 8, 16, 1.0},  /* 32 × 128 */
    {0, 16, 8, 16, 0.9},  /* 32 × 64 */
    {0, 8, 8, 16, 0.8},   /* 32 × 32 */
    {0, 16, 4, 8, 0.7},   /* 16 × 64: for very few output channels */
    {1, 64, 16, 0, 1.0},
    {1, 64, 8, 0, 0.8},
};
#define SHAPES ((int)(sizeof shapes / sizeof shapes[0]))

/* Invocations that keep a device busy: a large GPU a few times over, or a
 * CPU's threads. Splitting K further only adds traffic through the
 * scratch buffer. */
#define GPU_INVOCATIONS 131072.0
#define CPU_INVOCATIONS 1024.0
/* Each split sums at least MIN_CHUNK terms (worth a tile's set-up) and at
 * most MAX_CHUNK: fp32 partial sums that short stay far inside the 1e-10
 * normalized-MSE agreement bound, and split_sum adds the few partials. */
#define MIN_CHUNK 256u
#define MAX_CHUNK 2048u
#define MAX_SCRATCH_WORDS (32ull << 20)
/* Cost of a word through the scratch buffer, in multiply-adds. */
#define SCRATCH_WORD_COST 64.0

static int forced_shape = -1;
static uint32_t forced_splits;

void vk_conv_force(int tile, uint32_t splits) {
    forced_shape = tile < SHAPES ? tile : -1;
    forced_splits = splits;
}

int vk_conv_tile_count(void) { return SHAPES; }

int vk_is_conv(vae_op_kind kind) { return kind >= VAE_OP_CONV2D_FWD && kind <= VAE_OP_CONVT_BWD_WEIGHT; }

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* The large/small sides (gemm_push.glsl) and the product's sizes. */
static void geometry(const vae_op *op, vk_conv_plan *p) {
    uint32_t B = (uint32_t)op->d[0], Cin = (uint32_t)op->d[1], H = (uint32_t)op->d[2];
    uint32_t W = (uint32_t)op->d[3], Cout = (uint32_t)op->d[4];
    vk_gemm_push *g = &p->push;
    g->B = B;
    if (op->kind <= VAE_OP_CONV2D_BWD_WEIGHT)
        g->Cb = Cin, g->Cs = Cout, g->Hb = H, g->Wb = W, g->Hs = H / 2, g->Ws = W / 2;
    else
        g->Cs = Cin, g->Cb = Cout, g->Hs = H, g->Ws = W, g->Hb = 2 * H, g->Wb = 2 * W;
    switch (op->kind) {
    case VAE_OP_CONV2D_FWD: case VAE_OP_CONVT_BWD_INPUT:
        p->kind = VK_CONV_GATHER;
        g->M = g->Cs, g->N = B * g->Hs * g->Ws, g->K = g->Cb * 16, g->count = B * g->Cs * g->Hs * g->Ws;
        break;
    case VAE_OP_CONV2D_BWD_INPUT: case VAE_OP_CONVT_FWD:
        p->kind = VK_CONV_SCATTER;
        g->M = g->Cb, g->N = B * ((g->Hb + 1) / 2) * ((g->Wb + 1) / 2), g->K = g->Cs * 4;
        g->count = B * g->Cb * g->Hb * g->Wb;
        break;
    default:
        p->kind = VK_CONV_WEIGHT;
        g->M = g->Cs, g->N = g->Cb * 16, g->K = B * g->Hs * g->Ws, g->count = g->Cs * g->Cb * 16;
        break;
    }
    p->tensor[0] = 0, p->tensor[1] = 1, p->tensor[2] = 2;
    if (op->kind == VAE_OP_CONVT_BWD_WEIGHT)
        p->tensor[1] = 2, p->tensor[2] = 1; /* small = x, big = dy */
}

static uint32_t tile_m(const kernel_shape *s) { return s->lane ? s->y : 4 * s->y; }
static uint32_t tile_n(const kernel_shape *s) { return s->lane ? s->x : 4 * s->x; }
static uint32_t invocations(const kernel_shape *s) { return s->lane ? s->x : s->x * s->y; }

static int shape_fits(const kernel_shape *s, const VkPhysicalDeviceLimits *l) {
    uint64_t shared = s->lane ? 0 : (uint64_t)s->k * (tile_m(s) + 4 + tile_n(s) + 4) * 4;
    uint32_t wy = s->lane ? 1 : s->y;
    return invocations(s) <= l->maxComputeWorkGroupInvocations && s->x <= l->maxComputeWorkGroupSize[0] &&
           wy <= l->maxComputeWorkGroupSize[1] && shared <= l->maxComputeSharedMemorySize;
}

/* How many ways to split K when `groups` workgroups of `inv` invocations
 * cover the output. */
static uint32_t pick_splits(const vk_gemm_push *g, uint64_t groups, uint32_t inv, uint32_t classes,
                            uint32_t step, double target, const VkPhysicalDeviceLimits *l) {
    uint64_t s = (uint64_t)(target / ((double)groups * inv) + 0.999), most = g->K / MIN_CHUNK;
    if (s > most)
        s = most;
    if (s < ceil_div(g->K, MAX_CHUNK))
        s = ceil_div(g->K, MAX_CHUNK);
    if (forced_splits)
        s = forced_splits;
    uint64_t scratch_cap = l->maxStorageBufferRange / 4 < MAX_SCRATCH_WORDS ? l->maxStorageBufferRange / 4
                                                                              : MAX_SCRATCH_WORDS;
    if (s * g->count > scratch_cap)
        s = scratch_cap / g->count;
    if (s * classes > l->maxComputeWorkGroupCount[2])
        s = l->maxComputeWorkGroupCount[2] / classes;
    if (s > ceil_div(g->K, step))
        s = ceil_div(g->K, step);
    return s < 1 ? 1 : (uint32_t)s;
}

static uint32_t capped(uint64_t groups, uint32_t limit) { return (uint32_t)(groups < limit ? groups : limit); }

/* Fills the kernel, split and grid of p for shape s; returns its cost. */
static double try_shape(vk_conv_plan *p, const kernel_shape *s, double target, const VkPhysicalDeviceLimits *l) {
    vk_gemm_push *g = &p->push;
    uint32_t classes = p->kind == VK_CONV_SCATTER ? 4 : 1, step = s->lane ? 1 : s->k;
    uint64_t tiles_m = ceil_div(g->M, tile_m(s)), tiles_n = ceil_div(g->N, tile_n(s));
    uint32_t splits = pick_splits(g, tiles_m * tiles_n * classes, invocations(s), classes, step, target, l);
    /* whole K steps per split; recount, as rounding up may need fewer */
    g->chunk = (uint32_t)(ceil_div(ceil_div(g->K, splits), step) * step);
    g->splits = (uint32_t)ceil_div(g->K, g->chunk);
    p->shader = s->lane ? &vk_conv_lane_shaders[p->kind] : &vk_conv_shaders[p->kind];
    p->spec[0] = s->x, p->spec[1] = s->y, p->spec[2] = s->k;
    p->tile_m = tile_m(s), p->tile_n = tile_n(s);
    p->groups[0] = capped(tiles_n, l->maxComputeWorkGroupCount[0]);
    p->groups[1] = capped(tiles_m, l->maxComputeWorkGroupCount[1]);
    p->groups[2] = g->splits * classes;
    p->scratch_words = g->splits > 1 ? (uint64_t)g->splits * g->count : 0;
    double padded = (double)(tiles_m * p->tile_m) * (double)(tiles_n * p->tile_n) * classes * g->K;
    double fill = (double)(tiles_m * tiles_n) * p->groups[2] * invocations(s) / target;
    return padded / s->efficiency / (fill < 1 ? fill : 1) + (double)p->scratch_words * SCRATCH_WORD_COST;
}

int vk_conv_plan_op(const vae_op *op, const VkPhysicalDeviceProperties *props, vk_conv_plan *plan,
                    char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &props->limits;
    int cpu = props->deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    double target = cpu ? CPU_INVOCATIONS : GPU_INVOCATIONS;
    geometry(op, plan);
    int best = -1;
    double best_cost = 0;
    for (int i = 0; i < SHAPES; i++) {
        const kernel_shape *s = &shapes[i];
        int wanted = forced_shape >= 0 ? i == forced_shape : s->lane == cpu;
        if (!wanted || !shape_fits(s, l))
            continue;
        double cost = try_shape(plan, s, target, l);
        if (best < 0 || cost < best_cost)
            best = i, best_cost = cost;
    }
    if (best < 0) {
        snprintf(err, errlen, "no convolution kernel shape fits this device's compute limits");
        return -1;
    }
    try_shape(plan, &shapes[best], target, l);
    return 0;
}
