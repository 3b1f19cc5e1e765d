/* Every op kind, forward and backward, run as a one-op program on the Vulkan
 * backend and on the CPU reference with the same inputs: odd sizes, batch 1
 * and more, NaN/Inf among the inputs of the element-wise ops.
 *
 * Checked for each op:
 *   - outputs: normalized MSE Σ(gpu-cpu)²/Σcpu² <= 1e-10 (the project's
 *     per-op agreement bound; fp32 sums on the GPU against double sums on
 *     the CPU land near 1e-14), NaN/±Inf at the same positions, and
 *     bit-identical values where the kernel does the CPU's exact sequence
 *     of correctly rounded + - × (see `exact` below);
 *   - every other word of every arena, inputs and the guard words around
 *     each tensor included, is unchanged. */
#include "vk_check.h"

#include "vaevk/ops.h"
#include "vaevk/rng.h"
#include "vk/vk_kernels.h"

#define NMSE_BOUND 1e-10
#define GUARD_WORDS 16
#define GUARD_PATTERN 0xA5C3E1F7u

typedef struct {
    vae_op_kind kind;
    int32_t d[5];
    float f[3];
    unsigned outputs; /* bit k: the op writes t[k] */
    int exact;        /* + - × only, in the CPU's order: expect identical bits */
    int specials;     /* NaN and ±Inf among the float inputs */
} op_case;

