/* Mixed precision (VAE_PRECISION_MIXED) on the tiled product kernels:
 * each operand rounded to binary16 by shaders/half.glsl as it enters
 * shared memory (shaders/gemm.glsl), sums in fp32.
 *
 * 1. The rounding, bit for bit against vae_round_f16: a linear layer with
 *    one input (K = 1) multiplies each pattern by exactly 1, through the
 *    A slot (w, one output per pattern) and the B slot (x, one image per
 *    pattern). Patterns: every binary16 rounding tie and its neighbours,
 *    normal and subnormal, both signs, and a sweep over all float bit
 *    patterns (NaN, ±inf, fp32 subnormals, past 65520). The fp32
 *    accumulator starts at +0, so -0 may come back as +0: zeros of either
 *    sign are equal here.
 * 2. Every product op in MIXED against the reference in MIXED, with the
 *    planner's split of K and K forced into 1 and 5 parts: normalized MSE <= VAE_SELFTEST_OP_NMSE, NaN/±inf at the
 *    same places, no word outside the output changed. Three sets of
 *    operands: uniform with binary16 ties among them; small enough that
 *    most round to binary16 subnormals; and the top of binary16's range,
 *    with values that overflow to inf. The first two must also land
 *    further than the bound from the reference in fp32 (else nothing was
 *    rounded), and linear_backward_input's accumulated old value must not
 *    be rounded (its old values are what rounding would change most).
 *
 * Under the validation layer. */
#include "vk_check.h"

#include "vaevk/half.h"
#include "vk/vk_tiling.h"

#define GUARD 64u /* words around each tensor, one offset alignment */
#define GUARD_WORD 0x7fc01234u

static int fails;

/* ---- one op between guard words ----------------------------------------- */

typedef struct {
    vae_op op;
    uint32_t words[VAE_ARENA_COUNT];
    uint32_t *init[VAE_ARENA_COUNT];
} one_op;

/* Output in GRADS, inputs in ACTS and PARAMS, each between guard words. */
static void lay_out(one_op *p, vae_op_kind kind, const int32_t d[5]) {
    memset(p, 0, sizeof *p);
    p->op.kind = kind;
    memcpy(p->op.d, d, sizeof p->op.d);
    vae_op_size size;
    char err[256];
    if (vae_op_size_of(&p->op, &size, err, sizeof err) != 0) {
        printf("FAIL bad test case: %s\n", err);
        exit(1);
    }
    static const vae_arena arena[3] = {VAE_ARENA_GRADS, VAE_ARENA_ACTS, VAE_ARENA_PARAMS};
    for (int k = 0; k < 3; k++) {
        uint32_t at = p->words[arena[k]] + GUARD, n = size.words[k];
        p->words[arena[k]] = at + (n + GUARD - 1) / GUARD * GUARD + GUARD;
        p->op.t[k] = (vae_tensor){arena[k], at, n};
    }
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        p->init[a] = test_alloc((size_t)p->words[a] * 4 + 4);
        for (uint32_t i = 0; i < p->words[a]; i++)
            p->init[a][i] = GUARD_WORD;
    }
}

static float *tensor(const one_op *p, uint32_t *const arenas[VAE_ARENA_COUNT], int k) {
    return (float *)arenas[p->op.t[k].arena] + p->op.t[k].offset;
}

/* Runs op (with these arenas' contents) on be; out: the arenas after. */
static int run_on(vae_backend *be, const one_op *p, const vae_op *op, uint32_t *const init[VAE_ARENA_COUNT],
                  uint32_t *out[VAE_ARENA_COUNT]) {
    return vkt_run_op(be, op, p->words, init, out);
}

/* ---- 1. the rounding, bit for bit ---------------------------------------- */

