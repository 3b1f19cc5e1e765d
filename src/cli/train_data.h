/* The data side of `train`: the dataset, its validation split, where the
 * batches come from (the training images held on the device, gathered by
 * index there; else the loader thread streaming them from the host) and the
 * validation log (RUN_DIR/val.csv). */
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
    int resident;          /* the training images are on the trainer's device */
    vae_batch_order order; /* then each step's images by position there */
    uint32_t *indices;     /* (batch) */
    vae_loader *loader;    /* else the batches streamed from the host */
    char placement[400];   /* which of the two, and why, for train's plan */
    double upload_seconds;
    FILE *val_log;
    uint8_t *val_pixels; /* (batch, 64, 64, 3) */
} train_data;

/* Opens o->data (a folder's cache may go in run_dir) and splits it.
 * 0, or -1 after printing one line. */
int train_data_open(train_data *d, const vae_train_options *o, const char *run_dir, int quiet);
/* Puts the training images on t's device when they fit there (read on
 * every core, uploaded in pieces), with a progress line unless quiet; when
 * they do not, batches will stream. Before vae_trainer_set_state: it makes
 * the trainer's arenas anew. 0, or -1 after printing one line. */
int train_data_hold(train_data *d, vae_trainer *t, int quiet);
/* Starts the batches at first_step (the loader, when they stream) and
 * opens val.csv, dropping rows past first_step (left by a run that crashed
 * after its last checkpoint). */
int train_data_start(train_data *d, const vae_train_options *o, const char *run_dir,
                     long first_step);
/* Submits step `step` on t with its batch: by index when the images are
 * held, else the loader's next batch. 0, or -1 after printing why. */
int train_data_submit(train_data *d, vae_trainer *t, long step, float beta);
/* Scores the validation set and appends a row to val.csv (nothing when
 * there is no validation set). 0, or -1 after printing one line. */
int train_data_validate(train_data *d, vae_trainer *t, long step, long steps_per_epoch,
                        float beta, int quiet);
/* Seconds training waited for data so far: for the loader, or for the
 * upload of the images held. */
double train_data_wait_seconds(const train_data *d);
/* Stops the loader and closes everything. */
void train_data_close(train_data *d);

#endif
