/* vae-vk interpolate: decodes points on the path between the codes (mu) of
 * two images, one row per pair. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/args.h"
#include "cli/device.h"
#include "cli/commands.h"
#include "cli/data_open.h"
#include "cli/model_load.h"
#include "cli/run_dir.h"
#include "cli/wrote.h"
#include "io/image.h"
#include "vaevk/dataset.h"
#include "viz/canvas.h"
#include "viz/image_file.h"
#include "viz/panels.h"

#define MAX_PAIRS 256
#define IMAGE_BYTES ((size_t)64 * 64 * 3)

typedef struct {
    const char *a[MAX_PAIRS], *b[MAX_PAIRS]; /* --a / --b, in order */
    int na, nb, pairs, steps, scale, slerp, quiet;
    const char *checkpoint, *data, *out;
    cli_device device;
    uint64_t seed;
} interp_args;

/* Takes every --a/--b (repeatable, which args_parse is not) out of argv. */
static int take_endpoints(interp_args *r, int *argc, char **argv) {
    int kept = 0;
    for (int i = 0; i < *argc; i++) {
        const char *w = argv[i];
        int is_a = strncmp(w, "--a", 3) == 0 && (w[3] == '\0' || w[3] == '=');
        int is_b = strncmp(w, "--b", 3) == 0 && (w[3] == '\0' || w[3] == '=');
        if (!is_a && !is_b) {
            argv[kept++] = argv[i];
            continue;
        }
        const char *v = w[3] == '=' ? w + 4 : i + 1 < *argc ? argv[++i] : NULL;
        int *n = is_a ? &r->na : &r->nb;
        if (!v || *n >= MAX_PAIRS) {
            fprintf(stderr, "vae-vk interpolate: %s\n",
                    v ? "at most 256 pairs" : "--a and --b need a value");
            return -1;
        }
        (is_a ? r->a : r->b)[(*n)++] = v;
    }
    *argc = kept;
    return 0;
}