static const op_case cases[] = {
    {VAE_OP_INPUT_CONVERT, {1, 7}, {0}, 1, 1, 0},
    {VAE_OP_INPUT_CONVERT, {6, 7}, {0}, 1, 1, 0},
    {VAE_OP_CONV2D_FWD, {1, 3, 7, 6, 5}, {0}, 1, 0, 0},
    {VAE_OP_CONV2D_FWD, {2, 5, 8, 10, 3}, {0}, 1, 0, 0},
    {VAE_OP_CONV2D_BWD_INPUT, {1, 3, 7, 6, 5}, {0}, 1, 0, 0},
    {VAE_OP_CONV2D_BWD_INPUT, {2, 5, 8, 10, 3}, {0}, 1, 0, 0},
    {VAE_OP_CONV2D_BWD_WEIGHT, {1, 3, 7, 6, 5}, {0}, 1, 0, 0},
    {VAE_OP_CONV2D_BWD_WEIGHT, {3, 5, 8, 10, 3}, {0}, 1, 0, 0},
    /* more outputs (66560) than lavapipe's 65535 workgroups: the kernel loops */
    {VAE_OP_CONV2D_BWD_WEIGHT, {1, 65, 2, 2, 64}, {0}, 1, 0, 0},
    {VAE_OP_CONVT_FWD, {1, 5, 3, 4, 3}, {0}, 1, 0, 0},
    {VAE_OP_CONVT_FWD, {2, 3, 4, 5, 7}, {0}, 1, 0, 0},
    {VAE_OP_CONVT_BWD_INPUT, {1, 5, 3, 4, 3}, {0}, 1, 0, 0},
    {VAE_OP_CONVT_BWD_INPUT, {2, 3, 4, 5, 7}, {0}, 1, 0, 0},
    {VAE_OP_CONVT_BWD_WEIGHT, {1, 5, 3, 4, 3}, {0}, 1, 0, 0},
    {VAE_OP_CONVT_BWD_WEIGHT, {3, 3, 4, 5, 7}, {0}, 1, 0, 0},
    {VAE_OP_LINEAR_FWD, {1, 37, 11}, {0}, 1, 0, 0},
    {VAE_OP_LINEAR_FWD, {3, 300, 5}, {0}, 1, 0, 0},
    {VAE_OP_LINEAR_BWD_INPUT, {1, 37, 11, 0}, {0}, 1, 0, 0},
    {VAE_OP_LINEAR_BWD_INPUT, {3, 37, 11, 1}, {0}, 1, 0, 0},
    {VAE_OP_LINEAR_BWD_WEIGHT, {1, 37, 11}, {0}, 1, 0, 0},
    {VAE_OP_LINEAR_BWD_WEIGHT, {3, 37, 11}, {0}, 1, 0, 0},
    {VAE_OP_BIAS_FWD, {1, 5, 13}, {0}, 1, 1, 1},
    {VAE_OP_BIAS_FWD, {3, 7, 1}, {0}, 1, 1, 1},
    {VAE_OP_BIAS_BWD, {1, 5, 13}, {0}, 1, 0, 0},
    {VAE_OP_BIAS_BWD, {3, 7, 101}, {0}, 1, 0, 0},
    {VAE_OP_LEAKY_RELU_FWD, {777}, {0.2f}, 1, 1, 1},
    {VAE_OP_LEAKY_RELU_BWD, {777}, {0.2f}, 1, 1, 1},
    {VAE_OP_RELU_FWD, {777}, {0}, 1, 1, 1},
    {VAE_OP_RELU_BWD, {777}, {0}, 1, 1, 1},
    {VAE_OP_TANH_FWD, {777}, {0}, 1, 0, 1},
    {VAE_OP_TANH_BWD, {777}, {0}, 1, 1, 1},
    {VAE_OP_EPS_NORMAL, {1001}, {0}, 1, 0, 0},
    {VAE_OP_REPARAM_FWD, {1}, {0}, 1, 0, 0},
    {VAE_OP_REPARAM_FWD, {391}, {0}, 1, 0, 1},
    {VAE_OP_REPARAM_BWD, {391}, {0}, 3, 0, 1},
    {VAE_OP_KL_FWD, {1, 17}, {0}, 1, 0, 0},
    {VAE_OP_KL_FWD, {3, 129}, {0}, 1, 0, 0},
    {VAE_OP_KL_BWD, {1, 17}, {0}, 3, 0, 1},
    {VAE_OP_KL_BWD, {3, 129}, {0}, 3, 0, 1},
    {VAE_OP_MSE_FWD, {1, 300}, {0}, 1, 0, 0},
    {VAE_OP_MSE_FWD, {3, 301}, {0}, 1, 0, 0},
    {VAE_OP_MSE_BWD, {1, 300}, {0}, 1, 0, 1},
    {VAE_OP_MSE_BWD, {3, 301}, {0}, 1, 0, 1},
    {VAE_OP_LOSS_REDUCE, {1}, {0}, 1, 0, 0},
    {VAE_OP_LOSS_REDUCE, {131}, {0}, 1, 0, 0},
    {VAE_OP_ADAM, {999}, {0.9f, 0.999f, 1e-8f}, 13, 0, 1},
};

/* Tensors the host writes as a whole (vae_step_in, pixels) live in IO;
 * the rest are spread over the other arenas so all of them get used. */
static int is_io(vae_op_kind kind, int k) {
    switch (kind) {
    case VAE_OP_INPUT_CONVERT: return k >= 1;
    case VAE_OP_EPS_NORMAL: return k == 1;
    case VAE_OP_KL_BWD: case VAE_OP_ADAM: return k == 4;
    case VAE_OP_LOSS_REDUCE: return k == 0 || k == 3;
    default: return 0;
    }
}

static int is_step_in(vae_op_kind kind, int k) {
    return is_io(kind, k) && !(kind == VAE_OP_INPUT_CONVERT && k == 1) &&
           !(kind == VAE_OP_LOSS_REDUCE && k == 0);
}

/* log-variances in [-3, 3] (e^lv spans 0.05..20, and many land near 0 where
 * the KL term cancels); Adam's v, a running mean of squares, >= 0. */
