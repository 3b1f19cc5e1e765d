/* vae-vk reconstruct: images beside their reconstructions (z = mu). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/device.h"
#include "cli/commands.h"
#include "cli/data_open.h"
#include "cli/model_load.h"
#include "cli/wrote.h"
#include "io/image.h"
#include "vaevk/dataset.h"

/* pairs: original i then reconstruction i, side by side. */
static int reconstruct(loaded_model *m, vae_dataset *ds, const long *order, long first, int n,
                       int cols, int scale, const char *out, char *err, size_t errlen) {
    const int L = m->ck.options.model.latent, S = 64;
    const size_t image = (size_t)3 * S * S;
    uint8_t *orig = malloc((size_t)n * image), *grid = malloc((size_t)2 * n * image);
    float *mu = malloc((size_t)n * L * sizeof *mu), *lv = malloc((size_t)n * L * sizeof *lv);
    float *xhat = malloc((size_t)n * image * sizeof *xhat);
    uint8_t *rec = malloc((size_t)n * image);
    int status = -1;
    if (!orig || !grid || !mu || !lv || !xhat || !rec) {
        snprintf(err, errlen, "out of memory for %d images", n);
        goto done;
    }
    if (vae_dataset_read_batch(ds, order, first, n, orig) != 0) {
        snprintf(err, errlen, "%s", ds->error);
        goto done;
    }
    for (int i = 0; i < n; i += m->trainer.lay.batch) {
        int k = n - i < m->trainer.lay.batch ? n - i : m->trainer.lay.batch;
        if (vae_trainer_encode(&m->trainer, orig + (size_t)i * image, k, mu + (size_t)i * L,
                               lv + (size_t)i * L) != 0 ||
            vae_trainer_decode(&m->trainer, mu + (size_t)i * L, k, xhat + (size_t)i * image) != 0) {
            snprintf(err, errlen, "%s", m->be->error);
            goto done;
        }
    }
    images_from_float(rec, xhat, n, S);
    for (int i = 0; i < n; i++) {
        memcpy(grid + (size_t)(2 * i) * image, orig + (size_t)i * image, image);
        memcpy(grid + (size_t)(2 * i + 1) * image, rec + (size_t)i * image, image);
    }
    status = grid_write_png(out, grid, 2 * n, S, 2 * cols, 1, scale, err, errlen);
done:
    free(orig); free(grid); free(mu); free(lv); free(xhat); free(rec);
    return status;
}

int cmd_reconstruct(int argc, char **argv) {
    const char *checkpoint = NULL, *out = "reconstructions.png", *data = NULL;
    cli_device device = {0};
    int n = 16, cols = 4, scale = 1, quiet = 0;
    long first = -1;
    arg_spec specs[] = {
        {"checkpoint", ARG_STRING, &checkpoint, 1, 0, "checkpoint file or run directory", 0},
        {"data", ARG_STRING, &data, 1, 0, "synthetic, a folder or a cache (default: the run's data)", 0},
        {"n", ARG_INT, &n, 1, 4096, "number of images (16)", 0},
        {"first", ARG_LONG, &first, 0, 1e12, "index of the first image (default: held-out images)", 0},
        {"cols", ARG_INT, &cols, 1, 1024, "pairs per row (4)", 0},
        {"scale", ARG_INT, &scale, 1, 16, "enlarge each pixel (1)", 0},
        {"out", ARG_STRING, &out, 1, 0, "PNG to write (reconstructions.png)", 0},
        CLI_DEVICE_SPECS(&device),
        {"quiet", ARG_FLAG, &quiet, 1, 0, "print nothing but errors", 0},
    };
    int status = args_parse("reconstruct", "--checkpoint CKPT [--data synthetic|DIR] [--n 16] [--out reconstructions.png]",
                            specs, (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    loaded_model m;
    vae_dataset *ds = NULL;
    vae_split split = {0};
    const long *order = NULL;
    char err[1024];
    status = 1;
    if (model_load(&m, "reconstruct", checkpoint, &device, n < 64 ? n : 64, quiet) != 0)
        goto done;
    const vae_train_options *o = &m.ck.options;
    const char *spec = data ? data : o->data;
    int synthetic = strcmp(spec, "synthetic") == 0;
    /* synthetic faces past the training set are ones the model never saw */
    long start = first >= 0 ? first : synthetic ? o->synthetic_count : 0;
    if (!(ds = cli_open_data("reconstruct", spec, o->crop, NULL, start + n, o->seed, quiet)))
        goto done;
    if (first < 0 && !synthetic) { /* the run's validation images: never trained on */
        if (vae_split_make(&split, ds, o->val_fraction, o->seed, err, sizeof err) != 0) {
            fprintf(stderr, "vae-vk reconstruct: %s\n", err);
            goto done;
        }
        if (split.nval < n) {
            fprintf(stderr, "vae-vk reconstruct: the run held out only %ld of the %ld images of %s, "
                    "fewer than --n %d: give a smaller --n, or --first to show training images\n",
                    split.nval, ds->count, spec, n);
            goto done;
        }
        order = split.val;
    }
    if (!order && start + n > ds->count) {
        fprintf(stderr, "vae-vk reconstruct: %s has %ld images; images %ld..%ld do not exist\n",
                ds->description, ds->count, start, start + n - 1);
        goto done;
    }
    if (reconstruct(&m, ds, order, start, n, cols, scale, out, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk reconstruct: %s\n", err);
        goto done;
    }
    if (!quiet && first < 0)
        cli_wrote("reconstruct", out, "%d held-out images beside their reconstructions", n);
    else if (!quiet)
        cli_wrote("reconstruct", out, "images %ld..%ld beside their reconstructions", start,
                  start + n - 1);
    status = 0;
done:
    vae_split_free(&split);
    vae_dataset_close(ds);
    model_unload(&m);
    return status;
}
