/* The model: its configuration, the one table of parameters, and where every
 * tensor of a training step lives. Everything else (backends, checkpoints,
 * commands) takes sizes and offsets from here. */
#ifndef VAEVK_MODEL_H
#define VAEVK_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/tensor.h"

#define VAE_IMAGE_SIZE 64   /* images are VAE_IMAGE_SIZE² RGB */
#define VAE_IMAGE_CHANNELS 3
#define VAE_LEVELS 4        /* stride-2 convolutions: 64 -> 4 */
#define VAE_BOTTOM 4        /* spatial size after the encoder */
#define VAE_LEAKY_SLOPE 0.2f
/* Training steps in flight at once: each has its own pixels and step
 * scalars, so the host fills one while the device runs the other. */
#define VAE_IO_SLOTS 2

typedef struct {
    int channels[VAE_LEVELS]; /* encoder widths; the decoder mirrors them */
    int latent;
} vae_config;

void vae_config_default(vae_config *cfg);
/* 0 if usable, else -1 with one line in err. */
int vae_config_check(const vae_config *cfg, char *err, size_t errlen);
/* "32,64,128,256" <-> channels. Parse returns 0 or -1. */
int vae_channels_parse(const char *text, int channels[VAE_LEVELS]);
void vae_channels_format(const int channels[VAE_LEVELS], char *out, size_t outlen);
/* Flattened encoder output, channels[3]·4·4. */
int vae_flat_size(const vae_config *cfg);

/* Parameters in PyTorch's state_dict order. */
enum {
    VAE_P_ENCODER = 0,                       /* encoder.l.weight = 2l, .bias = 2l+1 */
    VAE_P_FC_MU_W = 2 * VAE_LEVELS,
    VAE_P_FC_MU_B,
    VAE_P_FC_LOG_VAR_W,
    VAE_P_FC_LOG_VAR_B,
    VAE_P_DECODER_INPUT_W,
    VAE_P_DECODER_INPUT_B,
    VAE_P_DECODER,                           /* decoder.l.weight = this+2l, .bias +1 */
    VAE_NPARAMS = VAE_P_DECODER + 2 * VAE_LEVELS,
};

typedef struct {
    char name[32];
    int ndim;
    int shape[4];
    uint32_t offset;  /* in floats, from the start of the parameter arena */
    uint32_t count;
    int fan_in;       /* PyTorch's fan_in for default initialisation */
} vae_param;

typedef struct {
    vae_param p[VAE_NPARAMS];
    uint32_t total;   /* floats in the arena, padding included */
    uint32_t count;   /* real parameters */
} vae_param_table;

void vae_param_table_init(vae_param_table *t, const vae_config *cfg);
int vae_param_find(const vae_param_table *t, const char *name); /* index or -1 */

/* PyTorch's default initialisation (kaiming_uniform(a=√5) for weights, which
 * is U(±1/√fan_in), and U(±1/√fan_in) for biases), from the counter-based
 * generator: value j of tensor i is drawn from (seed, INIT, i, j). */
void vae_params_init(float *params, const vae_param_table *t, uint64_t seed);

/* Where every tensor of one batch size lives. Activations and their
 * gradients share the ACTS arena; the names follow the forward pass. */
typedef struct {
    vae_config cfg;
    int batch;
    vae_param_table table;
    uint32_t arena_words[VAE_ARENA_COUNT];

    vae_tensor param[VAE_NPARAMS], grad[VAE_NPARAMS];
    vae_tensor params_all, grads_all, adam_m, adam_v;

    vae_tensor pixels;                /* (B,64,64,3) uint8, 4 per word */
    vae_tensor indices;               /* (B) uint32: the batch's images in the DATA arena */
    vae_tensor step_in, step_out;     /* vae_step_in / vae_step_out */
    /* the same per training slot; slot 0 is pixels, indices, step_in, step_out above */
    vae_tensor slot_pixels[VAE_IO_SLOTS], slot_indices[VAE_IO_SLOTS];
    vae_tensor slot_step_in[VAE_IO_SLOTS], slot_step_out[VAE_IO_SLOTS];
    vae_tensor loss_scaler;           /* vae_loss_scaler: one for all slots, kept across steps */
    vae_tensor x;                     /* (B,3,64,64) */
    vae_tensor enc_pre[VAE_LEVELS];   /* conv + bias, before LeakyReLU */
    vae_tensor enc_act[VAE_LEVELS];   /* after LeakyReLU; enc_act[3] is flattened */
    vae_tensor mu, log_var, eps, z;   /* (B,L) */
    vae_tensor dec_in_pre, dec_in_act;/* (B,C3·16) before / after ReLU */
    vae_tensor dec_pre[VAE_LEVELS];   /* convT + bias */
    vae_tensor dec_act[VAE_LEVELS];   /* ReLU (tanh for the last: the output xhat) */
    vae_tensor sse, kl;               /* (B) per-image loss terms */

    /* gradients of the activations, same shapes */
    vae_tensor d_enc_pre[VAE_LEVELS], d_enc_act[VAE_LEVELS];
    vae_tensor d_mu, d_log_var, d_z, d_dec_in_pre, d_dec_in_act;
    vae_tensor d_dec_pre[VAE_LEVELS], d_dec_act[VAE_LEVELS];
} vae_layout;

void vae_layout_init(vae_layout *lay, const vae_config *cfg, int batch);

/* Images resident in the DATA arena, one after another from word 0 (an
 * image is VAE_IMAGE_WORDS words, a multiple of VAE_ALIGN_WORDS), seen as
 * chunks small enough to bind: chunk c holds images first[c] ..
 * first[c] + count[c] - 1, and the training step gathers from each with one
 * input_gather op. */
#define VAE_IMAGE_WORDS (VAE_IMAGE_SIZE * VAE_IMAGE_SIZE * VAE_IMAGE_CHANNELS / 4)
#define VAE_RESIDENT_MAX_CHUNKS 64
typedef struct {
    long images;      /* 0: nothing resident, batches come as pixels */
    int chunks;
    vae_tensor chunk[VAE_RESIDENT_MAX_CHUNKS];
    uint32_t first[VAE_RESIDENT_MAX_CHUNKS], count[VAE_RESIDENT_MAX_CHUNKS];
} vae_resident;

/* Lays out `images` in chunks of at most max_chunk_bytes (0: no limit but
 * the op's 32-bit byte addressing). -1 with one line in err when they
 * cannot be: more than 32-bit word offsets reach, or more chunks than
 * VAE_RESIDENT_MAX_CHUNKS. */
int vae_resident_layout(vae_resident *r, long images, uint64_t max_chunk_bytes, char *err,
                        size_t errlen);
/* Spatial size of level l's input in the encoder: 64, 32, 16, 8. */
int vae_level_size(int l);

/* Floating-point operations (multiply and add counted separately) of one
 * training step's convolutions and linear layers: forward, and backward to
 * both inputs and weights. Element-wise work is left out (it is small). */
double vae_train_step_flops(const vae_config *cfg, int batch);

#endif
