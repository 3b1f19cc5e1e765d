/* A tensor is a range of 32-bit words in one of a backend's arenas. The same
 * offsets are used by every backend; only what an arena is differs (malloc'd
 * memory on the CPU, a sub-range of a VkBuffer on a GPU). */
#ifndef VAEVK_TENSOR_H
#define VAEVK_TENSOR_H

#include <stdint.h>

typedef enum {
    VAE_ARENA_PARAMS,
    VAE_ARENA_GRADS,
    VAE_ARENA_ADAM_M,
    VAE_ARENA_ADAM_V,
    VAE_ARENA_ACTS,
    VAE_ARENA_IO,      /* per-step inputs and outputs the host touches */
    VAE_ARENA_DATA,    /* training images resident on the device, uint8 NHWC */
    VAE_ARENA_COUNT
} vae_arena;

/* Arenas of raw 32-bit words (pixels, indices, step fields), never floats:
 * a double-precision reference keeps these as words. */
static inline int vae_arena_holds_words(uint32_t arena) {
    return arena == VAE_ARENA_IO || arena == VAE_ARENA_DATA;
}

/* Every tensor starts on a 256-byte boundary: the largest
 * minStorageBufferOffsetAlignment Vulkan allows, so any device can bind it. */
#define VAE_ALIGN_WORDS 64u

typedef struct {
    uint32_t arena;
    uint32_t offset; /* words */
    uint32_t count;  /* words */
} vae_tensor;

/* Per-step values the host writes before a step (the IO arena). */
typedef struct {
    uint32_t step;          /* training step, the random generator's counter */
    uint32_t seed_lo, seed_hi;
    uint32_t flip;          /* nonzero: mirror images chosen by the FLIP stream */
    float beta;             /* KL weight for this step */
    float adam_step_size;   /* lr / (1 - b1^t) */
    float adam_inv_sqrt_bc2;/* 1 / sqrt(1 - b2^t) */
    float reserved;
} vae_step_in;

/* What a step writes back: the batch's loss terms, and where the loss
 * scale stood after it (mixed precision; 1 and 0 in fp32). */
typedef struct {
    float loss, recon, kl;
    float loss_scale;       /* S after this step */
    uint32_t skipped;       /* steps skipped for inf/NaN gradients so far */
    uint32_t reserved[3];
} vae_step_out;

/* Dynamic loss scaling (mixed precision), kept on the device from step to
 * step in the IO arena: the backward pass starts from S times the loss's
 * gradient, so small gradients survive binary16 operands; Adam divides by
 * S, and a step whose gradients hold an inf or NaN changes nothing but S
 * (halved). After VAE_LOSS_SCALE_INTERVAL clean steps S doubles. fp32
 * programs read S = 1 and never update it. */
typedef struct {
    float scale;            /* S, a power of two */
    uint32_t clean;         /* clean steps since S last changed */
    uint32_t skipped;       /* steps skipped, in all */
    uint32_t found;         /* this step's gradients hold an inf or NaN */
} vae_loss_scaler;

/* PyTorch's GradScaler defaults; S is kept within [2^-24, 2^24]. */
#define VAE_LOSS_SCALE_INITIAL 65536.0f
#define VAE_LOSS_SCALE_INTERVAL 2000
#define VAE_LOSS_SCALE_MIN 0x1p-24f
#define VAE_LOSS_SCALE_MAX 0x1p24f

#define VAE_STEP_IN_WORDS (sizeof(vae_step_in) / 4)
#define VAE_STEP_OUT_WORDS (sizeof(vae_step_out) / 4)
#define VAE_LOSS_SCALER_WORDS (sizeof(vae_loss_scaler) / 4)

#endif