static void fill_tensor(vae_op_kind kind, int k, float *x, uint32_t n, int specials, uint64_t *rng) {
    int log_var = (kind == VAE_OP_REPARAM_FWD && k == 2) || (kind == VAE_OP_REPARAM_BWD && k == 3) ||
                  (kind == VAE_OP_KL_FWD && k == 2) || (kind == VAE_OP_KL_BWD && k == 3);
    float lo = log_var ? -3.0f : -1.0f, hi = log_var ? 3.0f : 1.0f;
    if (kind == VAE_OP_ADAM && k == 3)
        lo = 0.0f, hi = 1e-2f;
    if (kind == VAE_OP_TANH_FWD)
        lo = -12.0f, hi = 12.0f; /* both saturated tails too */
    for (uint32_t i = 0; i < n; i++)
        x[i] = vkt_uniform(rng, lo, hi);
    if (!specials)
        return;
    /* no huge finite values: they would dominate Σcpu² and hide errors elsewhere */
    const float special[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f};
    for (uint32_t j = 0; j < 5 && 7 * j + (uint32_t)k < n; j++)
        x[7 * j + (uint32_t)k] = special[j];
}

static void fill_step_in(uint32_t *w) {
    vae_step_in s = {.step = 7, .seed_lo = 0x9abcdef0u, .seed_hi = 0x12345678u, .flip = 1, .beta = 0.7f};
    adam_step_scalars(1e-3, 0.9, 0.999, 3, &s.adam_step_size, &s.adam_inv_sqrt_bc2);
    memcpy(w, &s, sizeof s);
}

static uint32_t align_words(uint32_t w) {
    return (w + VAE_ALIGN_WORDS - 1) / VAE_ALIGN_WORDS * VAE_ALIGN_WORDS;
}

typedef struct {
    vae_op op;
    uint32_t words[VAE_ARENA_COUNT];
    uint32_t *init[VAE_ARENA_COUNT]; /* initial contents: data, guard words elsewhere */
} one_op;

static void lay_out(const op_case *c, one_op *p, uint64_t rng_seed) {
    memset(p, 0, sizeof *p);
    p->op.kind = c->kind;
    memcpy(p->op.d, c->d, sizeof p->op.d);
    memcpy(p->op.f, c->f, sizeof p->op.f);
    vk_op_size size;
    char err[256];
    if (vk_op_shape(&p->op, &size, err, sizeof err) != 0) {
        printf("FAIL bad test case: %s\n", err);
        exit(1);
    }
    static const vae_arena spread[] = {VAE_ARENA_GRADS, VAE_ARENA_ACTS, VAE_ARENA_PARAMS,
                                       VAE_ARENA_ADAM_M, VAE_ARENA_ADAM_V};
    int nt = vae_op_tensor_count(c->kind);
    for (int k = 0; k < nt; k++) {
        vae_arena a = is_io(c->kind, k) ? VAE_ARENA_IO : spread[k];
        /* guard words before and after, offsets on the 256-byte grid */
        uint32_t offset = align_words(p->words[a] + GUARD_WORDS);
        p->op.t[k] = (vae_tensor){a, offset, (uint32_t)size.need[k]};
        p->words[a] = align_words(offset + (uint32_t)size.need[k] + GUARD_WORDS);
    }
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        p->init[a] = vkt_alloc((size_t)p->words[a] * 4 + 4);
        for (uint32_t i = 0; i < p->words[a]; i++)
            p->init[a][i] = GUARD_PATTERN ^ (i * 2654435761u);
    }
    uint64_t rng = rng_seed;
    for (int k = 0; k < nt; k++) {
        vae_tensor t = p->op.t[k];
        uint32_t *w = p->init[t.arena] + t.offset;
        if (is_step_in(c->kind, k))
            fill_step_in(w);
        else if (c->kind == VAE_OP_INPUT_CONVERT && k == 1)
            for (uint32_t i = 0; i < t.count; i++)
                w[i] = (uint32_t)vkt_next(&rng);
        else
            fill_tensor(c->kind, k, (float *)w, t.count, c->specials, &rng);
    }
}

