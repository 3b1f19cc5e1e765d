/* The whole model on the Vulkan backend against the CPU reference, on a
 * small configuration (widths 4,8,8,16, latent 8, batch 2, 64x64 images):
 *   1. one training step without the optimiser: the loss terms and every
 *      parameter's gradient, from pixels with flips and eps from the GPU's
 *      own random streams;
 *   2. three steps of the real training program (Adam included) through
 *      vae_trainer: the loss terms of each step and the final parameters
 *      and moments.
 * Bounds: each op agrees to normalized MSE 1e-10 (test_vk_ops) and in
 * practice to ~1e-14; the errors of ~50 chained ops add up, and gradients
 * are sums of many such terms, so 1e-10 still leaves a wide margin. */
#include "vk_check.h"

#include "vaevk/graph.h"
#include "vaevk/ops.h"
#include "vaevk/train.h"

#define BOUND 1e-10
#define BATCH 2
#define SEED 5

static int fails;

static void check(const char *what, const float *gpu, const float *cpu, size_t n) {
    vae_selftest_diff d = vae_selftest_compare(gpu, cpu, n);
    int ok = d.nmse <= BOUND && d.special_diff == 0;
    fails += !ok;
    printf("%-4s %-28s nmse %.2e  max %u ulp  %zu/%zu inexact\n", ok ? "ok" : "FAIL", what, d.nmse,
           d.max_ulp, d.inexact, n);
}

static vae_config small_config(void) {
    vae_config cfg = {{4, 8, 8, 16}, 8};
    return cfg;
}

static uint8_t *random_pixels(uint64_t seed) {
    size_t n = (size_t)BATCH * VAE_IMAGE_SIZE * VAE_IMAGE_SIZE * 3;
    uint8_t *p = test_alloc(n + 4);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)test_next(&seed);
    return p;
}

/* One step without Adam on be: grads (table.total) and the loss terms out. */
static int gradient_step(vae_backend *be, const vae_layout *lay, const float *params, const uint8_t *pixels,
                         float *grads, vae_step_out *out) {
    vae_step_in in = {.step = 3, .seed_lo = SEED, .flip = 1, .beta = 0.5f};
    vae_step_options opts = {.from_pixels = 1, .eps_from_rng = 1, .adam = 0};
    vae_program prog = {0};
    int status = vae_build_train_step(&prog, lay, &opts) || be->vt->alloc_arenas(be, lay->arena_words) ||
                 be->vt->write(be, lay->params_all, params) || be->vt->write(be, lay->step_in, &in) ||
                 be->vt->write(be, lay->loss_scaler, &(vae_loss_scaler){.scale = 1.0f}) ||
                 be->vt->write(be, lay->pixels, pixels) || vae_backend_run_program(be, &prog) ||
                 be->vt->read(be, lay->grads_all, grads) || be->vt->read(be, lay->step_out, out);
    vae_program_free(&prog);
    return status;
}

static void check_gradients(vae_backend *gpu, vae_backend *cpu) {
    vae_config cfg = small_config();
    vae_layout lay;
    vae_layout_init(&lay, &cfg, BATCH);
    uint32_t n = lay.table.total;
    float *params = test_alloc(n * 4), *gg = test_alloc(n * 4), *cg = test_alloc(n * 4);
    vae_params_init(params, &lay.table, SEED);
    uint8_t *pixels = random_pixels(11);
    vae_step_out go, co;
    if (gradient_step(gpu, &lay, params, pixels, gg, &go) != 0 ||
        gradient_step(cpu, &lay, params, pixels, cg, &co) != 0) {
        printf("FAIL gradient step: %s%s\n", gpu->error, cpu->error);
        fails++;
    } else {
        printf("     loss gpu %.7g cpu %.7g (recon %.7g / %.7g, kl %.7g / %.7g)\n", go.loss, co.loss,
               go.recon, co.recon, go.kl, co.kl);
        check("loss terms", &go.loss, &co.loss, 3);
        for (int p = 0; p < VAE_NPARAMS; p++) {
            const vae_param *q = &lay.table.p[p];
            char what[64];
            snprintf(what, sizeof what, "grad %s", q->name);
            check(what, gg + q->offset, cg + q->offset, q->count);
        }
    }
    free(params), free(gg), free(cg), free(pixels);
}

/* Three Adam steps through the trainer; final params, m, v out. */
static int train(vae_backend *be, float *params, float *m, float *v, vae_step_out out[3]) {
    vae_config cfg = small_config();
    vae_trainer t;
    int status = vae_trainer_init(&t, be, &cfg, BATCH, SEED, 1e-3f, 1, VAE_PRECISION_FP32);
    if (status == 0) {
        vae_params_init(params, &t.lay.table, SEED);
        status = vae_trainer_set_state(&t, params, NULL, NULL);
    }
    for (int s = 0; s < 3 && status == 0; s++) {
        uint8_t *pixels = random_pixels(100 + (uint64_t)s);
        status = vae_trainer_step(&t, pixels, s, 0.25f * (float)s, &out[s]);
        free(pixels);
    }
    if (status == 0)
        status = vae_trainer_get_state(&t, params, m, v);
    vae_trainer_free(&t);
    return status;
}

static void check_training(vae_backend *gpu, vae_backend *cpu) {
    vae_config cfg = small_config();
    vae_layout lay;
    vae_layout_init(&lay, &cfg, BATCH);
    size_t n = lay.table.total;
    float *gp = test_alloc(n * 4), *gm = test_alloc(n * 4), *gv = test_alloc(n * 4);
    float *cp = test_alloc(n * 4), *cm = test_alloc(n * 4), *cv = test_alloc(n * 4);
    vae_step_out go[3], co[3];
    if (train(gpu, gp, gm, gv, go) != 0 || train(cpu, cp, cm, cv, co) != 0) {
        printf("FAIL training: %s%s\n", gpu->error, cpu->error);
        fails++;
    } else {
        for (int s = 0; s < 3; s++) {
            char what[32];
            snprintf(what, sizeof what, "step %d loss terms", s);
            printf("     step %d loss gpu %.7g cpu %.7g\n", s, go[s].loss, co[s].loss);
            check(what, &go[s].loss, &co[s].loss, 3);
        }
        check("params after 3 Adam steps", gp, cp, n);
        check("Adam m after 3 steps", gm, cm, n);
        check("Adam v after 3 steps", gv, cv, n);
    }
    free(gp), free(gm), free(gv), free(cp), free(cm), free(cv);
}

int main(void) {
    vae_backend *gpu = vkt_backend();
    vae_backend *cpu = vae_reference_backend_create();
    check_gradients(gpu, cpu);
    check_training(gpu, cpu);
    cpu->vt->destroy(cpu);
    gpu->vt->destroy(gpu);
    fails += vkt_validation_verdict();
    printf("%s: %d failures\n", fails ? "FAIL" : "ok", fails);
    return fails != 0;
}
