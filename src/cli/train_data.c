/* See train_data.h. */
#include "cli/train_data.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/data_open.h"
#include "cli/progress.h"
#include "cli/run_dir.h"
#include "io/file_write.h"

/* Images read and uploaded at a time (12 MiB) when they go on the device. */
#define UPLOAD_PIECE 1024

int train_data_open(train_data *d, const vae_train_options *o, const char *run_dir, int quiet) {
    char err[600];
    memset(d, 0, sizeof *d);
    if (!(d->ds = cli_open_data("train", o->data, o->crop, run_dir, o->synthetic_count, o->seed, quiet)))
        return -1;
    if (vae_split_make(&d->split, d->ds, o->val_fraction, o->seed, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", err);
        return -1;
    }
    if (d->split.ntrain < o->batch) {
        fprintf(stderr, "vae-vk train: %s leaves %ld training images, fewer than one batch of "
                        "%d: use a smaller --batch or --val-fraction\n", d->ds->description,
                d->split.ntrain, o->batch);
        return -1;
    }
    if (!(d->val_pixels = malloc((size_t)o->batch * VAE_DATA_IMAGE_BYTES))) {
        fprintf(stderr, "vae-vk train: out of memory for the validation batch\n");
        return -1;
    }
    return 0;
}

/* The training images, in split order, into the trainer's DATA arena. */
static int upload(train_data *d, vae_trainer *t, int quiet) {
    const long n = d->split.ntrain;
    const int threads = vae_dataset_read_threads(d->ds);
    uint8_t *piece = malloc((size_t)UPLOAD_PIECE * VAE_DATA_IMAGE_BYTES);
    if (!piece) {
        fprintf(stderr, "vae-vk train: out of memory for the images on their way to the device\n");
        return -1;
    }
    progress pg;
    progress_init(&pg, quiet);
    int status = 0;
    for (long first = 0; status == 0 && first < n; first += UPLOAD_PIECE) {
        long k = n - first < UPLOAD_PIECE ? n - first : UPLOAD_PIECE;
        if (vae_dataset_read_list(d->ds, d->split.train + first, k, piece, threads) != 0) {
            progress_end(&pg);
            fprintf(stderr, "vae-vk train: %s\n", d->ds->error);
            status = -1;
        } else if (vae_trainer_upload_data(t, first, k, piece) != 0) {
            progress_end(&pg);
            fprintf(stderr, "vae-vk train: putting the training images on the device: %s\n", t->be->error);
            status = -1;
        } else {
            progress_update(&pg, first + k, n, "putting the training images on the device", 0);
        }
    }
    progress_end(&pg);
    free(piece);
    return status;
}

int train_data_hold(train_data *d, vae_trainer *t, int quiet) {
    char why[400];
    const long n = d->split.ntrain;
    int held = vae_trainer_hold_data(t, n, why, sizeof why);
    if (held < 0) {
        fprintf(stderr, "vae-vk train: %s\n", t->be->error);
        return -1;
    }
    if (held > 0) {
        snprintf(d->placement, sizeof d->placement, "streamed from the host (the %ld training images stay "
                 "there: %.300s)", n, why);
        return 0;
    }
    double start = now_seconds();
    if (upload(d, t, quiet) != 0)
        return -1;
    d->resident = 1;
    d->upload_seconds = now_seconds() - start;
    snprintf(d->placement, sizeof d->placement, "gathered on the device from its %ld training images (%.1f "
             "MiB, put there in %.1f s)", n, (double)n * VAE_DATA_IMAGE_BYTES / 1048576.0, d->upload_seconds);
    return 0;
}

int train_data_start(train_data *d, const vae_train_options *o, const char *run_dir,
                     long first_step) {
    char err[600], path[1100];
    if (d->split.nval > 0) {
        /* rows up to first_step: a validation after the last checkpoint goes */
        snprintf(path, sizeof path, "%s/%s", run_dir, RUN_VAL_LOG);
        if (run_csv_open(path, RUN_VAL_LOG_HEADER, 6, 1, first_step + 1, NULL, &d->val_log, err, sizeof err) != 0) {
            fprintf(stderr, "vae-vk train: %s\n", err);
            return -1;
        }
    }
    if (d->resident) {
        if (vae_batch_order_init(&d->order, d->split.ntrain, o->batch, o->seed) != 0 ||
            !(d->indices = malloc((size_t)o->batch * sizeof *d->indices))) {
            fprintf(stderr, "vae-vk train: out of memory for the batch order\n");
            return -1;
        }
        return 0;
    }
    if (vae_loader_start(&d->loader, d->ds, d->split.train, d->split.ntrain, o->batch, o->seed,
                         first_step, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", err);
        return -1;
    }
    return 0;
}

int train_data_submit(train_data *d, vae_trainer *t, long step, float beta) {
    int status;
    if (d->resident) {
        const long *positions = vae_batch_order_step(&d->order, step);
        for (int b = 0; b < t->lay.batch; b++)
            d->indices[b] = (uint32_t)positions[b];
        status = vae_trainer_submit_indices(t, d->indices, step, beta);
    } else {
        const uint8_t *pixels = vae_loader_next(d->loader); /* assembled ahead on its own thread */
        if (!pixels) {
            fprintf(stderr, "vae-vk train: %s\n", vae_loader_error(d->loader));
            return -1;
        }
        status = vae_trainer_submit(t, pixels, step, beta);
    }
    if (status != 0)
        fprintf(stderr, "vae-vk train: step %ld failed: %s\n", step, t->be->error);
    return status;
}

int train_data_validate(train_data *d, vae_trainer *t, long step, long steps_per_epoch,
                        float beta, int quiet) {
    if (!d->val_log)
        return 0;
    const int B = t->lay.batch, threads = vae_dataset_read_threads(d->ds);
    double recon = 0, kl = 0;
    for (long first = 0; first < d->split.nval; first += B) {
        int n = d->split.nval - first < B ? (int)(d->split.nval - first) : B;
        vae_step_out out;
        if (vae_dataset_read_list(d->ds, d->split.val + first, n, d->val_pixels, threads) != 0) {
            fprintf(stderr, "vae-vk train: validation: %s\n", d->ds->error);
            return -1;
        }
        if (vae_trainer_evaluate(t, d->val_pixels, n, beta, &out) != 0) {
            fprintf(stderr, "vae-vk train: validation failed: %s\n", t->be->error);
            return -1;
        }
        recon += (double)out.recon * n; /* means of each batch, weighted back to sums */
        kl += (double)out.kl * n;
    }
    recon /= (double)d->split.nval;
    kl /= (double)d->split.nval;
    long epoch = (step - 1) / steps_per_epoch + 1;
    double loss = recon + (double)beta * kl;
    fprintf(d->val_log, "%ld,%ld,%.6g,%.6g,%.6g,%ld\n", epoch, step, loss, recon, kl, d->split.nval);
    if (fflush(d->val_log) != 0 || ferror(d->val_log)) {
        int e = errno;
        fprintf(stderr, "vae-vk train: cannot write %s: %s%s\n", RUN_VAL_LOG, strerror(e), file_write_hint(e));
        return -1;
    }
    if (!quiet)
        fprintf(stderr, "vae-vk train: epoch %ld: validation loss %.2f (recon %.2f, kl %.2f)\n", epoch, loss,
                recon, kl);
    return 0;
}

double train_data_wait_seconds(const train_data *d) {
    return d->loader ? vae_loader_wait_seconds(d->loader) : d->upload_seconds;
}

void train_data_close(train_data *d) {
    vae_loader_stop(d->loader);
    vae_batch_order_free(&d->order);
    free(d->indices);
    if (d->val_log)
        fclose(d->val_log);
    vae_split_free(&d->split);
    vae_dataset_close(d->ds);
    free(d->val_pixels);
    memset(d, 0, sizeof *d);
}
