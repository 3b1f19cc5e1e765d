/* The configuration and the one size table of parameters. */
#include "vaevk/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vaevk/rng.h"

void vae_config_default(vae_config *cfg) {
    static const int widths[VAE_LEVELS] = {32, 64, 128, 256};
    memcpy(cfg->channels, widths, sizeof widths);
    cfg->latent = 128;
}

/* Caps keep every size in 32-bit words with room to spare. */
#define VAE_MAX_CHANNELS 1024
#define VAE_MAX_LATENT 4096

int vae_config_check(const vae_config *cfg, char *err, size_t errlen) {
    for (int l = 0; l < VAE_LEVELS; l++) {
        if (cfg->channels[l] < 1 || cfg->channels[l] > VAE_MAX_CHANNELS) {
            snprintf(err, errlen, "channel width %d is out of range: each must be 1..%d",
                     cfg->channels[l], VAE_MAX_CHANNELS);
            return -1;
        }
    }
    if (cfg->latent < 1 || cfg->latent > VAE_MAX_LATENT) {
        snprintf(err, errlen, "latent size %d is out of range: it must be 1..%d",
                 cfg->latent, VAE_MAX_LATENT);
        return -1;
    }
    return 0;
}

int vae_channels_parse(const char *text, int channels[VAE_LEVELS]) {
    const char *s = text;
    for (int l = 0; l < VAE_LEVELS; l++) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v < 1 || v > VAE_MAX_CHANNELS)
            return -1;
        channels[l] = (int)v;
        if (l < VAE_LEVELS - 1) {
            if (*end != ',')
                return -1;
            s = end + 1;
        } else if (*end != '\0') {
            return -1;
        }
    }
    return 0;
}

void vae_channels_format(const int channels[VAE_LEVELS], char *out, size_t outlen) {
    snprintf(out, outlen, "%d,%d,%d,%d", channels[0], channels[1], channels[2], channels[3]);
}

int vae_flat_size(const vae_config *cfg) {
    return cfg->channels[VAE_LEVELS - 1] * VAE_BOTTOM * VAE_BOTTOM;
}

int vae_level_size(int l) { return VAE_IMAGE_SIZE >> l; }

static uint32_t align_words(uint32_t n) {
    return (n + VAE_ALIGN_WORDS - 1) / VAE_ALIGN_WORDS * VAE_ALIGN_WORDS;
}

static void add_param(vae_param_table *t, int index, const char *name, int ndim,
                      const int *shape, int fan_in) {
    vae_param *p = &t->p[index];
    snprintf(p->name, sizeof p->name, "%s", name);
    p->ndim = ndim;
    p->count = 1;
    for (int i = 0; i < ndim; i++) {
        p->shape[i] = shape[i];
        p->count *= (uint32_t)shape[i];
    }
    p->fan_in = fan_in;
    p->offset = t->total;
    t->total += align_words(p->count);
    t->count += p->count;
}

static void add_pair(vae_param_table *t, int index, const char *prefix, int ndim,
                     const int *wshape, int bias, int fan_in) {
    char name[32];
    snprintf(name, sizeof name, "%s.weight", prefix);
    add_param(t, index, name, ndim, wshape, fan_in);
    snprintf(name, sizeof name, "%s.bias", prefix);
    add_param(t, index + 1, name, 1, &bias, fan_in);
}

void vae_param_table_init(vae_param_table *t, const vae_config *cfg) {
    memset(t, 0, sizeof *t);
    const int *ch = cfg->channels, k = 4;
    char prefix[24];
    for (int l = 0; l < VAE_LEVELS; l++) {
        int cin = l == 0 ? VAE_IMAGE_CHANNELS : ch[l - 1], cout = ch[l];
        int shape[4] = {cout, cin, k, k};
        snprintf(prefix, sizeof prefix, "encoder.%d", l);
        add_pair(t, VAE_P_ENCODER + 2 * l, prefix, 4, shape, cout, cin * k * k);
    }
    int flat = vae_flat_size(cfg), L = cfg->latent;
    int head[2] = {L, flat}, dec_in[2] = {flat, L};
    add_pair(t, VAE_P_FC_MU_W, "fc_mu", 2, head, L, flat);
    add_pair(t, VAE_P_FC_LOG_VAR_W, "fc_log_var", 2, head, L, flat);
    add_pair(t, VAE_P_DECODER_INPUT_W, "decoder_input", 2, dec_in, flat, L);
    for (int l = 0; l < VAE_LEVELS; l++) {
        int cin = ch[VAE_LEVELS - 1 - l];
        int cout = l == VAE_LEVELS - 1 ? VAE_IMAGE_CHANNELS : ch[VAE_LEVELS - 2 - l];
        int shape[4] = {cin, cout, k, k};
        snprintf(prefix, sizeof prefix, "decoder.%d", l);
        /* PyTorch takes a transposed conv's fan_in from weight dim 1 (Cout). */
        add_pair(t, VAE_P_DECODER + 2 * l, prefix, 4, shape, cout, cout * k * k);
    }
}

int vae_param_find(const vae_param_table *t, const char *name) {
    for (int i = 0; i < VAE_NPARAMS; i++)
        if (strcmp(t->p[i].name, name) == 0)
            return i;
    return -1;
}

void vae_params_init(float *params, const vae_param_table *t, uint64_t seed) {
    memset(params, 0, (size_t)t->total * sizeof *params);
    for (int i = 0; i < VAE_NPARAMS; i++) {
        const vae_param *p = &t->p[i];
        float bound = (float)(1.0 / sqrt((double)p->fan_in));
        for (uint32_t j = 0; j < p->count; j++) {
            float u = vae_rng_uniform(seed, VAE_STREAM_INIT, (uint32_t)i, j);
            params[p->offset + j] = bound * (2.0f * u - 1.0f);
        }
    }
}

double vae_train_step_flops(const vae_config *cfg, int batch) {
    double macs = 0; /* forward multiply-adds per image */
    for (int l = 0; l < VAE_LEVELS; l++) {
        int cin = l == 0 ? VAE_IMAGE_CHANNELS : cfg->channels[l - 1];
        int out = vae_level_size(l) / 2;
        /* the conv and its mirror transposed conv in the decoder */
        macs += 2.0 * cin * cfg->channels[l] * 16.0 * out * out;
    }
    macs += 3.0 * (double)vae_flat_size(cfg) * cfg->latent; /* two heads and decoder_input */
    /* backward to inputs and to weights each cost about one forward */
    return 3.0 * 2.0 * macs * batch;
}
