/* vae-vk dataset: preview, info, prepare, export, bench. This file holds
 * the dispatcher and `preview`; the others have a file each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/data_open.h"
#include "cli/dataset_cmds.h"
#include "cli/wrote.h"
#include "io/image.h"
#include "vaevk/dataset.h"

int dataset_preview(int argc, char **argv) {
    const char *data = "synthetic", *out = "dataset.png", *crop_text = "auto";
    int n = 64, cols = 8, scale = 1, crop = VAE_CROP_AUTO, quiet = 0;
    long first = 0;
    uint64_t seed = 1;
    arg_spec specs[] = {
        {"data", ARG_STRING, &data, 1, 0, "synthetic (default), a folder of images or a cache file", 0},
        {"crop", ARG_STRING, &crop_text, 1, 0, "image folders: auto (default), square or a side N", 0},
        {"n", ARG_INT, &n, 1, 4096, "number of images (64)", 0},
        {"first", ARG_LONG, &first, 0, 1e12, "index of the first image (0)", 0},
        {"cols", ARG_INT, &cols, 1, 4096, "images per row (8)", 0},
        {"scale", ARG_INT, &scale, 1, 16, "enlarge each pixel (1)", 0},
        {"seed", ARG_U64, &seed, 1, 0, "synthetic faces' seed (1, as train's default)", 0},
        {"out", ARG_STRING, &out, 1, 0, "PNG to write (dataset.png)", 0},
        {"quiet", ARG_FLAG, &quiet, 1, 0, "print nothing but errors", 0},
    };
    int status = args_parse("dataset preview", "[--data synthetic|DIR|FILE] [--n 64] [--out dataset.png]",
                            specs, (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    if (cli_parse_crop("dataset preview", crop_text, &crop) != 0)
        return 2;
    char err[600];
    vae_dataset *ds = cli_open_data("dataset preview", data, crop, NULL, first + n, seed, quiet);
    if (!ds)
        return 1;
    if (first + n > ds->count) {
        fprintf(stderr, "vae-vk dataset preview: %s has %ld images; images %ld..%ld do not exist\n",
                ds->description, ds->count, first, first + n - 1);
        vae_dataset_close(ds);
        return 1;
    }
    uint8_t *rgb = malloc((size_t)n * VAE_DATA_IMAGE_BYTES);
    status = 1;
    if (!rgb)
        fprintf(stderr, "vae-vk dataset preview: out of memory\n");
    else if (vae_dataset_read_batch(ds, NULL, first, n, rgb) != 0)
        fprintf(stderr, "vae-vk dataset preview: %s\n", ds->error);
    else if (grid_write_png(out, rgb, n, VAE_DATA_SIDE, cols, 1, scale, err, sizeof err) != 0)
        fprintf(stderr, "vae-vk dataset preview: %s\n", err);
    else {
        if (!quiet)
            cli_wrote("dataset preview", out, "images %ld..%ld of %s", first, first + n - 1,
                      ds->description);
        status = 0;
    }
    free(rgb);
    vae_dataset_close(ds);
    return status;
}

int cmd_dataset(int argc, char **argv) {
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {{"preview", dataset_preview}, {"info", dataset_info}, {"prepare", dataset_prepare},
                {"export", dataset_export}, {"bench", dataset_bench}};
    if (argc >= 1 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        printf("usage: vae-vk dataset SUBCOMMAND [options]   (vae-vk dataset SUBCOMMAND --help)\n\n"
               "  preview   a grid of a dataset's images as the model sees them\n"
               "  info      counts, skipped files, the split, channel mean and std\n"
               "  prepare   decode a folder of images once into a cache file\n"
               "  export    write synthetic faces as image files\n"
               "  bench     time the batch loader alone\n");
        return 0;
    }
    for (size_t i = 0; argc >= 1 && i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[0], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    fprintf(stderr, "vae-vk dataset: give a subcommand: preview, info, prepare, export or bench "
                    "(vae-vk dataset SUBCOMMAND --help)\n");
    return 2;
}
