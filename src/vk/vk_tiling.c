/* Cutting a product or a bias gradient over workgroups (vk_tiling.h):
 * tile shape, split of K. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vk/vk_tiling.h"

/* Tile shapes (shaders/gemm.glsl): a workgroup of x×y invocations, each
 * computing rm×rn outputs, K step k; tiles of rm·y × rn·x. Efficiency: a
 * rough relative speed per useful multiply-add on GPUs and on CPU devices,
 * from timing every layer of the model with each shape forced
 * (VAEVK_GEMM_TILE) on an H200 and on lavapipe. 8×8 blocks ran the
 * gathers and scatters up to ten times slower on the H200 and spill a
 * CPU's registers; they stay for tuning on other devices. */
typedef struct {
    uint32_t x, y, k, rm, rn;
    double gpu, cpu;
} tile_shape;

static const tile_shape shapes[] = {
    {16, 16, 16, 4, 4, 1.0, 1.0}, /* 64 × 64 */
    {32, 8, 16, 4, 4, 0.95, 1.0}, /* 32 × 128 */
    {16, 8, 16, 4, 4, 0.9, 0.9},  /* 32 × 64 */
    {8, 8, 16, 4, 4, 0.8, 0.7},   /* 32 × 32 */
    {16, 4, 8, 4, 4, 0.7, 0.6},   /* 16 × 64: for very few output channels */
    {8, 8, 16, 8, 8, 0.3, 0.6},   /* 64 × 64 */
    {16, 16, 16, 8, 8, 0.3, 0.5}, /* 128 × 128 */
    {16, 8, 16, 4, 8, 0.9, 0.9},  /* 32 × 128 */
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

void vk_tiling_force(int shape, uint32_t splits) {
    forced_shape = shape < SHAPES ? shape : -1;
    forced_splits = splits;
}

int vk_tiling_shape_count(void) { return SHAPES; }

/* The shape forced by vk_tiling_force, else by VAEVK_GEMM_TILE, else -1. */
static int forced(void) {
    if (forced_shape >= 0)
        return forced_shape;
    const char *v = getenv("VAEVK_GEMM_TILE");
    int n = v && *v ? atoi(v) : -1;
    return n >= 0 && n < SHAPES ? n : -1;
}

static uint64_t ceil_div(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

static uint32_t tile_m(const tile_shape *s) { return s->rm * s->y; }
static uint32_t tile_n(const tile_shape *s) { return s->rn * s->x; }

/* The device's limits, and gemm.glsl's: every invocation fetches whole
 * slots of both slices, and the n-fast B fetch needs NT a multiple of TN. */
static int shape_fits(const tile_shape *s, const VkPhysicalDeviceLimits *l) {
    uint32_t nt = s->x * s->y;
    uint64_t shared = (uint64_t)s->k * (tile_m(s) + 4 + tile_n(s) + 4) * 4;
    return nt <= l->maxComputeWorkGroupInvocations && s->x <= l->maxComputeWorkGroupSize[0] &&
           s->y <= l->maxComputeWorkGroupSize[1] && shared <= l->maxComputeSharedMemorySize &&
           nt % s->k == 0 && nt % tile_n(s) == 0 && tile_m(s) * s->k % nt == 0 && s->rm % 4 == 0 &&
           s->rn % 4 == 0;
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

/* Fills the split of p and the tiling t for shape s; returns its cost. */
static double try_shape(vk_product *p, vk_tiling *t, const tile_shape *s, int cpu, double target,
                        const VkPhysicalDeviceLimits *l) {
    vk_gemm_push *g = &p->push;
    uint32_t classes = p->kernel == VK_CONV_SCATTER ? 4 : 1, step = s->k, nt = s->x * s->y;
    uint64_t tiles_m = ceil_div(g->M, tile_m(s)), tiles_n = ceil_div(g->N, tile_n(s));
    uint32_t splits = pick_splits(g, tiles_m * tiles_n * classes, nt, classes, step, target, l);
    /* whole K steps per split; recount, as rounding up may need fewer */
    g->chunk = (uint32_t)(ceil_div(ceil_div(g->K, splits), step) * step);
    g->splits = (uint32_t)ceil_div(g->K, g->chunk);
    t->spec[0] = s->x, t->spec[1] = s->y, t->spec[2] = s->k, t->spec[3] = s->rm, t->spec[4] = s->rn;
    t->spec[5] = t->spec[6] = 0;
    t->tile_m = tile_m(s), t->tile_n = tile_n(s);
    t->groups[0] = capped(tiles_n, l->maxComputeWorkGroupCount[0]);
    t->groups[1] = capped(tiles_m, l->maxComputeWorkGroupCount[1]);
    t->groups[2] = g->splits * classes;
    t->scratch_words = g->splits > 1 ? (uint64_t)g->splits * g->count : 0;
    /* multiply-adds done, padding included (chunk is whole K steps) */
    double padded = (double)(tiles_m * t->tile_m) * (double)(tiles_n * t->tile_n) * classes * g->chunk * g->splits;
    double fill = (double)(tiles_m * tiles_n) * t->groups[2] * nt / target;
    double efficiency = cpu ? s->cpu : s->gpu;
    return padded / efficiency / (fill < 1 ? fill : 1) + (double)t->scratch_words * SCRATCH_WORD_COST;
}

int vk_tiling_choose(vk_product *p, const VkPhysicalDeviceProperties *props, vk_tiling *t,
                     char *err, size_t errlen) {
    const VkPhysicalDeviceLimits *l = &props->limits;
    int cpu = props->deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    double target = cpu ? CPU_INVOCATIONS : GPU_INVOCATIONS;
    int best = -1, force = forced();
    double best_cost = 0;
    for (int i = 0; i < SHAPES; i++) {
        if ((force >= 0 && i != force) || !shape_fits(&shapes[i], l))
            continue;
        double cost = try_shape(p, t, &shapes[i], cpu, target, l);
        if (best < 0 || cost < best_cost)
            best = i, best_cost = cost;
    }
    if (best < 0) {
        snprintf(err, errlen, "no convolution tile shape fits this device's compute limits");
        return -1;
    }
    try_shape(p, t, &shapes[best], cpu, target, l);
    return 0;
}

/* Each invocation sums at least BIAS_TERMS terms of its part. */
#define BIAS_TERMS 8u

uint32_t vk_tiling_bias_bwd_local_size(const vae_op *op) {
    uint64_t terms = (uint64_t)op->d[0] * (uint64_t)op->d[2], ls = 1;
    while (ls < 256 && ls * BIAS_TERMS < terms)
        ls *= 2;
    return (uint32_t)ls;
}

void vk_tiling_bias_bwd(const vae_op *op, const VkPhysicalDeviceProperties *props, uint32_t ls,
                        vk_gemm_push *push, uint32_t groups[3], uint64_t *scratch_words) {
    const VkPhysicalDeviceLimits *l = &props->limits;
    double target = props->deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU ? CPU_INVOCATIONS : GPU_INVOCATIONS;
    uint32_t C = (uint32_t)op->d[1];
    memset(push, 0, sizeof *push);
    push->epi_c = push->epi_n = 1;
    push->M = C, push->N = (uint32_t)op->d[2], push->K = (uint32_t)op->d[0] * push->N, push->count = C;
    uint64_t s = (uint64_t)(target / ((double)C * ls) + 0.999), most = push->K / ((uint64_t)ls * BIAS_TERMS);
    if (s > most)
        s = most;
    if (forced_splits)
        s = forced_splits < push->K ? forced_splits : push->K;
    if (s * C > MAX_SCRATCH_WORDS)
        s = MAX_SCRATCH_WORDS / C;
    if (s < 1)
        s = 1;
    push->chunk = (uint32_t)ceil_div(push->K, s);
    push->splits = (uint32_t)ceil_div(push->K, push->chunk);
    groups[0] = capped(push->splits, l->maxComputeWorkGroupCount[0]);
    groups[1] = capped(C, l->maxComputeWorkGroupCount[1]);
    groups[2] = 1;
    *scratch_words = push->splits > 1 ? (uint64_t)push->splits * C : 0;
}
