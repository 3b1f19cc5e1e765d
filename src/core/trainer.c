/* One training step on a backend: the recorded program replayed with new
 * pixels and per-step scalars. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/graph.h"
#include "vaevk/ops.h"
#include "vaevk/train.h"

void vae_train_options_default(vae_train_options *o) {
    memset(o, 0, sizeof *o);
    vae_config_default(&o->model);
    o->batch = 64;
    o->epochs = 10;
    o->lr = 1e-3f;
    o->beta_max = 1.0f;
    o->anneal_epochs = 3.0f;
    o->seed = 1;
    o->flip = 1;
    snprintf(o->data, sizeof o->data, "synthetic");
    o->synthetic_count = 20000;
    o->crop = -1; /* VAE_CROP_AUTO */
    o->val_fraction = 0.05f;
    o->checkpoint_every = 500;
}

float vae_beta_at(const vae_train_options *o, long step, long steps_per_epoch) {
    double ramp = (double)o->anneal_epochs * (double)steps_per_epoch;
    if (ramp <= 0 || step >= ramp)
        return o->beta_max;
    return (float)((double)o->beta_max * (double)step / ramp);
}

/* The first limit of the backend that a layout of `batch` breaks, as a
 * phrase ("a 160 MiB activation tensor, over the device's 128 MiB
 * maxStorageBufferRange"), or NULL when it fits. */
static const char *over_limit(const vae_backend *be, const vae_config *cfg, int batch,
                              char *why, size_t whylen) {
    static const char *arena_names[VAE_ARENA_COUNT] = {"parameter", "gradient", "Adam m",
                                                       "Adam v", "activation", "input", "dataset"};
    vae_layout lay;
    vae_layout_init(&lay, cfg, batch);
    for (int a = 0; a < VAE_ARENA_COUNT; a++) {
        uint64_t bytes = (uint64_t)lay.arena_words[a] * 4;
        if (be->max_arena_bytes && bytes > be->max_arena_bytes) {
            snprintf(why, whylen, "a %llu MiB %s arena, over this device's %llu MiB "
                     "maxMemoryAllocationSize", (unsigned long long)(bytes >> 20), arena_names[a],
                     (unsigned long long)(be->max_arena_bytes >> 20));
            return why;
        }
    }
    /* the largest activation: the first encoder level's, or the image */
    uint64_t largest = 0;
    for (int l = 0; l < VAE_LEVELS; l++) {
        if (lay.enc_pre[l].count > largest) largest = lay.enc_pre[l].count;
        if (lay.dec_pre[l].count > largest) largest = lay.dec_pre[l].count;
    }
    if (lay.x.count > largest) largest = lay.x.count;
    if (be->max_tensor_bytes && largest * 4 > be->max_tensor_bytes) {
        snprintf(why, whylen, "a %llu MiB activation tensor, over this device's %llu MiB "
                 "maxStorageBufferRange", (unsigned long long)((largest * 4) >> 20),
                 (unsigned long long)(be->max_tensor_bytes >> 20));
        return why;
    }
    return NULL;
}

/* Refuses a batch the device cannot hold, naming the limit and the largest
 * batch that fits. */
static int check_batch_fits(vae_backend *be, const vae_config *cfg, int batch) {
    char why[256];
    if (!over_limit(be, cfg, batch, why, sizeof why))
        return 0;
    int lo = 0, hi = batch; /* lo fits (0 trivially), hi does not */
    while (hi - lo > 1) {
        int mid = lo + (hi - lo) / 2;
        char ignored[256];
        if (over_limit(be, cfg, mid, ignored, sizeof ignored))
            hi = mid;
        else
            lo = mid;
    }
    if (lo >= 1)
        snprintf(be->error, sizeof be->error, "batch %d needs %s: --batch %d fits", batch, why, lo);
    else
        snprintf(be->error, sizeof be->error, "even batch 1 needs %s: use smaller --channels", why);
    return -1;
}

/* The arenas in these sizes, zero-filled, and the loss scaler at its
 * start (1 in fp32, VAE_LOSS_SCALE_INITIAL in mixed precision). */
static int make_arenas(vae_trainer *t, const uint32_t words[VAE_ARENA_COUNT]) {
    vae_loss_scaler scaler = {.scale = t->precision == VAE_PRECISION_MIXED ? VAE_LOSS_SCALE_INITIAL : 1.0f};
    if (t->be->vt->alloc_arenas(t->be, words) != 0)
        return -1;
    return vae_trainer_set_loss_scaler(t, &scaler);
}

/* The training step, recorded once per IO slot: from the slot's pixels,
 * or gathered by the slot's indices when the trainer holds its data. */