/* Runs the op on be from p's initial arenas; out[a] gets the final arenas. */
static int run_on(vae_backend *be, const one_op *p, uint32_t *out[VAE_ARENA_COUNT]) {
    if (be->vt->alloc_arenas(be, p->words) != 0)
        return -1;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        vae_tensor all = {(uint32_t)a, 0, p->words[a]};
        if (be->vt->write(be, all, p->init[a]) != 0)
            return -1;
    }
    vae_program prog = {(vae_op *)&p->op, 1, 1};
    if (vae_backend_run_program(be, &prog) != 0)
        return -1;
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        out[a] = vkt_alloc((size_t)p->words[a] * 4 + 4);
        vae_tensor all = {(uint32_t)a, 0, p->words[a]};
        if (be->vt->read(be, all, out[a]) != 0)
            return -1;
    }
    return 0;
}

static int inside_output(const op_case *c, const one_op *p, int a, uint32_t i) {
    for (int k = 0; k < vae_op_tensor_count(c->kind); k++) {
        vae_tensor t = p->op.t[k];
        if ((c->outputs >> k & 1) && (int)t.arena == a && i >= t.offset && i < t.offset + t.count)
            return 1;
    }
    return 0;
}

static int check_case(int index, const op_case *c, vae_backend *gpu, vae_backend *cpu) {
    one_op p;
    lay_out(c, &p, 1000 + (uint64_t)index);
    uint32_t *g[VAE_ARENA_COUNT] = {0}, *r[VAE_ARENA_COUNT] = {0};
    int fails = 0;
    if (run_on(gpu, &p, g) != 0 || run_on(cpu, &p, r) != 0) {
        printf("FAIL %s: %s%s\n", vae_op_name(c->kind), gpu->error, cpu->error);
        return 1;
    }
    size_t changed = 0;
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        for (uint32_t i = 0; i < p.words[a]; i++)
            if (!inside_output(c, &p, a, i) && g[a][i] != p.init[a][i])
                changed++;
    char dims[64];
    snprintf(dims, sizeof dims, "d=%d,%d,%d,%d,%d", c->d[0], c->d[1], c->d[2], c->d[3], c->d[4]);
    for (int k = 0; k < vae_op_tensor_count(c->kind); k++) {
        if (!(c->outputs >> k & 1))
            continue;
        vae_tensor t = p.op.t[k];
        vkt_diff d = vkt_compare((float *)g[t.arena] + t.offset, (float *)r[t.arena] + t.offset, t.count);
        int ok = d.nmse <= NMSE_BOUND && d.special_diff == 0 && (!c->exact || d.inexact == 0);
        fails += !ok;
        printf("%-4s %-32s %-22s t%d nmse %.2e  max %u ulp  %zu/%u inexact  %zu NaN/Inf differ\n",
               ok ? "ok" : "FAIL", vae_op_name(c->kind), dims, k, d.nmse, d.max_ulp, d.inexact, t.count,
               d.special_diff);
    }
    if (changed) {
        printf("FAIL %s %s: %zu words outside the outputs changed (inputs or guards)\n",
               vae_op_name(c->kind), dims, changed);
        fails++;
    }
    for (int a = 0; a < VAE_ARENA_COUNT; a++)
        free(g[a]), free(r[a]), free(p.init[a]);
    return fails;
}

int main(void) {
    vae_backend *gpu = vkt_backend();
    vae_backend *cpu = vae_cpu_backend_create();
    if (!cpu) {
        printf("FAIL creating the CPU backend\n");
        return 1;
    }
    int fails = 0, kinds_seen[VAE_OP_COUNT] = {0};
    int n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n; i++) {
        fails += check_case(i, &cases[i], gpu, cpu);
        kinds_seen[cases[i].kind] = 1;
    }
    for (int k = 0; k < VAE_OP_COUNT; k++)
        if (!kinds_seen[k]) {
            printf("FAIL no test case for %s\n", vae_op_name((vae_op_kind)k));
            fails++;
        }
    cpu->vt->destroy(cpu);
    gpu->vt->destroy(gpu);
    fails += vkt_validation_verdict();
    printf("%s: %d cases, %d failures\n", fails ? "FAIL" : "ok", n, fails);
    return fails != 0;
}
