/* Loading a checkpoint onto a backend, for the commands that draw faces. */
#ifndef VAEVK_CLI_MODEL_LOAD_H
#define VAEVK_CLI_MODEL_LOAD_H

#include "cli/device.h"
#include "vaevk/checkpoint.h"
#include "vaevk/train.h"

typedef struct {
    vae_checkpoint ck;
    vae_backend *be;
    vae_trainer trainer;
    vae_precision precision;
} loaded_model;

/* Reads the checkpoint, opens the device and uploads the parameters, with
 * room for `batch` images at a time. 0, or -1 after printing one line. */
int model_load(loaded_model *m, const char *cmd, const char *checkpoint, const cli_device *device,
               int batch, int quiet);
void model_unload(loaded_model *m);

#endif