static int record_steps(vae_trainer *t) {
    vae_backend *be = t->be;
    vae_step_options opts = {.from_pixels = 1, .eps_from_rng = 1, .adam = 1, .precision = t->precision,
                             .gather = t->resident.images ? &t->resident : NULL};
    for (int s = 0; s < VAE_IO_SLOTS; s++) {
        vae_layout slot = t->lay; /* the same tensors but this slot's IO */
        slot.pixels = t->lay.slot_pixels[s];
        slot.indices = t->lay.slot_indices[s];
        slot.step_in = t->lay.slot_step_in[s];
        slot.step_out = t->lay.slot_step_out[s];
        vae_program prog = {0};
        if (vae_build_train_step(&prog, &slot, &opts) != 0) {
            vae_program_free(&prog);
            snprintf(be->error, sizeof be->error, "out of memory building the training step");
            return -1;
        }
        int status = be->vt->record(be, &prog, &t->step[s]);
        vae_program_free(&prog);
        if (status != 0)
            return -1;
    }
    return 0;
}

int vae_trainer_init(vae_trainer *t, vae_backend *be, const vae_config *cfg, int batch,
                     uint64_t seed, float lr, int flip, vae_precision precision) {
    memset(t, 0, sizeof *t);
    t->be = be;
    t->seed = seed;
    t->lr = lr;
    t->flip = flip;
    t->precision = precision;
    vae_layout_init(&t->lay, cfg, batch);
    if (check_batch_fits(be, cfg, batch) != 0 || make_arenas(t, t->lay.arena_words) != 0)
        return -1;
    return record_steps(t);
}

int vae_trainer_set_state(vae_trainer *t, const float *params, const float *m, const float *v) {
    const vae_layout *l = &t->lay;
    float *zeros = NULL;
    if (!m || !v) {
        zeros = calloc(l->table.total, sizeof *zeros);
        if (!zeros) {
            snprintf(t->be->error, sizeof t->be->error, "out of memory");
            return -1;
        }
    }
    int status = t->be->vt->write(t->be, l->params_all, params) ||
                 t->be->vt->write(t->be, l->adam_m, m ? m : zeros) ||
                 t->be->vt->write(t->be, l->adam_v, v ? v : zeros);
    free(zeros);
    return status ? -1 : 0;
}

int vae_trainer_get_state(vae_trainer *t, float *params, float *m, float *v) {
    const vae_layout *l = &t->lay;
    if (params && t->be->vt->read(t->be, l->params_all, params) != 0)
        return -1;
    if (m && t->be->vt->read(t->be, l->adam_m, m) != 0)
        return -1;
    if (v && t->be->vt->read(t->be, l->adam_v, v) != 0)
        return -1;
    return 0;
}

int vae_trainer_set_loss_scaler(vae_trainer *t, const vae_loss_scaler *s) {
    vae_backend *be = t->be;
    float scale = s->scale;
    int power_of_two = scale > 0 && frexpf(scale, &(int){0}) == 0.5f;
    if (t->precision == VAE_PRECISION_FP32 ? scale != 1.0f || s->clean
                                           : !power_of_two || scale < VAE_LOSS_SCALE_MIN || scale > VAE_LOSS_SCALE_MAX) {
        snprintf(be->error, sizeof be->error, "loss scale %g is not %s", (double)scale,
                 t->precision == VAE_PRECISION_FP32 ? "1, as fp32 runs keep it"
                                                    : "a power of two in [2^-24, 2^24]");
        return -1;
    }
    vae_loss_scaler w = *s;
    w.found = 0;
    return be->vt->write(be, t->lay.loss_scaler, &w);
}

int vae_trainer_get_loss_scaler(vae_trainer *t, vae_loss_scaler *s) {
    return t->be->vt->read(t->be, t->lay.loss_scaler, s);
}

/* The next free slot, with this step's scalars written to it; -1 when
 * every slot is in flight. */
static int begin_step(vae_trainer *t, long step, float beta, int *slot_out) {
    vae_backend *be = t->be;
    if (t->in_flight == VAE_IO_SLOTS) {
        snprintf(be->error, sizeof be->error, "%d steps already in flight: collect one first",
                 VAE_IO_SLOTS);
        return -1;
    }
    int slot = (t->oldest + t->in_flight) % VAE_IO_SLOTS;
    vae_step_in in = {0};
    in.step = (uint32_t)step;
    in.seed_lo = (uint32_t)t->seed;
    in.seed_hi = (uint32_t)(t->seed >> 32);
    in.flip = (uint32_t)t->flip;
    in.beta = beta;
    adam_step_scalars(t->lr, VAE_ADAM_BETA1, VAE_ADAM_BETA2, step + 1, &in.adam_step_size,
                      &in.adam_inv_sqrt_bc2);
    *slot_out = slot;
    return be->vt->write(be, t->lay.slot_step_in[slot], &in);
}

static int launch(vae_trainer *t, int slot) {
    if (t->be->vt->submit(t->be, t->step[slot]) != 0)
        return -1;
    t->in_flight++;
    return 0;
}

int vae_trainer_submit(vae_trainer *t, const uint8_t *pixels, long step, float beta) {
    vae_backend *be = t->be;
    int slot;
    if (t->resident.images) {
        snprintf(be->error, sizeof be->error, "the trainer holds its data: submit indices, not pixels");
        return -1;
    }
    if (begin_step(t, step, beta, &slot) != 0 || be->vt->write(be, t->lay.slot_pixels[slot], pixels) != 0)
        return -1;
    return launch(t, slot);
}

