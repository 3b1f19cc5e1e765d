#include "cli/model_load.h"

#include <stdio.h>
#include <string.h>

#include "cli/device.h"

int model_load(loaded_model *m, const char *cmd, const char *checkpoint, const cli_device *device,
               int batch, int quiet) {
    char err[600];
    memset(m, 0, sizeof *m);
    if (!checkpoint) {
        fprintf(stderr, "vae-vk %s: --checkpoint is required (a checkpoint file or a run directory)\n", cmd);
        return -1;
    }
    if (vae_checkpoint_load(checkpoint, &m->ck, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk %s: %s\n", cmd, err);
        return -1;
    }
    if (!(m->be = cli_open_backend(cmd, device, quiet)))
        return -1;
    const vae_train_options *o = &m->ck.options;
    if (vae_trainer_init(&m->trainer, m->be, &o->model, batch, o->seed, o->lr, 0, VAE_PRECISION_FP32) != 0 ||
        vae_trainer_set_state(&m->trainer, m->ck.params, NULL, NULL) != 0) {
        fprintf(stderr, "vae-vk %s: %s\n", cmd, m->be->error);
        return -1;
    }
    return 0;
}

void model_unload(loaded_model *m) {
    vae_trainer_free(&m->trainer);
    if (m->be)
        m->be->vt->destroy(m->be);
    vae_checkpoint_free(&m->ck);
    memset(m, 0, sizeof *m);
}
