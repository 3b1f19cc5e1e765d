/* Dynamic loss scaling in the reference (vae_loss_scaler, vaevk/tensor.h):
 * the update's rules step by step (halve and skip, count clean steps,
 * double at the interval, the bounds, found cleared, step_out filled), the
 * check (any inf or NaN sets found, nothing clears it), and that scaling
 * is exact: a training step seeded with S = 2^k gives gradients S times
 * fp32's, bit for bit, and the same Adam update. */
#include <math.h>
#include <string.h>

#include "cpu_check.h"
#include "vaevk/backend.h"
#include "vaevk/graph.h"
#include "vaevk/ops.h"

static void check_update(void) {
    vae_loss_scaler s = {.scale = 1024.0f, .clean = 0, .skipped = 0, .found = 0};
    vae_step_out out = {0};
    loss_scale_update(&s, &out, 3);
    loss_scale_update(&s, &out, 3);
    CHECK(s.scale == 1024.0f && s.clean == 2 && s.skipped == 0, "two clean steps: S kept, clean = %u", s.clean);
    loss_scale_update(&s, &out, 3);
    CHECK(s.scale == 2048.0f && s.clean == 0, "the third (interval 3): S doubled to %g, clean back to %u",
          (double)s.scale, s.clean);
    CHECK(out.loss_scale == 2048.0f && out.skipped == 0, "step_out has S %g and %u skipped",
          (double)out.loss_scale, out.skipped);
    s.clean = 2;
    s.found = 1;
    loss_scale_update(&s, &out, 3);
    CHECK(s.scale == 1024.0f && s.clean == 0 && s.skipped == 1 && s.found == 0,
          "an inf/NaN step: S halved to %g, clean %u, skipped %u, found cleared (%u)", (double)s.scale, s.clean,
          s.skipped, s.found);
    CHECK(out.loss_scale == 1024.0f && out.skipped == 1, "and step_out says so (S %g, %u skipped)",
          (double)out.loss_scale, out.skipped);
    s = (vae_loss_scaler){.scale = VAE_LOSS_SCALE_MIN, .found = 1};
    loss_scale_update(&s, &out, 3);
    CHECK(s.scale == VAE_LOSS_SCALE_MIN, "S does not fall below 2^-24 (%g)", (double)s.scale);
    s = (vae_loss_scaler){.scale = VAE_LOSS_SCALE_MAX, .clean = 2};
    loss_scale_update(&s, &out, 3);
    CHECK(s.scale == VAE_LOSS_SCALE_MAX, "nor rise above 2^24 (%g)", (double)s.scale);
}

static void check_check(void) {
    float g[100];
    for (int i = 0; i < 100; i++) g[i] = (float)i - 50.0f;
    g[3] = 3e38f;
    vae_loss_scaler s = {.scale = 1.0f};
    loss_scale_check(&s, g, 100);
    CHECK(s.found == 0, "finite gradients (3e38 among them): found stays 0");
    const float bad[] = {INFINITY, -INFINITY, NAN};
    for (int k = 0; k < 3; k++) {
        g[97] = bad[k];
        s.found = 0;
        loss_scale_check(&s, g, 100);
        CHECK(s.found == 1, "%g at index 97: found = 1", (double)bad[k]);
    }
    g[97] = 0;
    s.found = 1;
    loss_scale_check(&s, g, 100);
    CHECK(s.found == 1, "finite gradients do not clear found (the update does)");
}

/* One training step of a small model on the reference with the loss
 * scaler at scale; grads and the parameters after Adam come back. */
static int train_step(float scale, float *grads, float *params_after, vae_layout *lay) {
    vae_config cfg = {{4, 8, 8, 16}, 8};
    vae_layout_init(lay, &cfg, 3);
    vae_backend *be = vae_reference_backend_create();
    vae_program p = {0};
    vae_step_options o = {.from_pixels = 1, .eps_from_rng = 1, .adam = 1};
    int status = be->vt->alloc_arenas(be, lay->arena_words) || vae_build_train_step(&p, lay, &o);
    uint64_t s = 3;
    float *params = ALLOC_F(lay->table.total);
    for (uint32_t i = 0; i < lay->table.total; i++) params[i] = (float)test_uniform(&s, -0.2, 0.2);
    uint8_t *pixels = test_alloc((size_t)lay->pixels.count * 4);
    for (uint32_t i = 0; i < lay->pixels.count * 4; i++) pixels[i] = (uint8_t)test_next(&s);
    vae_step_in in = {.step = 4, .seed_lo = 9, .beta = 0.5f, .adam_step_size = 1e-3f, .adam_inv_sqrt_bc2 = 1.0f};
    vae_loss_scaler ls = {.scale = scale};
    status = status || be->vt->write(be, lay->params_all, params) || be->vt->write(be, lay->pixels, pixels) ||
             be->vt->write(be, lay->step_in, &in) || be->vt->write(be, lay->loss_scaler, &ls) ||
             vae_backend_run_program(be, &p) || be->vt->read(be, lay->grads_all, grads) ||
             be->vt->read(be, lay->params_all, params_after);
    vae_program_free(&p);
    be->vt->destroy(be);
    free(params);
    free(pixels);
    return status;
}

static void check_scaling_is_exact(void) {
    vae_layout lay;
    vae_config cfg = {{4, 8, 8, 16}, 8};
    vae_layout_init(&lay, &cfg, 3);
    const uint32_t n = lay.table.total;
    float *g1 = ALLOC_F(n), *gs = ALLOC_F(n), *p1 = ALLOC_F(n), *ps = ALLOC_F(n);
    if (train_step(1.0f, g1, p1, &lay) != 0 || train_step(65536.0f, gs, ps, &lay) != 0) {
        CHECK(0, "the training steps ran");
        return;
    }
    size_t differ = 0;
    for (uint32_t i = 0; i < n; i++) differ += gs[i] != g1[i] * 65536.0f;
    CHECK(differ == 0, "fp32 step seeded with S = 2^16: every gradient S times the unscaled one, "
          "bit for bit (%zu of %u differ)", differ, n);
    CHECK(memcmp(p1, ps, n * sizeof(float)) == 0, "and Adam, dividing by S, moves the parameters to the same bits");
    free(g1), free(gs), free(p1), free(ps);
}

int main(void) {
    check_update();
    check_check();
    check_scaling_is_exact();
    return failures ? 1 : 0;
}