int vae_trainer_submit_indices(vae_trainer *t, const uint32_t *indices, long step, float beta) {
    vae_backend *be = t->be;
    int slot;
    if (!t->resident.images) {
        snprintf(be->error, sizeof be->error, "the trainer holds no data to index: submit pixels");
        return -1;
    }
    for (int b = 0; b < t->lay.batch; b++)
        if (indices[b] >= (uint64_t)t->resident.images) {
            snprintf(be->error, sizeof be->error, "image %u of a batch is past the %ld held", indices[b],
                     t->resident.images);
            return -1;
        }
    if (begin_step(t, step, beta, &slot) != 0 || be->vt->write(be, t->lay.slot_indices[slot], indices) != 0)
        return -1;
    return launch(t, slot);
}

/* Over the cap VAEVK_RESIDENT_MAX_MB sets, if it is set: a phrase in why. */
static int over_cap(uint64_t bytes, char *why, size_t whylen) {
    const char *cap = getenv("VAEVK_RESIDENT_MAX_MB");
    if (!cap || !*cap)
        return 0;
    char *end;
    double mib = strtod(cap, &end);
    if (*end || !(mib >= 0)) {
        snprintf(why, whylen, "VAEVK_RESIDENT_MAX_MB=%.40s is not a number of MiB", cap);
        return 1;
    }
    if ((double)bytes <= mib * 1048576.0)
        return 0;
    snprintf(why, whylen, "%.1f MiB, over VAEVK_RESIDENT_MAX_MB=%.40s", (double)bytes / 1048576.0, cap);
    return 1;
}

int vae_trainer_hold_data(vae_trainer *t, long images, char *why, size_t whylen) {
    vae_backend *be = t->be;
    if (t->in_flight > 0 || t->resident.images) {
        snprintf(be->error, sizeof be->error, "hold_data needs a fresh trainer: steps in flight or data held");
        return -1;
    }
    vae_resident r;
    const uint64_t bytes = (uint64_t)(images > 0 ? images : 0) * VAE_IMAGE_WORDS * 4;
    if (over_cap(bytes, why, whylen) || vae_resident_layout(&r, images, be->max_tensor_bytes, why, whylen) != 0)
        return 1;
    if (be->max_arena_bytes && bytes > be->max_arena_bytes) {
        snprintf(why, whylen, "%.1f MiB, over this device's %.1f MiB maxMemoryAllocationSize",
                 (double)bytes / 1048576.0, (double)be->max_arena_bytes / 1048576.0);
        return 1;
    }
    vae_trainer_free(t); /* every recording refers to the arenas about to go */
    uint32_t words[VAE_ARENA_COUNT];
    memcpy(words, t->lay.arena_words, sizeof words);
    words[VAE_ARENA_DATA] = (uint32_t)(bytes / 4);
    if (make_arenas(t, words) == 0) {
        t->resident = r;
        return record_steps(t) == 0 ? 0 : -1;
    }
    snprintf(why, whylen, "%s", be->error); /* too large for the device's memory after all */
    return make_arenas(t, t->lay.arena_words) == 0 && record_steps(t) == 0 ? 1 : -1;
}

int vae_trainer_upload_data(vae_trainer *t, long first, long n, const uint8_t *images) {
    if (first < 0 || n < 1 || first + n > t->resident.images) {
        snprintf(t->be->error, sizeof t->be->error, "images %ld..%ld are not among the %ld held", first,
                 first + n - 1, t->resident.images);
        return -1;
    }
    vae_tensor part = {VAE_ARENA_DATA, (uint32_t)first * VAE_IMAGE_WORDS, (uint32_t)n * VAE_IMAGE_WORDS};
    return t->be->vt->write(t->be, part, images);
}

int vae_trainer_collect(vae_trainer *t, vae_step_out *out) {
    vae_backend *be = t->be;
    if (t->in_flight == 0) {
        snprintf(be->error, sizeof be->error, "no step in flight to collect");
        return -1;
    }
    int slot = t->oldest;
    t->oldest = (t->oldest + 1) % VAE_IO_SLOTS;
    t->in_flight--;
    if (be->vt->wait(be, t->step[slot]) != 0)
        return -1;
    return be->vt->read(be, t->lay.slot_step_out[slot], out);
}

int vae_trainer_step(vae_trainer *t, const uint8_t *pixels, long step, float beta,
                     vae_step_out *out) {
    if (vae_trainer_submit(t, pixels, step, beta) != 0)
        return -1;
    return vae_trainer_collect(t, out);
}

static void free_recording(vae_trainer *t, vae_recording **rec) {
    if (*rec)
        t->be->vt->free_recording(t->be, *rec);
    *rec = NULL;
}

void vae_trainer_free(vae_trainer *t) {
    vae_step_out ignored;
    while (t->in_flight > 0 && vae_trainer_collect(t, &ignored) == 0)
        ;
    for (int s = 0; s < VAE_IO_SLOTS; s++)
        free_recording(t, &t->step[s]);
    free_recording(t, &t->encode);
    free_recording(t, &t->decode);
    free_recording(t, &t->eval);
}
