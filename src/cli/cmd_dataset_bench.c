/* vae-vk dataset bench: how fast the batch loader delivers, alone: the
 * batches of consecutive training steps (shuffled, from the training
 * split), taken as fast as it hands them out. Compare with the trainer's
 * steps per second (vae-vk bench) to see that training never waits. */
#include <stdio.h>

#include "cli/args.h"
#include "cli/data_open.h"
#include "cli/dataset_cmds.h"
#include "cli/progress.h"
#include "vaevk/dataset.h"

static int run_loader(vae_dataset *ds, const vae_split *split, int batch, long batches,
                      uint64_t seed) {
    char err[600];
    vae_loader *l;
    if (vae_loader_start(&l, ds, split->train, split->ntrain, batch, seed, 0, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk dataset bench: %s\n", err);
        return -1;
    }
    double t0 = now_seconds(), t_first = 0;
    unsigned checksum = 0; /* touches every batch so none of the work can be skipped */
    long b;
    for (b = 0; b < batches; b++) {
        const uint8_t *px = vae_loader_next(l);
        if (!px)
            break;
        checksum += px[(b * 7919) % ((long)batch * VAE_DATA_IMAGE_BYTES)];
        if (b == 0)
            t_first = now_seconds() - t0;
    }
    double s = now_seconds() - t0;
    if (b < batches)
        fprintf(stderr, "vae-vk dataset bench: %s\n", vae_loader_error(l));
    else {
        long spe = split->ntrain / batch;
        printf("data:         %s (%ld training images)\n", ds->description, split->ntrain);
        printf("batches:      %ld of %d images (%.2f epochs), first after %.1f ms\n", batches,
               batch, (double)batches / spe, 1e3 * t_first);
        printf("delivered:    %.1f batches/s, %.0f images/s, %.0f MiB/s (checksum %u)\n",
               batches / s, batches * (double)batch / s,
               batches * (double)batch * VAE_DATA_IMAGE_BYTES / s / (1 << 20), checksum);
    }
    vae_loader_stop(l);
    return b < batches ? -1 : 0;
}

int dataset_bench(int argc, char **argv) {
    const char *data = "synthetic", *crop_text = "auto";
    int batch = 64, count = 20000, crop = VAE_CROP_AUTO;
    long batches = 1000;
    float val_fraction = (float)VAE_VAL_FRACTION_DEFAULT;
    uint64_t seed = 1;
    arg_spec specs[] = {
        {"data", ARG_STRING, &data, 1, 0, "synthetic (default), a folder of images or a cache file", 0},
        {"crop", ARG_STRING, &crop_text, 1, 0, "image folders: auto (default), square or a side N", 0},
        {"batch", ARG_INT, &batch, 1, 65536, "images per batch (64)", 0},
        {"batches", ARG_LONG, &batches, 1, 1e9, "batches to take (1000)", 0},
        {"val-fraction", ARG_FLOAT, &val_fraction, 0, 0.5, "share held out, as train (0.05)", 0},
        {"seed", ARG_U64, &seed, 1, 0, "seed of the split and the shuffles (1)", 0},
        {"synthetic-count", ARG_INT, &count, 1, 1e9, "synthetic faces (20000)", 0},
    };
    int status = args_parse("dataset bench", "--data DIR|FILE|synthetic [--batch 64] [--batches 1000]",
                            specs, (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    if (cli_parse_crop("dataset bench", crop_text, &crop) != 0)
        return 2;
    vae_dataset *ds = cli_open_data("dataset bench", data, crop, NULL, count, seed, 0);
    if (!ds)
        return 1;
    char err[600];
    vae_split split = {0};
    status = vae_split_make(&split, ds, val_fraction, seed, err, sizeof err);
    if (status != 0)
        fprintf(stderr, "vae-vk dataset bench: %s\n", err);
    else
        status = run_loader(ds, &split, batch, batches, seed);
    vae_split_free(&split);
    vae_dataset_close(ds);
    return status ? 1 : 0;
}
