/* Fusion (src/vk/vk_plan.c, shaders/epilogue.glsl): a convolution or linear
 * forward followed by the bias added in place and a (leaky) ReLU runs as
 * one dispatch (or the product and split_sum). Checked for each program:
 *   - the planner fuses what it should (and not what it must not: a bias
 *     on another tensor, a tanh);
 *   - every word of every arena is bit-identical with VAEVK_NO_FUSION=1
 *     (the epilogue does exactly the ops' arithmetic), with K whole and
 *     split in 1 and 5 parts;
 *   - the outputs agree with the CPU reference to normalized MSE 1e-10
 *     (the per-op bound of test_vk_ops).
 * Under the validation layer. */
#include "vk_check.h"

#include "vaevk/ops.h"
#include "vk/vk_plan.h"
#include "vk/vk_tiling.h"

#define NMSE_BOUND 1e-10

static int fails;

typedef struct {
    const char *name;
    vae_op ops[3];
    int nops;
    int fused; /* ops the first dispatch should take */
} fusion_case;

static uint32_t words[VAE_ARENA_COUNT];

/* A tensor of n words in arena a, on the 256-byte grid. */
static vae_tensor tensor(vae_arena a, uint32_t n) {
    vae_tensor t = {a, words[a], n};
    words[a] += (n + VAE_ALIGN_WORDS - 1) / VAE_ALIGN_WORDS * VAE_ALIGN_WORDS;
    return t;
}

static vae_op op3(vae_op_kind kind, vae_tensor a, vae_tensor b, vae_tensor c, int32_t d0, int32_t d1, int32_t d2,
                  int32_t d3, int32_t d4) {
    vae_op op = {.kind = kind, .t = {a, b, c}, .d = {d0, d1, d2, d3, d4}};
    return op;
}

/* product → bias → activation, with out (pre) and act fresh tensors. */
static fusion_case chain(const char *name, vae_op product, uint32_t channels, uint32_t per_channel,
                         vae_op_kind act_kind, int fused) {
    fusion_case c = {name, {product}, 3, fused};
    vae_tensor out = product.t[0];
    vae_tensor bias = tensor(VAE_ARENA_PARAMS, channels);
    c.ops[1] = op3(VAE_OP_BIAS_FWD, out, bias, (vae_tensor){0}, (int32_t)(out.count / channels / per_channel),
                   (int32_t)channels, (int32_t)per_channel, 0, 0);
    vae_tensor act = tensor(VAE_ARENA_ACTS, out.count);
    c.ops[2] = (vae_op){.kind = act_kind, .t = {act, out}, .d = {(int32_t)out.count}, .f = {0.2f}};
    return c;
}

static int make_cases(fusion_case *c) {
    int n = 0;
    /* conv2d 3x5x10x9 -> 7 channels of 5x4 */
    vae_tensor x = tensor(VAE_ARENA_ACTS, 3 * 5 * 10 * 9), w = tensor(VAE_ARENA_PARAMS, 7 * 5 * 16);
    vae_tensor y = tensor(VAE_ARENA_ACTS, 3 * 7 * 5 * 4);
    c[n++] = chain("conv2d+bias+leaky_relu", op3(VAE_OP_CONV2D_FWD, y, x, w, 3, 5, 10, 9, 7), 7, 20,
                   VAE_OP_LEAKY_RELU_FWD, 3);
    /* conv_transpose2d 2x6x5x4 -> 5 channels of 10x8 */
    vae_tensor tx = tensor(VAE_ARENA_ACTS, 2 * 6 * 5 * 4), tw = tensor(VAE_ARENA_PARAMS, 6 * 5 * 16);
    vae_tensor ty = tensor(VAE_ARENA_ACTS, 2 * 5 * 10 * 8);
    c[n++] = chain("conv_transpose2d+bias+relu", op3(VAE_OP_CONVT_FWD, ty, tx, tw, 2, 6, 5, 4, 5), 5, 80,
                   VAE_OP_RELU_FWD, 3);
    vae_tensor ty2 = tensor(VAE_ARENA_ACTS, 2 * 5 * 10 * 8);
    c[n++] = chain("conv_transpose2d+bias, tanh apart", op3(VAE_OP_CONVT_FWD, ty2, tx, tw, 2, 6, 5, 4, 5), 5, 80,
                   VAE_OP_TANH_FWD, 2);
    /* linear 5x300 -> 37 (K = 300 splits) */
    vae_tensor lx = tensor(VAE_ARENA_ACTS, 5 * 300), lw = tensor(VAE_ARENA_PARAMS, 37 * 300);
    vae_tensor ly = tensor(VAE_ARENA_ACTS, 5 * 37);
    c[n++] = chain("linear+bias+relu", op3(VAE_OP_LINEAR_FWD, ly, lx, lw, 5, 300, 37, 0, 0), 37, 1,
                   VAE_OP_RELU_FWD, 3);
    /* a bias on another tensor than the product's output: nothing fused */
    vae_tensor y2 = tensor(VAE_ARENA_ACTS, 3 * 7 * 5 * 4);
    fusion_case other = chain("conv2d, bias elsewhere", op3(VAE_OP_CONV2D_FWD, y2, x, w, 3, 5, 10, 9, 7), 7, 20,
                              VAE_OP_LEAKY_RELU_FWD, 1);
    other.ops[1].t[0] = y;
    c[n++] = other;
    return n;
}

