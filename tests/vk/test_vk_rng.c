/* The GPU's random streams against src/core/rng.c: the eps normals (the
 * Philox words and uniforms are exact, the normal goes through log and sqrt)
 * and the horizontal flips (bit 0 of the FLIP stream, exact). */
#include "vk_check.h"

#include "vaevk/rng.h"

#define SEED 0xfedcba9876543210ull
#define STEP 12345u

static int fails;

static void expect(int ok, const char *what) {
    printf("%-4s %s\n", ok ? "ok" : "FAIL", what);
    fails += !ok;
}

static void check_eps(vae_backend *be) {
    enum { N = 65537 }; /* odd: the last pair is half used */
    uint32_t w[VAE_ARENA_COUNT] = {0, 0, 0, 0, N + 64, 64};
    vae_tensor eps = {VAE_ARENA_ACTS, 0, N}, step_in = {VAE_ARENA_IO, 0, VAE_STEP_IN_WORDS};
    vae_step_in in = {.step = STEP, .seed_lo = (uint32_t)SEED, .seed_hi = (uint32_t)(SEED >> 32)};
    vae_op op = {.kind = VAE_OP_EPS_NORMAL, .t = {eps, step_in}, .d = {N}};
    vae_program prog = {&op, 1, 1};
    float *gpu = test_alloc(N * 4), *ref = test_alloc(N * 4);
    if (be->vt->alloc_arenas(be, w) || be->vt->write(be, step_in, &in) || vae_backend_run_program(be, &prog) ||
        be->vt->read(be, eps, gpu)) {
        printf("FAIL eps: %s\n", be->error);
        fails++;
        return;
    }
    vae_rng_normal_fill(ref, N, SEED, VAE_STREAM_EPS, STEP, 0);
    vae_selftest_diff d = vae_selftest_compare(gpu, ref, N);
    size_t finite = 0;
    double sum = 0, sq = 0;
    for (int i = 0; i < N; i++) {
        finite += isfinite(gpu[i]) != 0;
        sum += gpu[i];
        sq += (double)gpu[i] * gpu[i];
    }
    char what[200];
    snprintf(what, sizeof what, "%d eps normals: nmse %.2e (bound 1e-10), max %u ulp (bound 8), %zu bit-identical,"
             " mean %.4f var %.4f", N, d.nmse, d.max_ulp, N - d.inexact, sum / N, sq / N - (sum / N) * (sum / N));
    /* log (ours, ~1 ulp), sqrt and × (Vulkan allows ~3 ulp for sqrt): a few ulps */
    expect(finite == N && d.special_diff == 0 && d.nmse <= 1e-10 && d.max_ulp <= 8, what);
    free(gpu);
    free(ref);
}

/* 256 images of side 2 whose pixels are their column index: x's first
 * column is -1 unless the image was mirrored. */
static void check_flips(vae_backend *be, uint32_t flip) {
    enum { B = 256, S = 2 };
    uint32_t w[VAE_ARENA_COUNT] = {0, 0, 0, 0, B * 3 * S * S, 1024};
    vae_tensor x = {VAE_ARENA_ACTS, 0, B * 3 * S * S}, step_in = {VAE_ARENA_IO, 0, VAE_STEP_IN_WORDS},
               pixels = {VAE_ARENA_IO, 64, B * S * S * 3 / 4};
    uint8_t px[B * S * S * 3];
    for (int i = 0; i < B * S * S * 3; i++)
        px[i] = (uint8_t)((i / 3) % S);
    vae_step_in in = {.step = STEP, .seed_lo = (uint32_t)SEED, .seed_hi = (uint32_t)(SEED >> 32), .flip = flip};
    vae_op op = {.kind = VAE_OP_INPUT_CONVERT, .t = {x, pixels, step_in}, .d = {B, S}};
    vae_program prog = {&op, 1, 1};
    static float out[B * 3 * S * S];
    if (be->vt->alloc_arenas(be, w) || be->vt->write(be, step_in, &in) || be->vt->write(be, pixels, px) ||
        vae_backend_run_program(be, &prog) || be->vt->read(be, x, out)) {
        printf("FAIL flips: %s\n", be->error);
        fails++;
        return;
    }
    int flipped = 0, wrong = 0;
    for (int b = 0; b < B; b++) {
        int got = out[b * 3 * S * S] != -1.0f;
        int want = flip && (vae_rng_u32(SEED, VAE_STREAM_FLIP, STEP, (uint32_t)b) & 1u);
        flipped += got;
        wrong += got != want;
    }
    char what[128];
    snprintf(what, sizeof what, "flip=%u: %d of %d images mirrored, %d differ from the FLIP stream", flip,
             flipped, B, wrong);
    expect(wrong == 0 && (flip ? flipped > 0 && flipped < B : flipped == 0), what);
}

int main(void) {
    vae_backend *be = vkt_backend();
    check_eps(be);
    check_flips(be, 1);
    check_flips(be, 0);
    be->vt->destroy(be);
    fails += vkt_validation_verdict();
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails != 0;
}
