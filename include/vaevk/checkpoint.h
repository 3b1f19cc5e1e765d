/* Checkpoints: safetensors files PyTorch can load. Model parameters under
 * their state_dict names (F32); Adam's moments as adam_m.<name> and
 * adam_v.<name>; options and progress in __metadata__. Saved to a temporary
 * file, flushed and renamed, so a crash never leaves a broken checkpoint. */
#ifndef VAEVK_CHECKPOINT_H
#define VAEVK_CHECKPOINT_H

#include <stddef.h>

#include "vaevk/model.h"
#include "vaevk/train.h"

#define VAE_CHECKPOINT_FORMAT "vae-vk-checkpoint-1"

typedef struct {
    vae_train_options options;  /* options.model is the architecture */
    vae_train_progress progress;
    vae_param_table table;      /* from options.model */
    float *params;              /* table.total floats each, padding zero */
    float *adam_m, *adam_v;     /* NULL when the file holds no moments */
} vae_checkpoint;

/* Writes params (and moments unless NULL) atomically. 0 or -1 + err. */
int vae_checkpoint_save(const char *path, const vae_train_options *o,
                        const vae_train_progress *progress, const vae_param_table *table,
                        const float *params, const float *adam_m, const float *adam_v,
                        char *err, size_t errlen);
/* Reads and validates a checkpoint (format, metadata, every parameter's
 * name, dtype and shape against the architecture in its metadata). A
 * directory means DIR/checkpoint.safetensors. 0 or -1 + err. */
int vae_checkpoint_load(const char *path, vae_checkpoint *ck, char *err, size_t errlen);
void vae_checkpoint_free(vae_checkpoint *ck);

#endif
