/* The explicit route's planning without a device (src/vk/vk_route.c,
 * vk_im2col.c, vk_gemm_call.c) on made-up devices: which route a product
 * takes with and without VAEVK_COOPMAT=1 and VAEVK_FORCE_IM2COL=1, whether
 * a device reports mixed on matrix units, the batch chunks, the scratch
 * regions (aligned, apart, within the device's range), when the GEMM
 * writes the output itself, and the cooperative-matrix GEMM's split of K.
 * Then, where device 0 exists, that VAEVK_FORCE_IM2COL=1 really plans a
 * convolution as im2col, gemm_plain and from_cn, and that VAEVK_COOPMAT=1
 * plans a mixed one on gemm_coopmat where the device can (a GPU) and as
 * before where it cannot (lavapipe). */
#include <string.h>

#include "../common/check.h"
#include "vaevk/backend.h"
#include "vaevk/vulkan.h"
#include "vk/vk_im2col.h"
#include "vk/vk_plan.h"

#define NV VAE_VK_COOPMAT_NV
#define H VK_COOPMAT_FP16
#define F VK_COOPMAT_FP32
#define SG VK_COOPMAT_SCOPE_SUBGROUP

/* An H200-like device (as tests/vk/test_coopmat_choose.c's). */
static vae_vk_device_info h200(void) {
    static const vae_vk_coopmat_shape shapes[] = {
        {NV, 16, 8, 16, H, H, H, H, SG, 0},
        {NV, 16, 8, 16, H, H, F, F, SG, 0},
    };
    vae_vk_device_info d;
    memset(&d, 0, sizeof d);
    d.coopmat_exts = d.coopmat_usable = NV;
    memcpy(d.coopmat, shapes, sizeof shapes);
    d.coopmat_count = 2;
    d.fp16 = d.memory_model = 1;
    d.subgroup_size = 32;
    d.max_workgroup_invocations = 1024;
    d.max_workgroup_size[0] = 1024;
    d.max_shared_memory = 49152;
    d.max_workgroup_count[0] = d.max_workgroup_count[1] = 65535;
    return d;
}

/* The cooperative-matrix configuration the H200-like device gets with
 * VAEVK_COOPMAT=1. */
static vk_coopmat_config h200_coopmat(void) {
    vk_coopmat_config cfg;
    char why[256] = "";
    vae_vk_device_info d = h200();
    vk_route_env on = {1, 0, 0};
    vk_route_coopmat(&d, NV, &on, &cfg, why, sizeof why);
    return cfg;
}

static VkPhysicalDeviceProperties gpu_props(uint32_t storage_range) {
    VkPhysicalDeviceProperties p;
    memset(&p, 0, sizeof p);
    p.deviceType = VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU;
    VkPhysicalDeviceLimits *l = &p.limits;
    l->maxStorageBufferRange = storage_range;
    l->maxComputeWorkGroupCount[0] = 0x7fffffff;
    l->maxComputeWorkGroupCount[1] = l->maxComputeWorkGroupCount[2] = 65535;
    l->maxComputeWorkGroupInvocations = 1024;
    l->maxComputeWorkGroupSize[0] = l->maxComputeWorkGroupSize[1] = 1024;
    l->maxComputeWorkGroupSize[2] = 64;
    l->maxComputeSharedMemorySize = 49152;
    l->maxPushConstantsSize = 256;
    return p;
}

static vae_op conv(vae_op_kind kind, int B, int Cin, int H_, int W, int Cout, vae_precision precision) {
    vae_op op;
    memset(&op, 0, sizeof op);
    op.kind = kind;
    op.d[0] = B, op.d[1] = Cin, op.d[2] = H_, op.d[3] = W, op.d[4] = Cout;
    op.precision = precision;
    return op;
}

