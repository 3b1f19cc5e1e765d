/* See train_data.h. */
#include "cli/train_data.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/data_open.h"
#include "cli/run_dir.h"
#include "io/file_write.h"

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
    if (vae_loader_start(&d->loader, d->ds, d->split.train, d->split.ntrain, o->batch, o->seed,
                         first_step, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk train: %s\n", err);
        return -1;
    }
    return 0;
}

const uint8_t *train_data_next(train_data *d) {
    const uint8_t *batch = vae_loader_next(d->loader);
    if (!batch)
        fprintf(stderr, "vae-vk train: %s\n", vae_loader_error(d->loader));
    return batch;
}

int train_data_validate(train_data *d, vae_trainer *t, long step, long steps_per_epoch,
                        float beta, int quiet) {
    if (!d->val_log)
        return 0;
    const int B = t->lay.batch;
    double recon = 0, kl = 0;
    for (long first = 0; first < d->split.nval; first += B) {
        int n = d->split.nval - first < B ? (int)(d->split.nval - first) : B;
        vae_step_out out;
        if (vae_dataset_read_batch(d->ds, d->split.val, first, n, d->val_pixels) != 0) {
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
    return d->loader ? vae_loader_wait_seconds(d->loader) : 0;
}

void train_data_close(train_data *d) {
    vae_loader_stop(d->loader);
    if (d->val_log)
        fclose(d->val_log);
    vae_split_free(&d->split);
    vae_dataset_close(d->ds);
    free(d->val_pixels);
    memset(d, 0, sizeof *d);
}
