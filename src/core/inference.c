/* Encoding and decoding alone, for sampling, reconstructions and the
 * per-epoch grids, on the arenas the trainer already has. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/graph.h"
#include "vaevk/train.h"

static int record_once(vae_trainer *t, vae_recording **rec, int encode) {
    if (*rec)
        return 0;
    vae_program prog = {0};
    int status = encode ? vae_build_encode(&prog, &t->lay, 1) : vae_build_decode(&prog, &t->lay);
    vae_program_set_precision(&prog, t->precision);
    if (status == 0)
        status = t->be->vt->record(t->be, &prog, rec);
    else
        snprintf(t->be->error, sizeof t->be->error, "out of memory building a program");
    vae_program_free(&prog);
    return status;
}

static int check_count(vae_trainer *t, int n) {
    if (n < 1 || n > t->lay.batch) {
        snprintf(t->be->error, sizeof t->be->error, "%d images do not fit a batch of %d", n,
                 t->lay.batch);
        return -1;
    }
    return 0;
}

/* The first `words` words of a tensor. */
static vae_tensor head(vae_tensor t, uint32_t words) {
    t.count = words;
    return t;
}

int vae_trainer_encode(vae_trainer *t, const uint8_t *pixels, int n, float *mu, float *log_var) {
    vae_backend *be = t->be;
    const vae_layout *l = &t->lay;
    if (check_count(t, n) != 0 || record_once(t, &t->encode, 1) != 0)
        return -1;
    const uint32_t image_words = VAE_IMAGE_SIZE * VAE_IMAGE_SIZE * VAE_IMAGE_CHANNELS / 4;
    const uint32_t L = (uint32_t)l->cfg.latent;
    uint8_t *batch = calloc((size_t)l->pixels.count, 4);
    if (!batch) {
        snprintf(be->error, sizeof be->error, "out of memory");
        return -1;
    }
    memcpy(batch, pixels, (size_t)n * image_words * 4);
    vae_step_in in = {0}; /* step 0, no flips */
    int status = be->vt->write(be, l->step_in, &in) || be->vt->write(be, l->pixels, batch) ||
                 vae_backend_run(be, t->encode) ||
                 be->vt->read(be, head(l->mu, (uint32_t)n * L), mu) ||
                 be->vt->read(be, head(l->log_var, (uint32_t)n * L), log_var);
    free(batch);
    return status ? -1 : 0;
}

int vae_trainer_decode(vae_trainer *t, const float *z, int n, float *xhat) {
    vae_backend *be = t->be;
    const vae_layout *l = &t->lay;
    if (check_count(t, n) != 0 || record_once(t, &t->decode, 0) != 0)
        return -1;
    const uint32_t L = (uint32_t)l->cfg.latent;
    const uint32_t image = VAE_IMAGE_CHANNELS * VAE_IMAGE_SIZE * VAE_IMAGE_SIZE;
    float *zb = calloc(l->z.count, sizeof *zb);
    if (!zb) {
        snprintf(be->error, sizeof be->error, "out of memory");
        return -1;
    }
    memcpy(zb, z, (size_t)n * L * sizeof *zb);
    int status = be->vt->write(be, l->z, zb) || vae_backend_run(be, t->decode) ||
                 be->vt->read(be, head(l->dec_act[VAE_LEVELS - 1], (uint32_t)n * image), xhat);
    free(zb);
    return status ? -1 : 0;
}

static int record_eval(vae_trainer *t) {
    if (t->eval)
        return 0;
    vae_program prog = {0};
    int status = vae_build_eval(&prog, &t->lay);
    vae_program_set_precision(&prog, t->precision);
    if (status == 0)
        status = t->be->vt->record(t->be, &prog, &t->eval);
    else
        snprintf(t->be->error, sizeof t->be->error, "out of memory building a program");
    vae_program_free(&prog);
    return status;
}

int vae_trainer_evaluate(vae_trainer *t, const uint8_t *pixels, int n_valid, float beta,
                         vae_step_out *out) {
    vae_backend *be = t->be;
    const vae_layout *l = &t->lay;
    if (check_count(t, n_valid) != 0 || record_eval(t) != 0)
        return -1;
    const size_t image = VAE_IMAGE_SIZE * VAE_IMAGE_SIZE * VAE_IMAGE_CHANNELS;
    uint8_t *batch = calloc((size_t)l->pixels.count, 4); /* zero padding past n_valid */
    float *terms = malloc(2 * (size_t)n_valid * sizeof *terms); /* sse (n), kl (n) */
    if (!batch || !terms) {
        free(batch);
        free(terms);
        snprintf(be->error, sizeof be->error, "out of memory");
        return -1;
    }
    memcpy(batch, pixels, (size_t)n_valid * image);
    vae_step_in in = {0}; /* no flips */
    in.step = VAE_EVAL_EPS_STEP;
    in.seed_lo = (uint32_t)t->seed;
    in.seed_hi = (uint32_t)(t->seed >> 32);
    in.beta = beta;
    int status = be->vt->write(be, l->step_in, &in) || be->vt->write(be, l->pixels, batch) ||
                 vae_backend_run(be, t->eval) ||
                 be->vt->read(be, head(l->sse, (uint32_t)n_valid), terms) ||
                 be->vt->read(be, head(l->kl, (uint32_t)n_valid), terms + n_valid);
    if (status == 0) {
        double sse = 0, kl = 0;
        for (int i = 0; i < n_valid; i++) {
            sse += terms[i];
            kl += terms[n_valid + i];
        }
        *out = (vae_step_out){.recon = (float)(sse / n_valid), .kl = (float)(kl / n_valid),
                              .loss = (float)(sse / n_valid + (double)beta * kl / n_valid)};
    }
    free(batch);
    free(terms);
    return status ? -1 : 0;
}