static void routes(void) {
    vae_vk_device_info d = h200(), lavapipe = h200();
    lavapipe.coopmat_exts = lavapipe.coopmat_usable = 0, lavapipe.coopmat_count = 0;
    vk_route_env off = {0}, on = {0}, forced = {0}, both = {0};
    on.coopmat = 1, forced.force_im2col = 1, both.coopmat = both.force_im2col = 1;
    vk_coopmat_config cfg;
    char why[256] = "";
    int r = vk_route_coopmat(&d, NV, &off, &cfg, why, sizeof why);
    CHECK(r == 0 && strstr(why, "VAEVK_COOPMAT=1"), "an H200 without VAEVK_COOPMAT=1: emulated mixed (%s)", why);
    r = vk_route_coopmat(&d, NV, &on, &cfg, why, sizeof why);
    CHECK(r == 1 && cfg.ext == NV && cfg.tile_m == 128, "an H200 with VAEVK_COOPMAT=1: mixed on matrix units, NV %ux%ux%u",
          cfg.lm, cfg.ln, cfg.lk);
    r = vk_route_coopmat(&d, 0, &on, &cfg, why, sizeof why);
    CHECK(r == 0, "with VAEVK_COOPMAT=1 but no kernel built: emulated (%s)", why);
    r = vk_route_coopmat(&lavapipe, NV, &on, &cfg, why, sizeof why);
    CHECK(r == 0 && strstr(why, "no cooperative-matrix"), "lavapipe with VAEVK_COOPMAT=1: emulated (%s)", why);

    vae_op mixed = conv(VAE_OP_CONV2D_FWD, 4, 3, 8, 8, 5, VAE_PRECISION_MIXED);
    vae_op fp32 = conv(VAE_OP_CONV2D_FWD, 4, 3, 8, 8, 5, VAE_PRECISION_FP32);
    vae_op relu = {0};
    relu.kind = VAE_OP_RELU_FWD;
    relu.precision = VAE_PRECISION_MIXED;
    CHECK(vk_route_of(&mixed, 0, &off) == VK_ROUTE_IMPLICIT && vk_route_of(&fp32, 0, &off) == VK_ROUTE_IMPLICIT,
          "no cooperative matrices, nothing forced: every product implicit, as before");
    CHECK(vk_route_of(&mixed, 1, &on) == VK_ROUTE_EXPLICIT_COOPMAT && vk_route_of(&fp32, 1, &on) == VK_ROUTE_IMPLICIT,
          "cooperative matrices on: mixed products on them, fp32 ones implicit");
    CHECK(vk_route_of(&mixed, 0, &forced) == VK_ROUTE_EXPLICIT_TILED &&
              vk_route_of(&fp32, 0, &forced) == VK_ROUTE_EXPLICIT_TILED,
          "VAEVK_FORCE_IM2COL=1: both precisions explicit with the tiled GEMM");
    CHECK(vk_route_of(&mixed, 1, &both) == VK_ROUTE_EXPLICIT_COOPMAT &&
              vk_route_of(&fp32, 1, &both) == VK_ROUTE_EXPLICIT_TILED,
          "both: mixed on cooperative matrices, fp32 explicit and tiled");
    CHECK(vk_route_of(&relu, 1, &both) == VK_ROUTE_IMPLICIT, "an op that is not a product: its own kernel");
}

/* The regions of x: aligned, apart, the largest within the range. */
static int regions_ok(const vk_im2col *x, uint32_t range) {
    const vk_region *r[3] = {&x->col, &x->cn, &x->part};
    for (int i = 0; i < 3; i++) {
        if (!r[i]->words)
            continue;
        if (r[i]->offset % VK_IM2COL_ALIGN_WORDS || r[i]->offset + r[i]->words > x->scratch_words ||
            r[i]->words * 4 > range)
            return 0;
        for (int j = 0; j < i; j++)
            if (r[j]->words && r[i]->offset < r[j]->offset + r[j]->words && r[j]->offset < r[i]->offset + r[i]->words)
                return 0;
    }
    return 1;
}

static void chunks(void) {
    VkPhysicalDeviceProperties p = gpu_props(0xffffffffu);
    vk_coopmat_config cfg = h200_coopmat();
    char why[256] = "";
    vk_im2col x;
    /* the model's second layer at batch 1024: COL is 512 x 256 words an image */
    vae_op op = conv(VAE_OP_CONV2D_FWD, 1024, 32, 32, 32, 64, VAE_PRECISION_MIXED);
    int r = vk_im2col_size(&op, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.kind == VK_IM2COL_GATHER && x.chunk_images == 256 && x.chunks == 4 &&
              x.col.words == 512ull * 256 * 256 && x.gemm.M == 64 && x.gemm.N == 256 * 256 && x.gemm.K == 512 &&
              x.gemm.splits == 1 && regions_ok(&x, p.limits.maxStorageBufferRange),
          "conv2d forward at batch 1024: 4 chunks of 256 images, COL 32M words, one 64x65536x512 GEMM each "
          "(%s%u x %u, split %u)", r ? why : "", x.chunks, x.chunk_images, x.gemm.splits);
    op.d[0] = 1000;
    r = vk_im2col_size(&op, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.chunks == 4 && vk_im2col_chunk_images(&x, 3) == 1000 - 3 * 256,
          "batch 1000: the last of 4 chunks has %u images", vk_im2col_chunk_images(&x, 3));
    r = vk_im2col_size(&op, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 300, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.chunks == 4 && x.chunk_images == 300 && vk_im2col_chunk_images(&x, 3) == 100,
          "300 images a chunk asked for (VAEVK_IM2COL_IMAGES): 300, 300, 300, 100");
    r = vk_im2col_size(&op, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 1, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.chunks == VK_IM2COL_MAX_CHUNKS && x.chunk_images == 125,
          "1 image a chunk asked for at batch 1000: at most %u chunks (%u of %u)", VK_IM2COL_MAX_CHUNKS, x.chunks,
          x.chunk_images);

    VkPhysicalDeviceProperties small = gpu_props(1u << 27); /* Vulkan's least: 128 MiB */
    op.d[0] = 64;
    r = vk_im2col_size(&op, VK_ROUTE_EXPLICIT_TILED, &cfg, &small, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.chunks == 1 && regions_ok(&x, small.limits.maxStorageBufferRange),
          "batch 64 on a device with a 128 MiB range, tiled GEMM: one chunk (%s)", r ? why : "ok");
    op.d[0] = 4096;
    r = vk_im2col_size(&op, VK_ROUTE_EXPLICIT_TILED, &cfg, &small, 0, 0, &x, why, sizeof why);
    CHECK(r != 0 && strstr(why, "smaller --batch"),
          "batch 4096 with 128 MiB: 8 chunks would still need 512 MiB of COL: refused: %s", why);
}

