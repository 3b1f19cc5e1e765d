/* The tiled matrix-product kernels (src/vk/vk_product.c, vk_tiling.c,
 * shaders/conv_*.comp, gemm_plain.comp) behind the convolutions and linear layers,
 * against the CPU reference at sizes that exercise what the small cases of
 * test_vk_ops cannot: several tiles in both directions with ragged edges,
 * K not a multiple of the tile's K step, K split over workgroups (and the
 * split sum, accumulating too), odd image sizes, and layers of the real
 * model; and the bias gradient, summed in parts the same way. Every case
 * runs with the planner's own choice, with each tile shape forced, and
 * with K forced into 1 and 5 parts.
 *
 * Checked: normalized MSE Σ(gpu-cpu)²/Σcpu² <= 1e-10 (the per-op bound of
 * test_vk_ops: fp32 partial sums of at most 2048 terms against double sums
 * land near 1e-14), and no word outside the output changes (inputs and the
 * guard words around the output). Under the validation layer. */
#include "vk_check.h"

#include "vk/vk_tiling.h"

#define NMSE_BOUND 1e-10
#define GUARD 64u /* words around each tensor, one offset alignment */
#define GUARD_WORD 0x7fc01234u

typedef struct {
    vae_op_kind kind;
    int32_t d[5]; /* B, Cin, H, W, Cout; linear: B, I, O, accumulate */
} conv_case;

static const conv_case cases[] = {
    /* odd sizes, batch 1 */
    {VAE_OP_CONV2D_FWD, {1, 3, 7, 6, 5}},
    {VAE_OP_CONV2D_BWD_INPUT, {1, 3, 7, 6, 5}},
    {VAE_OP_CONV2D_BWD_WEIGHT, {1, 3, 7, 6, 5}},
    {VAE_OP_CONVT_FWD, {1, 5, 3, 4, 3}},
    {VAE_OP_CONVT_BWD_INPUT, {1, 5, 3, 4, 3}},
    {VAE_OP_CONVT_BWD_WEIGHT, {1, 5, 3, 4, 3}},
    /* several ragged tiles each way: M, N and K of 20..592 */
    {VAE_OP_CONV2D_FWD, {3, 37, 18, 13, 70}},
    {VAE_OP_CONV2D_BWD_INPUT, {3, 37, 18, 13, 70}},
    {VAE_OP_CONV2D_BWD_WEIGHT, {3, 37, 18, 13, 70}},
    {VAE_OP_CONVT_FWD, {2, 33, 9, 7, 20}},
    {VAE_OP_CONVT_BWD_INPUT, {2, 33, 9, 7, 20}},
    {VAE_OP_CONVT_BWD_WEIGHT, {2, 33, 9, 7, 20}},
    /* first and last layers of the model: K = 4096 is split at least twice */
    {VAE_OP_CONV2D_BWD_WEIGHT, {4, 3, 64, 64, 8}},
    {VAE_OP_CONVT_FWD, {2, 8, 32, 32, 3}},
    {VAE_OP_CONVT_BWD_WEIGHT, {4, 8, 32, 32, 3}},
    /* linear layers: ragged tiles, and the model's heads (K = 4096 split) */
    {VAE_OP_LINEAR_FWD, {70, 300, 130}},
    {VAE_OP_LINEAR_BWD_INPUT, {70, 300, 130, 0}},
    {VAE_OP_LINEAR_BWD_INPUT, {70, 300, 130, 1}},
    {VAE_OP_LINEAR_BWD_WEIGHT, {70, 300, 130}},
    {VAE_OP_LINEAR_FWD, {8, 4096, 128}},
    {VAE_OP_LINEAR_BWD_INPUT, {8, 4096, 128, 1}},
    {VAE_OP_LINEAR_BWD_WEIGHT, {8, 4096, 128}},
    /* bias gradients, summed in parts and then by split_sum */
    {VAE_OP_BIAS_BWD, {3, 7, 101}},
    {VAE_OP_BIAS_BWD, {16, 3, 4096}},
    {VAE_OP_BIAS_BWD, {5, 300, 16}},
};

static int fails;

typedef struct {
    vae_op op;
    uint32_t words[VAE_ARENA_COUNT];
    uint32_t *init[VAE_ARENA_COUNT];
} one_op;

static uint32_t place(one_op *p, vae_arena a, uint32_t count) {
    uint32_t at = p->words[a] + GUARD;
    p->words[a] = at + (count + GUARD - 1) / GUARD * GUARD + GUARD;
    return at;
}

