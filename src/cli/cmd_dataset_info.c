/* vae-vk dataset info: what a dataset holds: counts, skipped files, the
 * validation split, every checksum verified, and the mean and standard
 * deviation of each channel. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/data_open.h"
#include "cli/dataset_cmds.h"
#include "cli/progress.h"
#include "vaevk/dataset.h"

/* Per-channel sums of values and squares, exact in 64-bit integers. */
static int channel_stats(vae_dataset *ds, int quiet, double mean[3], double sd[3]) {
    uint64_t sum[3] = {0}, sq[3] = {0};
    uint8_t rgb[VAE_DATA_IMAGE_BYTES];
    progress pg;
    progress_init(&pg, quiet);
    for (long i = 0; i < ds->count; i++) {
        if (ds->read(ds, i, rgb) != 0) {
            progress_end(&pg);
            fprintf(stderr, "vae-vk dataset info: %s\n", ds->error);
            return -1;
        }
        for (int p = 0; p < VAE_DATA_IMAGE_BYTES; p++) {
            sum[p % 3] += rgb[p];
            sq[p % 3] += (uint64_t)rgb[p] * rgb[p];
        }
        if ((i + 1) % 256 == 0 || i + 1 == ds->count)
            cli_data_progress(&pg, "channel statistics", i + 1, ds->count);
    }
    progress_end(&pg);
    const double n = (double)ds->count * VAE_DATA_SIDE * VAE_DATA_SIDE;
    for (int c = 0; c < 3; c++) {
        double m = (double)sum[c] / n, var = (double)sq[c] / n - m * m;
        mean[c] = m / 255.0;
        sd[c] = sqrt(var > 0 ? var : 0) / 255.0;
    }
    return 0;
}

/* Every chunk checksum of a cache, with a progress line. */
static int verify_all(vae_dataset *ds, int quiet) {
    if (!ds->verify)
        return 0;
    progress pg;
    progress_init(&pg, quiet);
    int status = ds->verify(ds, cli_data_progress, &pg);
    progress_end(&pg);
    if (status != 0)
        fprintf(stderr, "vae-vk dataset info: %s\n", ds->error);
    return status;
}

static void print_skipped(const vae_dataset *ds) {
    printf("skipped:     %ld\n", ds->skipped);
    for (const char *line = ds->skipped_list; line && *line;) {
        const char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        printf("  %.*s\n", len, line);
        line += len + (end ? 1 : 0);
    }
}

int dataset_info(int argc, char **argv) {
    const char *data = "synthetic", *crop_text = "auto";
    int crop = VAE_CROP_AUTO, quiet = 0, count = 20000;
    float val_fraction = (float)VAE_VAL_FRACTION_DEFAULT;
    uint64_t seed = 1;
    arg_spec specs[] = {
        {"data", ARG_STRING, &data, 1, 0, "synthetic (default), a folder of images or a cache file", 0},
        {"crop", ARG_STRING, &crop_text, 1, 0, "image folders: auto (default), square or a side N", 0},
        {"val-fraction", ARG_FLOAT, &val_fraction, 0, 0.5, "share held out, as train (0.05)", 0},
        {"seed", ARG_U64, &seed, 1, 0, "seed of the split and of synthetic faces (1)", 0},
        {"synthetic-count", ARG_INT, &count, 1, 1e9, "synthetic faces (20000)", 0},
        {"quiet", ARG_FLAG, &quiet, 1, 0, "no progress lines", 0},
    };
    int status = args_parse("dataset info", "--data DIR|FILE|synthetic [--crop auto]", specs,
                            (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    if (cli_parse_crop("dataset info", crop_text, &crop) != 0)
        return 2;
    vae_dataset *ds = cli_open_data("dataset info", data, crop, NULL, count, seed, quiet);
    if (!ds)
        return 1;
    char err[600];
    vae_split split = {0};
    double mean[3], sd[3];
    status = verify_all(ds, quiet);
    if (status == 0 && (status = vae_split_make(&split, ds, val_fraction, seed, err, sizeof err)) != 0)
        fprintf(stderr, "vae-vk dataset info: %s\n", err);
    if (status == 0)
        status = channel_stats(ds, quiet, mean, sd);
    if (status == 0) {
        printf("data:        %s\n", ds->description);
        if (ds->path[0])
            printf("cache:       %s (every checksum verified)\n", ds->path);
        printf("images:      %ld\n", ds->count);
        if (ds->path[0]) {
            printf("files:       %ld\n", ds->files);
            print_skipped(ds);
        }
        printf("split:       %ld training, %ld validation (--val-fraction %g, --seed %llu)\n",
               split.ntrain, split.nval, (double)val_fraction, (unsigned long long)seed);
        printf("mean (RGB):  %.4f %.4f %.4f   (pixel values / 255)\n", mean[0], mean[1], mean[2]);
        printf("std (RGB):   %.4f %.4f %.4f\n", sd[0], sd[1], sd[2]);
    }
    vae_split_free(&split);
    vae_dataset_close(ds);
    return status ? 1 : 0;
}
