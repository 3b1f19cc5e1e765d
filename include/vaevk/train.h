/* Training: its options (each described in vaevk/train_options.h), its
 * state, and one step on a backend. */
#ifndef VAEVK_TRAIN_H
#define VAEVK_TRAIN_H

#include <stdint.h>

#include "vaevk/backend.h"
#include "vaevk/model.h"

typedef struct {
    vae_config model;
    int batch;            /* images per step (64) */
    int epochs;           /* passes over the data (10) */
    long max_steps;       /* stop after this many steps in all; 0 = no cap */
    float lr;             /* Adam's learning rate (1e-3) */
    float beta_max;       /* final KL weight (1) */
    float anneal_epochs;  /* epochs over which beta ramps from 0 to beta_max (3) */
    uint64_t seed;        /* initialisation, noise, flips, data order (1) */
    int flip;             /* random horizontal flips (1) */
    char data[512];       /* "synthetic" or a path */
    int synthetic_count;  /* images in the synthetic dataset (20000) */
    int crop;             /* image folders: VAE_CROP_AUTO, _SQUARE or a side (vaevk/dataset.h) */
    float val_fraction;   /* share of the data held out for validation (0.05) */
    long checkpoint_every; /* also save at every multiple of this many steps (500) */
} vae_train_options;

void vae_train_options_default(vae_train_options *o);

/* Where a run stands: saved in checkpoints so it can resume exactly. */
typedef struct {
    long step;            /* steps completed */
    int epoch;            /* epoch of the next step (0-based) */
    long steps_per_epoch;
    vae_precision precision;  /* of the steps that led here */
    vae_loss_scaler scaler;   /* mixed: S, clean steps; skipped steps in all */
} vae_train_progress;

/* beta for a step: linear from 0 at step 0 to beta_max after anneal_epochs. */
float vae_beta_at(const vae_train_options *o, long step, long steps_per_epoch);

/* A model on a backend, ready to train one batch size. */
typedef struct {
    vae_backend *be;
    vae_layout lay;
    vae_recording *step[VAE_IO_SLOTS]; /* the training step, one per IO slot */
    int in_flight;                     /* submitted steps not yet collected */
    int oldest;                        /* slot of the oldest of them */
    vae_recording *encode, *decode; /* recorded on first use */
    vae_recording *eval;            /* vae_build_eval, recorded on first use */
    vae_resident resident;          /* images held in the DATA arena (vae_trainer_hold_data) */
    uint64_t seed;
    float lr;
    int flip;
    vae_precision precision;        /* every program's products */
} vae_trainer;

/* Mixed precision needs a backend with mixed products (backend.h); its
 * loss scale starts at VAE_LOSS_SCALE_INITIAL, fp32's stays 1. */
int vae_trainer_init(vae_trainer *t, vae_backend *be, const vae_config *cfg, int batch,
                     uint64_t seed, float lr, int flip, vae_precision precision);
/* Parameters, and optionally Adam's moments (NULL = zeros), from host memory
 * laid out by t->lay.table. */
int vae_trainer_set_state(vae_trainer *t, const float *params, const float *m, const float *v);
int vae_trainer_get_state(vae_trainer *t, float *params, float *m, float *v);
/* The loss scaler between steps (for checkpoints); nothing in flight. A
 * scale that is not a power of two in [2^-24, 2^24] (mixed), or not 1
 * with no clean steps counted (fp32), is refused. */
int vae_trainer_set_loss_scaler(vae_trainer *t, const vae_loss_scaler *s);
int vae_trainer_get_loss_scaler(vae_trainer *t, vae_loss_scaler *s);
/* One step on pixels (B,64,64,3) uint8; `step` is the 0-based step number
 * (Adam's t is step+1). Fills out with the loss terms of this batch. */
int vae_trainer_step(vae_trainer *t, const uint8_t *pixels, long step, float beta,
                     vae_step_out *out);
/* The same, pipelined: submit starts a step without waiting for it (at most
 * VAE_IO_SLOTS in flight; the pixels are copied, so the buffer is free on
 * return), collect waits for the oldest one and gives its loss terms. Every
 * other trainer call needs nothing in flight. */
int vae_trainer_submit(vae_trainer *t, const uint8_t *pixels, long step, float beta);
int vae_trainer_collect(vae_trainer *t, vae_step_out *out);

/* The dataset on the device: room for `images` images in the DATA arena,
 * and the training step recorded to gather each batch there by index
 * (input_gather: the same conversion and flips as from pixels, so the same
 * bits). It makes the arenas anew (the loss scaler back at its start), so
 * call it before set_state, set_loss_scaler and any submit. 0 when they
 * are held; 1 when they do not fit
 * (why says which limit: 32-bit offsets, one allocation, the bindings,
 * VAEVK_RESIDENT_MAX_MB, or a failed allocation), the trainer then
 * unchanged and batches still taken as pixels; -1 on failure. */
int vae_trainer_hold_data(vae_trainer *t, long images, char *why, size_t whylen);
/* Images first .. first+n-1 of those held, (n,64,64,3) uint8. */
int vae_trainer_upload_data(vae_trainer *t, long first, long n, const uint8_t *images);
/* vae_trainer_submit for a trainer holding its data: the batch named by
 * indices (batch of them, each below the images held), copied. */
int vae_trainer_submit_indices(vae_trainer *t, const uint32_t *indices, long step, float beta);
void vae_trainer_free(vae_trainer *t);

/* The encoder and decoder alone, on the trainer's own arenas (so at most
 * `batch` images at a time). Programs are recorded on first use. */
/* pixels (n,64,64,3) -> mu, log_var (n,L); n <= batch. */
int vae_trainer_encode(vae_trainer *t, const uint8_t *pixels, int n, float *mu, float *log_var);
/* z (n,L) -> xhat (n,3,64,64) in [-1,1]; n <= batch. */
int vae_trainer_decode(vae_trainer *t, const float *z, int n, float *xhat);

/* The EPS-stream step validation draws its noise from: fixed, so the same
 * model always scores the same on the same images; far past any training
 * step, so it shares no noise with training. */
#define VAE_EVAL_EPS_STEP 0xffffffffu

/* Validation loss terms of pixels (n_valid,64,64,3), n_valid <= batch (the
 * batch is padded, the padding ignored): forward pass and loss only, no flips,
 * eps from VAE_EVAL_EPS_STEP. out gets the means over the n_valid images of
 * recon and kl, and loss = recon + beta * kl. */
int vae_trainer_evaluate(vae_trainer *t, const uint8_t *pixels, int n_valid, float beta,
                         vae_step_out *out);

#endif