/* The op's tensors (output in GRADS, inputs in ACTS and PARAMS) between
 * guard words, all uniform in [-1, 1] (the output's old values matter
 * when a linear backward-input accumulates). */
static void lay_out(const conv_case *c, one_op *p, uint64_t seed) {
    memset(p, 0, sizeof *p);
    p->op.kind = c->kind;
    memcpy(p->op.d, c->d, sizeof p->op.d);
    vae_op_size size;
    char err[256];
    if (vae_op_size_of(&p->op, &size, err, sizeof err) != 0) {
        printf("FAIL bad test case: %s\n", err);
        exit(1);
    }
    static const vae_arena arena[3] = {VAE_ARENA_GRADS, VAE_ARENA_ACTS, VAE_ARENA_PARAMS};
    for (int k = 0; k < vae_op_tensor_count(c->kind); k++) {
        uint32_t n = size.words[k];
        p->op.t[k] = (vae_tensor){arena[k], place(p, arena[k], n), n};
    }
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        p->init[a] = test_alloc((size_t)p->words[a] * 4 + 4);
        for (uint32_t i = 0; i < p->words[a]; i++)
            p->init[a][i] = GUARD_WORD;
    }
    for (int k = 0; k < vae_op_tensor_count(c->kind); k++) {
        float *x = (float *)p->init[p->op.t[k].arena] + p->op.t[k].offset;
        for (uint32_t i = 0; i < p->op.t[k].count; i++)
            x[i] = vkt_uniform(&seed, -1.0f, 1.0f);
    }
}

static int run_on(vae_backend *be, const one_op *p, uint32_t *out[VAE_ARENA_COUNT]) {
    return vkt_run_op(be, &p->op, p->words, p->init, out);
}

/* One case under one forced tile shape and split (-1 / 0: the planner's). */
static void check(const conv_case *c, const one_op *p, uint32_t *const ref[VAE_ARENA_COUNT],
                  vae_backend *gpu, int tile, uint32_t splits) {
    uint32_t *g[VAE_ARENA_COUNT] = {0};
    vk_tiling_force(tile, splits);
    char dims[96];
    snprintf(dims, sizeof dims, "d=%d,%d,%d,%d,%d tile %d split %u", c->d[0], c->d[1], c->d[2], c->d[3],
             c->d[4], tile, splits);
    if (run_on(gpu, p, g) != 0) {
        printf("FAIL %s %s: %s\n", vae_op_name(c->kind), dims, gpu->error);
        fails++;
        vkt_free_arenas(g);
        return;
    }
    vae_tensor o = p->op.t[0];
    vae_selftest_diff d = vae_selftest_compare((float *)g[o.arena] + o.offset, (float *)ref[o.arena] + o.offset, o.count);
    size_t changed = vkt_changed_outside(p->op.t[0], p->words, p->init, g);
    int ok = d.nmse <= NMSE_BOUND && d.special_diff == 0 && changed == 0;
    fails += !ok;
    printf("%-4s %-32s %-48s nmse %.2e  max %u ulp  %zu words outside changed\n", ok ? "ok" : "FAIL",
           vae_op_name(c->kind), dims, d.nmse, d.max_ulp, changed);
    vkt_free_arenas(g);
}

int main(void) {
    vae_backend *gpu = vkt_backend();
    vae_backend *cpu = vae_reference_backend_create();
    if (!cpu) {
        printf("FAIL creating the CPU backend\n");
        return 1;
    }
    int n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n; i++) {
        one_op p;
        uint32_t *ref[VAE_ARENA_COUNT] = {0};
        lay_out(&cases[i], &p, 77 + (uint64_t)i);
        if (run_on(cpu, &p, ref) != 0) {
            printf("FAIL cpu %s: %s\n", vae_op_name(cases[i].kind), cpu->error);
            return 1;
        }
        check(&cases[i], &p, ref, gpu, -1, 0);
        for (int t = 0; t < vk_tiling_shape_count() && cases[i].kind != VAE_OP_BIAS_BWD; t++)
            check(&cases[i], &p, ref, gpu, t, 0);
        check(&cases[i], &p, ref, gpu, -1, 1);
        check(&cases[i], &p, ref, gpu, -1, 5);
        vkt_free_arenas(ref);
        vkt_free_arenas(p.init);
    }
    vk_tiling_force(-1, 0);
    cpu->vt->destroy(cpu);
    gpu->vt->destroy(gpu);
    fails += vkt_validation_verdict();
    printf("%s: %d cases, %d failures\n", fails ? "FAIL" : "ok", n, fails);
    return fails != 0;
}