static uint32_t *patterns(uint32_t *count) {
    uint32_t cap = 1u << 20, n = 0;
    uint32_t *u = test_alloc((size_t)cap * 4);
    static const float named[] = {65504.0f, 65519.99f, 65520.0f, -65520.0f, 0x1p-24f, 0x1p-25f, 0x1.8p-24f,
                                  0x1p-14f, -0.0f, 1.0f + 0x1p-11f, 3.4e38f, 0x1p-149f};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        memcpy(&u[n++], &named[i], 4);
    for (uint32_t sign = 0; sign <= 1; sign++) {
        const uint32_t s = sign << 31;
        /* normals: the dropped unit is 0x2000 of the float's bits, ties at
         * +0x1000 */
        for (uint32_t base = 0x38000000u; base < 0x48000000u; base += 0x2000u) {
            u[n++] = s | base;
            for (uint32_t d = 0; d < 3; d++)
                u[n++] = s | (base + 0x1000u + d - 1u);
        }
        /* subnormals (exponents 102 to 112, below 2^-14): the dropped part
         * is 14 to 24 bits of the significand, so every multiple of 0x2000
         * of the fraction holds each tie */
        for (uint32_t e = 100; e <= 113; e++)
            for (uint32_t f = 0; f < 0x800000u; f += 0x2000u)
                for (uint32_t d = 0; d < 3; d++)
                    u[n++] = s | (e << 23) | ((f + d - 1u) & 0x7fffffu);
    }
    for (uint64_t v = 0; v < (1ull << 32); v += 65521)
        u[n++] = (uint32_t)v;
    if (n > cap) {
        printf("FAIL the test's pattern list overflowed\n");
        exit(1);
    }
    *count = n;
    return u;
}

/* Through slot A (w of a linear forward, M = n) or slot B (x, N = n). */
static void check_rounding(vae_backend *gpu, const uint32_t *u, uint32_t n, int slot_a) {
    one_op p;
    const int32_t d[5] = {slot_a ? 1 : (int32_t)n, 1, slot_a ? (int32_t)n : 1};
    lay_out(&p, VAE_OP_LINEAR_FWD, d);
    p.op.precision = VAE_PRECISION_MIXED;
    float *x = tensor(&p, p.init, 1), *w = tensor(&p, p.init, 2);
    float *patterned = slot_a ? w : x;
    (slot_a ? x : w)[0] = 1.0f;
    memcpy(patterned, u, (size_t)n * 4);
    uint32_t *g[VAE_ARENA_COUNT] = {0};
    if (run_on(gpu, &p, &p.op, p.init, g) != 0) {
        printf("FAIL rounding through slot %s: %s\n", slot_a ? "A" : "B", gpu->error);
        fails++;
        vkt_free_arenas(g), vkt_free_arenas(p.init);
        return;
    }
    const float *y = tensor(&p, g, 0);
    uint32_t bad = 0, first = 0;
    for (uint32_t i = 0; i < n; i++) {
        float want = vae_round_f16(test_bits_float(u[i]));
        int same = y[i] == want || (isnan(y[i]) && isnan(want));
        if (!same && bad++ == 0)
            first = i;
    }
    fails += bad != 0;
    printf("%-4s round_to_f16 through slot %s: %u patterns, %u differ from vae_round_f16", bad ? "FAIL" : "ok",
           slot_a ? "A (weights)" : "B (inputs)", n, bad);
    if (bad)
        printf(" (first: 0x%08x gave %a, want %a)", u[first], (double)y[first],
               (double)vae_round_f16(test_bits_float(u[first])));
    printf("\n");
    vkt_free_arenas(g), vkt_free_arenas(p.init);
}

/* ---- 2. every product op ------------------------------------------------- */

typedef struct {
    vae_op_kind kind;
    int32_t d[5]; /* B, Cin, H, W, Cout; linear: B, I, O, accumulate */
    /* The input that the kernel reads as zero outside the image (conv
     * padding), so an inf there never meets one of those zeros: the
     * reference skips the padding's terms, the kernels multiply by 0, and
     * inf·0 is NaN. (The weights of a convolution, and the small side of
     * its weight gradient, do meet them.) */
    int overflow_tensor;
} mixed_case;

