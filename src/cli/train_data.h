/* The data side of `train`: the dataset, its validation split, the batch
 * loader thread and the validation log (RUN_DIR/val.csv). */
#ifndef VAEVK_CLI_TRAIN_DATA_H
#define VAEVK_CLI_TRAIN_DATA_H

#include <stdio.h>

#include "vaevk/dataset.h"
#include "vaevk/train.h"

#define RUN_VAL_LOG "val.csv"
#define RUN_VAL_LOG_HEADER "epoch,step,loss,recon,kl,images"

typedef struct {
    vae_dataset *ds;
    vae_split split;
    vae_loader *loader;
    FILE *val_log;
    uint8_t *val_pixels; /* (batch, 64, 64, 3) */
} train_data;

/* Opens o->data (a folder's cache may go in run_dir) and splits it.
 * 0, or -1 after printing one line. */
int train_data_open(train_data *d, const vae_train_options *o, const char *run_dir, int quiet);
/* Starts the loader at first_step and opens val.csv, dropping rows past
 * first_step (left by a run that crashed after its last checkpoint). */
int train_data_start(train_data *d, const vae_train_options *o, const char *run_dir,
                     long first_step);
/* The next step's batch; NULL after printing why. */
const uint8_t *train_data_next(train_data *d);
/* Scores the validation set and appends a row to val.csv (nothing when
 * there is no validation set). 0, or -1 after printing one line. */
int train_data_validate(train_data *d, vae_trainer *t, long step, long steps_per_epoch,
                        float beta, int quiet);
/* Seconds training waited for the loader so far. */
double train_data_wait_seconds(const train_data *d);
/* Stops the loader and closes everything. */
void train_data_close(train_data *d);

#endif