/* How many ops the planner puts into the first dispatch. */
static int planned_fusion(vae_backend *gpu, const fusion_case *c) {
    vk_dispatch ds[VK_DISPATCHES_PER_OP];
    uint64_t scratch = 0;
    int consumed = 0;
    char err[512];
    if (gpu->vt->alloc_arenas(gpu, words) != 0 ||
        vk_plan_op((vk_backend *)gpu, c->ops, c->nops, ds, &consumed, &scratch, err, sizeof err) < 0) {
        printf("FAIL planning %s: %s%s\n", c->name, gpu->error, err);
        fails++;
    }
    return consumed;
}

static void check_case(const fusion_case *c, vae_backend *gpu, vae_backend *cpu, uint32_t *const init[]) {
    int consumed = planned_fusion(gpu, c);
    int ok = consumed == c->fused;
    fails += !ok;
    printf("%-4s %-36s first dispatch runs %d ops (want %d)\n", ok ? "ok" : "FAIL", c->name, consumed, c->fused);
    vae_program prog = {(vae_op *)c->ops, c->nops, c->nops};
    uint32_t *ref[VAE_ARENA_COUNT] = {0};
    if (vkt_run_program(cpu, &prog, words, init, ref) != 0) {
        printf("FAIL cpu %s: %s\n", c->name, cpu->error);
        fails++;
        return;
    }
    static const uint32_t splits[] = {0, 1, 5};
    for (int s = 0; s < 3; s++) {
        uint32_t *fused[VAE_ARENA_COUNT] = {0}, *apart[VAE_ARENA_COUNT] = {0};
        vk_tiling_force(-1, splits[s]);
        unsetenv("VAEVK_NO_FUSION");
        int status = vkt_run_program(gpu, &prog, words, init, fused);
        setenv("VAEVK_NO_FUSION", "1", 1);
        status = status || vkt_run_program(gpu, &prog, words, init, apart);
        unsetenv("VAEVK_NO_FUSION");
        if (status != 0) {
            printf("FAIL %s split %u: %s\n", c->name, splits[s], gpu->error);
            fails++;
            vkt_free_arenas(fused), vkt_free_arenas(apart);
            continue;
        }
        size_t differ = 0;
        for (int a = 0; a < VAE_ARENA_COUNT; a++)
            for (uint32_t i = 0; i < words[a]; i++)
                differ += fused[a][i] != apart[a][i];
        double worst = 0;
        for (int k = 1; k < c->nops; k++) {
            vae_tensor o = c->ops[k].t[0];
            vae_selftest_diff d = vae_selftest_compare((float *)fused[o.arena] + o.offset, (float *)ref[o.arena] + o.offset, o.count);
            worst = d.nmse > worst ? d.nmse : worst;
        }
        ok = differ == 0 && worst <= NMSE_BOUND;
        fails += !ok;
        printf("%-4s %-36s split %u: %zu words differ fused/apart, nmse vs cpu %.2e\n", ok ? "ok" : "FAIL",
               c->name, splits[s], differ, worst);
        vkt_free_arenas(fused), vkt_free_arenas(apart);
    }
    vk_tiling_force(-1, 0);
    vkt_free_arenas(ref);
}

int main(void) {
    vae_backend *gpu = vkt_backend();
    vae_backend *cpu = vae_reference_backend_create();
    if (!cpu) {
        printf("FAIL creating the CPU backend\n");
        return 1;
    }
    fusion_case cases[8];
    int n = make_cases(cases);
    uint32_t *init[VAE_ARENA_COUNT];
    uint64_t rng = 99;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        init[a] = test_alloc((size_t)words[a] * 4 + 4);
        for (uint32_t i = 0; i < words[a]; i++) {
            float v = vkt_uniform(&rng, -1.0f, 1.0f);
            memcpy(&init[a][i], &v, 4);
        }
    }
    for (int i = 0; i < n; i++)
        check_case(&cases[i], gpu, cpu, init);
    vkt_free_arenas(init);
    cpu->vt->destroy(cpu);
    gpu->vt->destroy(gpu);
    fails += vkt_validation_verdict();
    printf("%s: %d cases, %d failures\n", fails ? "FAIL" : "ok", n, fails);
    return fails != 0;
}
