/* Validation scoring (vae_build_eval + vae_trainer_evaluate) on the CPU
 * reference: it is the training step's forward pass and loss exactly, with
 * eps drawn at the fixed step VAE_EVAL_EPS_STEP and no flips; it changes
 * nothing (no backward pass, no Adam), repeats to the bit, and scores a
 * partial batch on its real images only. */
#include "dataset_check.h"
#include "vaevk/backend.h"
#include "vaevk/synthetic.h"
#include "vaevk/train.h"

#define B 4

static int same(const vae_step_out *a, const vae_step_out *b) {
    return a->loss == b->loss && a->recon == b->recon && a->kl == b->kl;
}

int main(void) {
    vae_config cfg;
    vae_config_default(&cfg);
    int widths[4] = {4, 8, 8, 16};
    memcpy(cfg.channels, widths, sizeof widths);
    cfg.latent = 8;
    vae_backend *be = vae_reference_backend_create();
    vae_trainer t;
    if (!be || vae_trainer_init(&t, be, &cfg, B, 3, 1e-3f, 0, VAE_PRECISION_FP32) != 0) {
        fprintf(stderr, "set-up failed: %s\n", be ? be->error : "no CPU backend");
        return 2;
    }
    float *params = test_alloc(t.lay.table.total * sizeof(float));
    float *after = test_alloc(t.lay.table.total * sizeof(float));
    vae_params_init(params, &t.lay.table, 3);
    vae_trainer_set_state(&t, params, NULL, NULL);
    uint8_t pixels[B * 64 * 64 * 3];
    synth_faces(pixels, 3, 0, B);
    const float beta = 0.7f;

    vae_step_out e1, e2, part, step;
    int st = vae_trainer_evaluate(&t, pixels, B, beta, &e1);
    float sse[B], kl[B];
    st |= be->vt->read(be, t.lay.sse, sse) | be->vt->read(be, t.lay.kl, kl);
    st |= vae_trainer_evaluate(&t, pixels, B, beta, &e2);
    vae_trainer_get_state(&t, after, NULL, NULL);
    CHECK(st == 0 && same(&e1, &e2), "evaluate twice: the same to the bit (loss %.6f recon %.6f kl %.6f)",
          e1.loss, e1.recon, e1.kl);
    CHECK(memcmp(params, after, t.lay.table.total * sizeof(float)) == 0,
          "evaluate leaves the parameters untouched (no backward pass, no Adam)");
    double rsum = 0, ksum = 0;
    for (int i = 0; i < B; i++)
        rsum += sse[i], ksum += kl[i];
    /* the per-image terms summed in double, in order, then rounded once */
    float want_loss = (float)(rsum / B + (double)beta * (ksum / B));
    CHECK(e1.recon == (float)(rsum / B) && e1.kl == (float)(ksum / B) && e1.loss == want_loss,
          "the terms are the means of the per-image sse and kl; loss = recon + beta * kl (%.6f)",
          e1.loss);
    st = vae_trainer_evaluate(&t, pixels, 2, beta, &part);
    double want = ((double)sse[0] + (double)sse[1]) / 2;
    CHECK(st == 0 && part.recon == (float)want && part.kl == (float)(((double)kl[0] + kl[1]) / 2),
          "2 of %d images: the mean of their own terms only (recon %.6f, want %.6f)", B,
          part.recon, (double)(float)want);
    st = vae_trainer_step(&t, pixels, (long)VAE_EVAL_EPS_STEP, beta, &step);
    CHECK(st == 0 && same(&e1, &step),
          "a training step at step %u without flips reports the same loss terms, so the eval "
          "program is its forward pass (step: recon %.6f kl %.6f)", VAE_EVAL_EPS_STEP, step.recon, step.kl);
    st = vae_trainer_evaluate(&t, pixels, B, beta, &e2);
    CHECK(st == 0 && !same(&e1, &e2), "after that step changed the model, the score changes (recon %.6f)",
          e2.recon);
    vae_trainer_free(&t);
    be->vt->destroy(be);
    free(params);
    free(after);
    return failures ? 1 : 0;
}
