/* vae-vk dataset preview: a grid of a dataset's images. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "io/image.h"
#include "vaevk/dataset.h"

static int preview(int argc, char **argv) {
    const char *data = "synthetic", *out = "dataset.png";
    int n = 64, cols = 8, scale = 1;
    long first = 0;
    uint64_t seed = 1;
    arg_spec specs[] = {
        {"data", ARG_STRING, &data, 1, 0, "dataset: synthetic (default)", 0},
        {"n", ARG_INT, &n, 1, 4096, "number of images (64)", 0},
        {"first", ARG_LONG, &first, 0, 1e12, "index of the first image (0)", 0},
        {"cols", ARG_INT, &cols, 1, 4096, "images per row (8)", 0},
        {"scale", ARG_INT, &scale, 1, 16, "enlarge each pixel (1)", 0},
        {"seed", ARG_U64, &seed, 1, 0, "synthetic faces' seed (1, as train's default)", 0},
        {"out", ARG_STRING, &out, 1, 0, "PNG to write (dataset.png)", 0},
    };
    int status = args_parse("dataset preview", "[--data synthetic] [--n 64] --out grid.png", specs,
                            (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    char err[600];
    vae_dataset *ds = NULL;
    if (vae_dataset_open(data, first + n, seed, &ds, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk dataset preview: %s\n", err);
        return 1;
    }
    if (first + n > ds->count) {
        fprintf(stderr, "vae-vk dataset preview: %s has %ld images\n", ds->description, ds->count);
        vae_dataset_close(ds);
        return 1;
    }
    uint8_t *rgb = malloc((size_t)n * 64 * 64 * 3);
    status = 1;
    if (!rgb)
        fprintf(stderr, "vae-vk dataset preview: out of memory\n");
    else if (vae_dataset_read_batch(ds, NULL, first, n, rgb) != 0)
        fprintf(stderr, "vae-vk dataset preview: reading %s failed\n", ds->description);
    else if (grid_write_png(out, rgb, n, 64, cols, 1, scale, err, sizeof err) != 0)
        fprintf(stderr, "vae-vk dataset preview: %s\n", err);
    else
        status = 0;
    free(rgb);
    vae_dataset_close(ds);
    return status;
}

int cmd_dataset(int argc, char **argv) {
    if (argc >= 1 && strcmp(argv[0], "preview") == 0)
        return preview(argc - 1, argv + 1);
    fprintf(stderr, "vae-vk dataset: give a subcommand: preview\n");
    return 2;
}