static void outputs(void) {
    VkPhysicalDeviceProperties p = gpu_props(0xffffffffu);
    vk_coopmat_config cfg = h200_coopmat();
    char why[256] = "";
    vk_im2col x;

    /* the first layer's weight gradient at batch 256: K = 256·32·32 */
    vae_op w = conv(VAE_OP_CONV2D_BWD_WEIGHT, 256, 3, 64, 64, 32, VAE_PRECISION_MIXED);
    int r = vk_im2col_size(&w, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    const vk_gemm_call *g = &x.gemm;
    CHECK(r == 0 && x.kind == VK_IM2COL_WEIGHT && g->M == 32 && g->N == 48 && g->K == 262144 &&
              g->splits >= g->K / VK_GEMM_CALL_MAX_TERMS && g->chunk % cfg.tile_k == 0 &&
              (uint64_t)g->splits * g->chunk >= g->K && (uint64_t)(g->splits - 1) * g->chunk < g->K &&
              g->groups[2] == g->splits && !x.direct && x.part.words == (uint64_t)g->splits * 32 * 48,
          "conv2d weight gradient, 32x48x262144: K split %u ways of %u terms, copies through split_sum", g->splits,
          g->chunk);
    w = conv(VAE_OP_CONV2D_BWD_WEIGHT, 1, 3, 8, 8, 5, VAE_PRECISION_MIXED);
    r = vk_im2col_size(&w, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.chunks == 1 && x.gemm.splits == 1 && x.direct && x.part.words == 0,
          "a small weight gradient in one chunk and one split: the GEMM writes dw itself");

    vae_op lin = {0};
    lin.kind = VAE_OP_LINEAR_FWD, lin.d[0] = 256, lin.d[1] = 4096, lin.d[2] = 32;
    lin.precision = VAE_PRECISION_MIXED;
    r = vk_im2col_size(&lin, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.kind == VK_IM2COL_LINEAR && x.gemm.M == 256 && x.gemm.N == 32 && x.gemm.K == 4096 &&
              x.gemm.a_m == 4096 && x.gemm.b_n == 4096 && x.gemm.c_m == 32 &&
              x.gemm.splits == 4096 / VK_GEMM_CALL_MIN_TERMS && !x.direct,
          "linear forward 256x32x4096: y = x·wᵀ on 2 tiles, K split as far as %u terms a split allow "
          "(%u), so through split_sum", VK_GEMM_CALL_MIN_TERMS, x.gemm.splits);
    lin.d[1] = 64;
    r = vk_im2col_size(&lin, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.gemm.splits == 1 && x.direct && x.scratch_words == 0,
          "linear forward with K = 64 and no epilogue: straight into y, no scratch");
    r = vk_im2col_size(&lin, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, VK_EPI_BIAS, &x, why, sizeof why);
    CHECK(r == 0 && !x.direct && x.part.words == 256 * 32, "the same with a fused bias: through split_sum");
    lin.kind = VAE_OP_LINEAR_BWD_INPUT, lin.d[3] = 1;
    r = vk_im2col_size(&lin, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && !x.direct && x.gemm.M == 256 && x.gemm.N == 64 && x.gemm.K == 32,
          "linear backward to the input adding to the old dx: product into scratch, added by split_sum");
    lin.d[3] = 0;
    r = vk_im2col_size(&lin, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.direct, "the same not adding: straight into dx");

    vae_op s = conv(VAE_OP_CONVT_FWD, 64, 64, 16, 16, 32, VAE_PRECISION_MIXED);
    r = vk_im2col_size(&s, VK_ROUTE_EXPLICIT_COOPMAT, &cfg, &p, 0, 0, &x, why, sizeof why);
    CHECK(r == 0 && x.kind == VK_IM2COL_SCATTER && x.gemm.M == 32 * 16 && x.gemm.N == 64 * 256 &&
              x.gemm.K == 64 && x.cn.words == 64ull * 64 * 256 &&
              x.col.words == (uint64_t)x.gemm.splits * x.gemm.M * x.gemm.N && regions_ok(&x, 0xffffffffu),
          "conv_transpose2d forward: COL (512 x 16384) = wᵀ · CN, then col2im");
}

/* Device 0 opened with `variable`=1, and the dispatches of conv2d forward
 * in `precision` on it (-1: none, with err). */
static int plan_on_device(const char *variable, vae_precision precision, vae_backend **be, vk_dispatch *ds,
                          uint64_t *scratch, char *err, size_t errlen) {
    setenv(variable, "1", 1);
    *be = vae_vk_backend_create(0, err, errlen);
    unsetenv(variable);
    if (!*be)
        return -1;
    vae_op op = conv(VAE_OP_CONV2D_FWD, 3, 5, 8, 10, 7, precision);
    vae_op_size size;
    vae_op_size_of(&op, &size, err, errlen);
    uint32_t words[VAE_ARENA_COUNT] = {0};
    vae_arena arenas[3] = {VAE_ARENA_ACTS, VAE_ARENA_GRADS, VAE_ARENA_PARAMS};
    for (int k = 0; k < 3; k++) {
        op.t[k] = (vae_tensor){arenas[k], 0, (uint32_t)size.words[k]};
        words[arenas[k]] = (uint32_t)size.words[k];
    }
    int consumed = 0;
    *scratch = 0;
    if ((*be)->vt->alloc_arenas(*be, words) != 0) {
        snprintf(err, errlen, "%s", (*be)->error);
        return -1;
    }
    return vk_plan_op((vk_backend *)*be, &op, 1, ds, &consumed, scratch, err, errlen);
}

/* On device 0: VAEVK_FORCE_IM2COL=1 plans a convolution as im2col,
 * gemm_plain and from_cn; VAEVK_COOPMAT=1 plans a mixed one on
 * gemm_coopmat where the device can, and as before where it cannot. */
static void planned_on_device(void) {
    vae_vk_device_info *list = NULL;
    int n = 0;
    char err[512] = "";
    if (vae_vk_list_devices(&list, &n, err, sizeof err) != 0 || n == 0) {
        printf("skip  no Vulkan device for the planning checks: %s\n", err);
        free(list);
        return;
    }
    free(list);
    vk_dispatch ds[VK_DISPATCHES_PER_OP];
    uint64_t scratch = 0;
    vae_backend *be = NULL;
    int k = plan_on_device("VAEVK_FORCE_IM2COL", VAE_PRECISION_FP32, &be, ds, &scratch, err, sizeof err);
    CHECK(k == 3 && strstr(ds[0].label, "im2col") && strstr(ds[1].label, "gemm_plain") &&
              strstr(ds[2].label, "from_cn") && scratch > 0,
          "VAEVK_FORCE_IM2COL=1 on device 0: conv2d forward as im2col, gemm_plain, from_cn (%d dispatches: %s | "
          "%s | %s)", k, k > 0 ? ds[0].label : err, k > 1 ? ds[1].label : "", k > 2 ? ds[2].label : "");
    if (be)
        be->vt->destroy(be), be = NULL;

    k = plan_on_device("VAEVK_COOPMAT", VAE_PRECISION_MIXED, &be, ds, &scratch, err, sizeof err);
    const vk_backend *vb = (const vk_backend *)be;
    if (!be)
        CHECK(0, "opening device 0 with VAEVK_COOPMAT=1: %s", err);
    else if (vb->coopmat)
        CHECK(k == 3 && strstr(ds[1].label, "gemm_coopmat") && be->mixed == VAE_MIXED_MATRIX,
              "VAEVK_COOPMAT=1 on %s: mixed on matrix units, a mixed conv2d forward on gemm_coopmat (%s)", be->name,
              k > 1 ? ds[1].label : err);
    else
        CHECK(k == 1 && strstr(ds[0].label, "conv2d_forward") && strstr(ds[0].label, "mixed") &&
                  be->mixed == VAE_MIXED_EMULATED,
              "VAEVK_COOPMAT=1 on %s, which cannot (%s): emulated mixed, planned as before (%s)", be->name,
              vb->ctx.coopmat_why, k > 0 ? ds[0].label : err);
    if (be)
        be->vt->destroy(be);
}

int main(void) {
    routes();
    chunks();
    outputs();
    planned_on_device();
    return failures ? 1 : 0;
}