static const mixed_case cases[] = {
    {VAE_OP_CONV2D_FWD, {2, 5, 9, 6, 7}, 1},
    {VAE_OP_CONV2D_BWD_INPUT, {2, 5, 9, 6, 7}, 1},
    {VAE_OP_CONV2D_BWD_WEIGHT, {2, 5, 9, 6, 7}, 2},
    {VAE_OP_CONVT_FWD, {2, 7, 5, 3, 5}, 1},
    {VAE_OP_CONVT_BWD_INPUT, {2, 7, 5, 3, 5}, 1},
    {VAE_OP_CONVT_BWD_WEIGHT, {2, 7, 5, 3, 5}, 1},
    /* several tiles each way, K long enough to split */
    {VAE_OP_CONV2D_FWD, {3, 37, 18, 13, 70}, 1},
    {VAE_OP_CONV2D_BWD_WEIGHT, {3, 37, 18, 13, 70}, 2},
    {VAE_OP_CONVT_FWD, {2, 33, 9, 7, 20}, 1},
    {VAE_OP_LINEAR_FWD, {70, 300, 130}, 1},
    {VAE_OP_LINEAR_BWD_INPUT, {70, 300, 130, 0}, 2},
    {VAE_OP_LINEAR_BWD_INPUT, {70, 300, 130, 1}, 1},
    {VAE_OP_LINEAR_BWD_WEIGHT, {70, 300, 130}, 2},
    {VAE_OP_LINEAR_FWD, {8, 4096, 16}, 2},
};

typedef enum { SET_TIES, SET_SUBNORMAL, SET_RANGE, SETS } operand_set;
static const char *const set_name[SETS] = {"ties", "subnormal", "range"};

/* Binary16 ties (they round to even, half the time down) and values that
 * land on binary16 subnormals, in [-1, 1]. */
static const float ties[] = {1.0f + 0x1p-11f, -(1.0f + 0x1.8p-10f), 0.5f + 0x1p-12f, -0.75f - 0x1p-12f,
                             0x1.002p-3f, 0x1.8p-24f, -0x1p-25f, 3.0e-6f, -4.5e-7f};
/* The top of binary16's range: 65504 is the largest half, 65519.99 rounds
 * down to it, 4098 is a tie (down to 4096). */
static const float big[] = {65504.0f, -65519.99f, 60000.0f, 4098.0f, -4102.0f};
static const float overflow[] = {65520.0f, -70000.0f, 1e6f};

static void fill(const mixed_case *c, one_op *p, operand_set set, uint64_t seed) {
    uint64_t rng = seed;
    int inputs_from = c->kind == VAE_OP_LINEAR_BWD_INPUT && c->d[3] ? 0 : 1;
    for (int k = inputs_from; k < 3; k++) {
        float *x = tensor(p, p->init, k);
        uint32_t n = p->op.t[k].count;
        for (uint32_t i = 0; i < n; i++) {
            /* binary16 subnormals are below 2^-14. An old value to add to
             * (k = 0) that rounding would change: of about the products'
             * size among subnormals (and under 2^-25, so to 0), else 16 */
            float scale = set == SET_SUBNORMAL ? (k == 0 ? 0x1p-26f : 0x1p-13f) : (k == 0 ? 16.0f : 1.0f);
            x[i] = vkt_uniform(&rng, -scale, scale);
            uint32_t pick = (uint32_t)(test_next(&rng) % 64);
            if (k == 0)
                continue;
            if (set == SET_TIES && pick < 8)
                x[i] = ties[pick % (sizeof ties / sizeof ties[0])];
            if (set == SET_RANGE && pick < 2)
                x[i] = big[test_next(&rng) % (sizeof big / sizeof big[0])];
        }
        /* a few overflows, on the input the kernel pads (overflow_tensor) */
        for (uint32_t j = 0; set == SET_RANGE && k == c->overflow_tensor && j < 3; j++)
            x[(uint32_t)(test_next(&rng) % n)] = overflow[j];
    }
}

