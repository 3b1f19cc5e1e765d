/* Where every tensor of a training step lives: the parameter table gives the
 * parameter, gradient and Adam arenas; this file lays out the activations. */
#include "vaevk/model.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    uint32_t next[VAE_ARENA_COUNT];
} arena_cursor;

static vae_tensor take(arena_cursor *c, vae_arena arena, uint32_t words) {
    vae_tensor t = {arena, c->next[arena], words};
    c->next[arena] += (words + VAE_ALIGN_WORDS - 1) / VAE_ALIGN_WORDS * VAE_ALIGN_WORDS;
    return t;
}

static vae_tensor act(arena_cursor *c, uint32_t words) { return take(c, VAE_ARENA_ACTS, words); }

void vae_layout_init(vae_layout *lay, const vae_config *cfg, int batch) {
    memset(lay, 0, sizeof *lay);
    lay->cfg = *cfg;
    lay->batch = batch;
    vae_param_table_init(&lay->table, cfg);

    const uint32_t B = (uint32_t)batch, L = (uint32_t)cfg->latent;
    const uint32_t flat = (uint32_t)vae_flat_size(cfg), S = VAE_IMAGE_SIZE;
    const vae_arena param_arenas[4] = {VAE_ARENA_PARAMS, VAE_ARENA_GRADS, VAE_ARENA_ADAM_M,
                                       VAE_ARENA_ADAM_V};
    vae_tensor *alls[4] = {&lay->params_all, &lay->grads_all, &lay->adam_m, &lay->adam_v};
    for (int a = 0; a < 4; a++) {
        *alls[a] = (vae_tensor){param_arenas[a], 0, lay->table.total};
        lay->arena_words[param_arenas[a]] = lay->table.total;
    }
    for (int i = 0; i < VAE_NPARAMS; i++) {
        const vae_param *p = &lay->table.p[i];
        lay->param[i] = (vae_tensor){VAE_ARENA_PARAMS, p->offset, p->count};
        lay->grad[i] = (vae_tensor){VAE_ARENA_GRADS, p->offset, p->count};
    }

    arena_cursor c = {{0}};
    for (int s = 0; s < VAE_IO_SLOTS; s++) {
        lay->slot_step_in[s] = take(&c, VAE_ARENA_IO, VAE_STEP_IN_WORDS);
        lay->slot_step_out[s] = take(&c, VAE_ARENA_IO, VAE_STEP_OUT_WORDS);
        lay->slot_pixels[s] = take(&c, VAE_ARENA_IO, B * S * S * VAE_IMAGE_CHANNELS / 4);
        lay->slot_indices[s] = take(&c, VAE_ARENA_IO, B);
    }
    lay->loss_scaler = take(&c, VAE_ARENA_IO, VAE_LOSS_SCALER_WORDS);
    lay->step_in = lay->slot_step_in[0];
    lay->step_out = lay->slot_step_out[0];
    lay->pixels = lay->slot_pixels[0];
    lay->indices = lay->slot_indices[0];

    lay->x = act(&c, B * VAE_IMAGE_CHANNELS * S * S);
    for (int l = 0; l < VAE_LEVELS; l++) {
        uint32_t n = B * (uint32_t)cfg->channels[l] * (S >> (l + 1)) * (S >> (l + 1));
        lay->enc_pre[l] = act(&c, n);
        lay->enc_act[l] = act(&c, n);
        lay->d_enc_pre[l] = act(&c, n);
        lay->d_enc_act[l] = act(&c, n);
    }
    lay->mu = act(&c, B * L);
    lay->log_var = act(&c, B * L);
    lay->eps = act(&c, B * L);
    lay->z = act(&c, B * L);
    lay->d_mu = act(&c, B * L);
    lay->d_log_var = act(&c, B * L);
    lay->d_z = act(&c, B * L);
    lay->dec_in_pre = act(&c, B * flat);
    lay->dec_in_act = act(&c, B * flat);
    lay->d_dec_in_pre = act(&c, B * flat);
    lay->d_dec_in_act = act(&c, B * flat);
    for (int l = 0; l < VAE_LEVELS; l++) {
        uint32_t cout = l == VAE_LEVELS - 1 ? VAE_IMAGE_CHANNELS
                                            : (uint32_t)cfg->channels[VAE_LEVELS - 2 - l];
        uint32_t side = VAE_BOTTOM << (l + 1);
        uint32_t n = B * cout * side * side;
        lay->dec_pre[l] = act(&c, n);
        lay->dec_act[l] = act(&c, n);
        lay->d_dec_pre[l] = act(&c, n);
        lay->d_dec_act[l] = act(&c, n);
    }
    lay->sse = act(&c, B);
    lay->kl = act(&c, B);
    lay->arena_words[VAE_ARENA_ACTS] = c.next[VAE_ARENA_ACTS];
    lay->arena_words[VAE_ARENA_IO] = c.next[VAE_ARENA_IO];
}

int vae_resident_layout(vae_resident *r, long images, uint64_t max_chunk_bytes, char *err,
                        size_t errlen) {
    const uint64_t image_bytes = (uint64_t)VAE_IMAGE_WORDS * 4;
    memset(r, 0, sizeof *r);
    if (images < 1 || (uint64_t)images * VAE_IMAGE_WORDS > UINT32_MAX) {
        snprintf(err, errlen, "%ld images are past the DATA arena's 32-bit word offsets (%u images)",
                 images, (unsigned)(UINT32_MAX / VAE_IMAGE_WORDS));
        return -1;
    }
    /* input_gather addresses its images by byte in 32 bits */
    uint64_t limit = max_chunk_bytes && max_chunk_bytes < UINT32_MAX ? max_chunk_bytes : UINT32_MAX;
    long per_chunk = (long)(limit / image_bytes);
    if (per_chunk < 1 || (images + per_chunk - 1) / per_chunk > VAE_RESIDENT_MAX_CHUNKS) {
        snprintf(err, errlen, "%ld images need more than %d bindings of %llu MiB", images,
                 VAE_RESIDENT_MAX_CHUNKS, (unsigned long long)(limit >> 20));
        return -1;
    }
    r->images = images;
    for (long first = 0; first < images; first += per_chunk) {
        long n = images - first < per_chunk ? images - first : per_chunk;
        r->first[r->chunks] = (uint32_t)first;
        r->count[r->chunks] = (uint32_t)n;
        r->chunk[r->chunks] = (vae_tensor){VAE_ARENA_DATA, (uint32_t)first * VAE_IMAGE_WORDS,
                                           (uint32_t)n * VAE_IMAGE_WORDS};
        r->chunks++;
    }
    return 0;
}