static int parse(interp_args *r, int argc, char **argv) {
    arg_spec specs[] = {
        {"checkpoint", ARG_STRING, &r->checkpoint, 1, 0, "checkpoint file or run directory", 0},
        {"a", ARG_STRING, NULL, 1, 0, "first end: image file or dataset index (repeatable)", 0},
        {"b", ARG_STRING, NULL, 1, 0, "second end: image file or dataset index (repeatable)", 0},
        {"pairs", ARG_INT, &r->pairs, 0, MAX_PAIRS, "also K random dataset pairs (0)", 0},
        {"steps", ARG_INT, &r->steps, 2, 256, "images per row, ends included (10)", 0},
        {"slerp", ARG_FLAG, &r->slerp, 1, 0, "along the great circle instead of the line", 0},
        {"data", ARG_STRING, &r->data, 1, 0, "dataset for indices (default: the run's data)", 0},
        {"seed", ARG_U64, &r->seed, 1, 0, "seed of the random pairs (1)", 0},
        {"scale", ARG_INT, &r->scale, 1, 16, "enlarge each pixel (1)", 0},
        {"out", ARG_STRING, &r->out, 1, 0, "PNG to write (interpolation.png)", 0},
        CLI_DEVICE_SPECS(&r->device),
        {"quiet", ARG_FLAG, &r->quiet, 1, 0, "print nothing but errors", 0},
    };
    if (take_endpoints(r, &argc, argv) != 0)
        return -1;
    int status = args_parse("interpolate", "--checkpoint CKPT --a A --b B [--a A2 --b B2 ...] "
                            "[--pairs K] [--steps 10] [--slerp] [--out interpolation.png]\n"
                            "A and B are image files (cropped and resized to 64x64 as the run's "
                            "data is) or dataset indices (integers that name no file).", specs, (int)(sizeof specs / sizeof specs[0]),
                            argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status;
    if (r->na != r->nb) {
        fprintf(stderr, "vae-vk interpolate: %d --a but %d --b: give them in pairs\n", r->na, r->nb);
        return -1;
    }
    if (r->na + r->pairs == 0) {
        fprintf(stderr, "vae-vk interpolate: nothing to interpolate: give --a A --b B (image "
                        "files or dataset indices) or --pairs K\n");
        return -1;
    }
    int w, h, rows = r->na + r->pairs;
    if (rows > MAX_PAIRS || grid_dims(rows * r->steps, 64, r->steps, VIZ_BORDER, r->scale, &w, &h)) {
        fprintf(stderr, "vae-vk interpolate: %d rows of %d at scale %d exceed 16384 pixels a "
                        "side: use fewer rows or steps, or a smaller --scale\n", rows, r->steps,
                r->scale);
        return -1;
    }
    return 0;
}

/* An all-digit word naming no file is a dataset index. */
static long index_of(const char *w) {
    if (!*w || strspn(w, "0123456789") != strlen(w) || strlen(w) > 12 || file_exists(w))
        return -1;
    return strtol(w, NULL, 10);
}

/* Opens the dataset when an index or --pairs needs it. 0, or -1 after
 * printing one line. */
static int open_data(const interp_args *r, const vae_train_options *o, vae_dataset **ds) {
    int used = r->pairs > 0;
    for (int i = 0; i < r->na; i++)
        used |= index_of(r->a[i]) >= 0 || index_of(r->b[i]) >= 0;
    const char *spec = r->data ? r->data : o->data;
    if (used && !(*ds = cli_open_data("interpolate", spec, o->crop, NULL, o->synthetic_count,
                                      o->seed, r->quiet)))
        return -1;
    return 0;
}

/* An image file (cropped as the run's data), or image k of the dataset
 * (synthetic faces exist for any k; past the training count they are ones
 * the model never saw). */
static int load_end(const char *w, int crop, vae_dataset *ds, uint8_t *rgb) {
    char err[600];
    long k = index_of(w);
    if (k < 0 && image_file_load(w, crop, rgb, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk interpolate: %s\n", err);
        return -1;
    }
    if (k >= 0 && k >= ds->count && !ds->unbounded) {
        fprintf(stderr, "vae-vk interpolate: %s has no image %s: indices run from 0 to %ld\n",
                ds->description, w, ds->count - 1);
        return -1;
    }
    if (k >= 0 && ds->read(ds, k, rgb) != 0) {
        fprintf(stderr, "vae-vk interpolate: %s\n", ds->error);
        return -1;
    }
    return 0;
}

/* Fills the ends of every row: explicit pairs first, then random ones. */
static int load_ends(const interp_args *r, int crop, vae_dataset *ds, uint8_t *a, uint8_t *b) {
    for (int i = 0; i < r->na; i++)
        if (load_end(r->a[i], crop, ds, a + i * IMAGE_BYTES) != 0 ||
            load_end(r->b[i], crop, ds, b + i * IMAGE_BYTES) != 0)
            return -1;
    if (r->pairs == 0)
        return 0;
    if (ds->count < 2) {
        fprintf(stderr, "vae-vk interpolate: %s has fewer than 2 images for --pairs\n",
                ds->description);
        return -1;
    }
    long ia[MAX_PAIRS], ib[MAX_PAIRS];
    viz_random_pairs(ia, ib, r->pairs, ds->count, r->seed);
    for (int i = 0; i < r->pairs; i++)
        if (ds->read(ds, ia[i], a + (r->na + i) * IMAGE_BYTES) != 0 ||
            ds->read(ds, ib[i], b + (r->na + i) * IMAGE_BYTES) != 0) {
            fprintf(stderr, "vae-vk interpolate: %s\n", ds->error);
            return -1;
        }
    return 0;
}

static int draw(loaded_model *m, const interp_args *r, vae_dataset *ds) {
    const int rows = r->na + r->pairs;
    uint8_t *a = malloc(rows * IMAGE_BYTES), *b = malloc(rows * IMAGE_BYTES);
    uint8_t *img = malloc((size_t)rows * r->steps * IMAGE_BYTES);
    viz_canvas c = {0};
    char err[600] = "out of memory";
    int status = -1;
    if (a && b && img && load_ends(r, m->ck.options.crop, ds, a, b) == 0) {
        if (viz_interpolation_images(&m->trainer, a, b, rows, r->steps, r->slerp, img, err,
                                     sizeof err) != 0 ||
            viz_canvas_grid(&c, img, rows * r->steps, r->steps, r->scale, 0, 0, err, sizeof err) != 0 ||
            viz_canvas_write_png(&c, r->out, err, sizeof err) != 0)
            fprintf(stderr, "vae-vk interpolate: %s\n", err);
        else
            status = 0;
    } else if (!a || !b || !img) {
        fprintf(stderr, "vae-vk interpolate: out of memory for %d rows\n", rows);
    }
    viz_canvas_free(&c);
    free(a);
    free(b);
    free(img);
    return status;
}

int cmd_interpolate(int argc, char **argv) {
    interp_args r;
    memset(&r, 0, sizeof r);
    r.steps = 10;
    r.scale = 1;
    r.seed = 1;
    r.out = "interpolation.png";
    int status = parse(&r, argc, argv);
    if (status != 0)
        return status > 0 ? 0 : 2;
    loaded_model m;
    vae_dataset *ds = NULL;
    status = 1;
    if (model_load(&m, "interpolate", r.checkpoint, &r.device, 64, r.quiet) == 0 &&
        open_data(&r, &m.ck.options, &ds) == 0 && draw(&m, &r, ds) == 0) {
        if (!r.quiet)
            cli_wrote("interpolate", r.out, "%d row%s of %d steps", r.na + r.pairs,
                      r.na + r.pairs == 1 ? "" : "s", r.steps);
        status = 0;
    }
    vae_dataset_close(ds);
    model_unload(&m);
    return status;
}