static void check_case(vae_backend *gpu, vae_backend *cpu, const mixed_case *c, operand_set set, uint64_t seed) {
    one_op p;
    lay_out(&p, c->kind, c->d);
    fill(c, &p, set, seed);
    vae_op mixed = p.op;
    mixed.precision = VAE_PRECISION_MIXED;
    uint32_t *ref[VAE_ARENA_COUNT] = {0}, *plain[VAE_ARENA_COUNT] = {0};
    if (run_on(cpu, &p, &mixed, p.init, ref) != 0 || run_on(cpu, &p, &p.op, p.init, plain) != 0) {
        printf("FAIL cpu %s: %s\n", vae_op_name(c->kind), cpu->error);
        exit(1);
    }
    char dims[64];
    vae_op_sizes_text(&p.op, dims, sizeof dims);
    const uint32_t n = p.op.t[0].count;
    static const uint32_t splits[] = {0, 1, 5};
    for (int s = 0; s < 3; s++) {
        uint32_t *g[VAE_ARENA_COUNT] = {0};
        vk_tiling_force(-1, splits[s]);
        if (run_on(gpu, &p, &mixed, p.init, g) != 0) {
            printf("FAIL %s %s %s split %u: %s\n", vae_op_name(c->kind), dims, set_name[set], splits[s], gpu->error);
            fails++;
            vkt_free_arenas(g);
            continue;
        }
        vae_selftest_diff d = vae_selftest_compare(tensor(&p, g, 0), tensor(&p, ref, 0), n);
        vae_selftest_diff fp32 = vae_selftest_compare(tensor(&p, g, 0), tensor(&p, plain, 0), n);
        size_t changed = vkt_changed_outside(p.op.t[0], p.words, p.init, g), infinite = 0;
        for (uint32_t i = 0; i < n; i++)
            infinite += !isfinite(tensor(&p, ref, 0)[i]);
        /* the range set: its overflows must reach some outputs (as inf or
         * NaN, on both sides), and its huge values swamp the rest */
        int rounded_shows = set == SET_RANGE ? infinite > 0 : fp32.nmse > VAE_SELFTEST_OP_NMSE;
        int ok = d.nmse <= VAE_SELFTEST_OP_NMSE && d.special_diff == 0 && changed == 0 && rounded_shows;
        fails += !ok;
        printf("%-4s %-24s %-30s %-9s split %u: nmse %.2e (fp32 operands %.2e), %zu inf/NaN, %zu differ, "
               "%zu words outside changed\n", ok ? "ok" : "FAIL", vae_op_name(c->kind), dims, set_name[set],
               splits[s], d.nmse, fp32.nmse, infinite, d.special_diff, changed);
        vkt_free_arenas(g);
    }
    vk_tiling_force(-1, 0);
    vkt_free_arenas(ref), vkt_free_arenas(plain), vkt_free_arenas(p.init);
}

int main(void) {
    vae_backend *gpu = vkt_backend();
    vae_backend *cpu = vae_reference_backend_create();
    if (!cpu) {
        printf("FAIL creating the CPU backend\n");
        return 1;
    }
    uint32_t n;
    uint32_t *u = patterns(&n);
    check_rounding(gpu, u, n, 1);
    check_rounding(gpu, u, n, 0);
    free(u);
    int count = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < count; i++)
        for (int set = 0; set < SETS; set++)
            check_case(gpu, cpu, &cases[i], (operand_set)set, 1000 + 10 * (uint64_t)i + (uint64_t)set);
    cpu->vt->destroy(cpu);
    gpu->vt->destroy(gpu);
    fails += vkt_validation_verdict();
    printf("%s: %d cases in %d operand sets and the rounding, %d failures\n", fails ? "FAIL" : "ok", count,
           (int)SETS, fails);
    return fails != 0;
}
