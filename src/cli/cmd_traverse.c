/* vae-vk traverse: one row per latent dimension, swept from -range to
 * +range around a base code; by default the dimensions with the most KL. */
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
#include "vaevk/dataset.h"
#include "viz/canvas.h"
#include "viz/image_file.h"
#include "viz/latent.h"
#include "viz/panels.h"
#include "viz/traverse.h"

#define IMAGE_BYTES ((size_t)64 * 64 * 3)

typedef struct {
    const char *checkpoint, *data, *out, *base, *dim_list;
    cli_device device;
    int dims, steps, scale, kl_images, quiet;
    float range;
} traverse_args;

typedef struct {
    loaded_model m;
    vae_dataset *ds;
    int L;
    double *kl;   /* (L) */
    int *order;   /* (L) by KL, largest first */
    int *rows;    /* (dims) the dimensions drawn */
    float *base;  /* (L) */
} traverse_state;

static int parse(traverse_args *r, int argc, char **argv) {
    arg_spec specs[] = {
        {"checkpoint", ARG_STRING, &r->checkpoint, 1, 0, "checkpoint file or run directory", 0},
        {"dims", ARG_INT, &r->dims, 1, 4096, "rows: the K dimensions with the most KL (8)", 0},
        {"dim-list", ARG_STRING, &r->dim_list, 1, 0, "these dimensions instead, e.g. 3,17,5", 0},
        {"range", ARG_FLOAT, &r->range, 0, 1e3, "sweep from -range to +range (3)", 0},
        {"steps", ARG_INT, &r->steps, 2, 256, "images per row (9)", 0},
        {"base", ARG_STRING, &r->base, 1, 0, "zero, an image file or a dataset index (zero)", 0},
        {"kl-images", ARG_INT, &r->kl_images, 1, 100000, "dataset images for the KL ranking (256)", 0},
        {"data", ARG_STRING, &r->data, 1, 0, "dataset (default: the run's data)", 0},
        {"scale", ARG_INT, &r->scale, 1, 16, "enlarge each pixel, labels too (1)", 0},
        {"out", ARG_STRING, &r->out, 1, 0, "PNG to write (traverse.png)", 0},
        CLI_DEVICE_SPECS(&r->device),
        {"quiet", ARG_FLAG, &r->quiet, 1, 0, "print nothing but errors", 0},
    };
    return args_parse("traverse", "--checkpoint CKPT [--dims K] [--range 3] [--steps 9] "
                      "[--base IMG|INDEX|zero] [--out traverse.png]\nPrints the KL ranking of "
                      "every dimension (rank,dim,kl) on stdout.", specs,
                      (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
}

/* --dim-list into s->rows; the count into *dims. 0 or -1 after one line. */
static int parse_dim_list(const char *text, int L, int *rows, int *dims) {
    int n = 0;
    for (const char *p = text; *p;) {
        char *end;
        long d = strtol(p, &end, 10);
        if (end == p || d < 0 || d >= L || n >= L || (*end && *end != ',')) {
            fprintf(stderr, "vae-vk traverse: --dim-list '%s' must be dimensions 0..%d separated "
                            "by commas\n", text, L - 1);
            return -1;
        }
        rows[n++] = (int)d;
        p = *end ? end + 1 : end;
    }
    *dims = n;
    return n > 0 ? 0 : -1;
}

/* The KL ranking from the first kl_images of the data, printed unless quiet. */
static int rank(traverse_state *s, const traverse_args *r) {
    char err[600];
    int n = s->ds->count < r->kl_images ? (int)s->ds->count : r->kl_images;
    if (viz_dataset_kl(&s->m.trainer, s->ds, 0, n, s->kl, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk traverse: %s\n", err);
        return -1;
    }
    viz_rank_dims(s->order, s->kl, s->L);
    if (!r->quiet) {
        printf("rank,dim,kl\n");
        for (int i = 0; i < s->L; i++)
            printf("%d,%d,%.9g\n", i + 1, s->order[i], s->kl[s->order[i]]);
    }
    return 0;
}

/* --base as a dataset index: all digits and no file of that name; else -1. */
static long base_index(const char *base) {
    if (!base || !*base || strspn(base, "0123456789") != strlen(base) || strlen(base) > 12 ||
        file_exists(base))
        return -1;
    return strtol(base, NULL, 10);
}

/* The base code: zero, or mu of an image file or a dataset image. */
static int base_code(traverse_state *s, const char *base) {
    if (!base || strcmp(base, "zero") == 0)
        return 0; /* calloc'd */
    uint8_t rgb[IMAGE_BYTES];
    char err[600];
    long k = base_index(base);
    if (k >= 0) { /* synthetic faces exist for any index */
        if (k >= s->ds->count && !s->ds->unbounded) {
            fprintf(stderr, "vae-vk traverse: %s has no image %s: indices run from 0 to %ld\n",
                    s->ds->description, base, s->ds->count - 1);
            return -1;
        }
        if (s->ds->read(s->ds, k, rgb) != 0) {
            fprintf(stderr, "vae-vk traverse: %s\n", s->ds->error);
            return -1;
        }
    } else if (image_file_load(base, s->m.ck.options.crop, rgb, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk traverse: --base: %s (or give zero, or a dataset index)\n", err);
        return -1;
    }
    float *lv = malloc((size_t)s->L * sizeof *lv);
    int status = lv ? viz_encode(&s->m.trainer, rgb, 1, s->base, lv, err, sizeof err) : -1;
    if (status != 0)
        fprintf(stderr, "vae-vk traverse: %s\n", lv ? err : "out of memory");
    free(lv);
    return status;
}

static int draw(traverse_state *s, const traverse_args *r, int dims) {
    uint8_t *img = malloc((size_t)dims * r->steps * IMAGE_BYTES);
    viz_canvas c = {0};
    char err[600] = "out of memory for the traversal";
    int status = -1;
    if (img && viz_traversal_images(&s->m.trainer, s->base, s->rows, dims, r->steps, r->range,
                                    img, err, sizeof err) == 0 &&
        viz_traverse_canvas(&c, img, s->rows, s->kl, dims, r->steps, r->range, r->scale, err,
                            sizeof err) == 0 &&
        viz_canvas_write_png(&c, r->out, err, sizeof err) == 0)
        status = 0;
    else
        fprintf(stderr, "vae-vk traverse: %s\n", err);
    viz_canvas_free(&c);
    free(img);
    return status;
}

static int run(traverse_state *s, const traverse_args *r) {
    const vae_train_options *o = &s->m.ck.options;
    s->L = o->model.latent;
    s->kl = malloc((size_t)s->L * sizeof *s->kl);
    s->order = malloc((size_t)s->L * sizeof *s->order);
    s->rows = malloc((size_t)s->L * sizeof *s->rows);
    s->base = calloc((size_t)s->L, sizeof *s->base);
    if (!s->kl || !s->order || !s->rows || !s->base) {
        fprintf(stderr, "vae-vk traverse: out of memory\n");
        return -1;
    }
    if (!(s->ds = cli_open_data("traverse", r->data ? r->data : o->data, o->crop, NULL,
                                o->synthetic_count, o->seed, r->quiet)))
        return -1;
    int dims = r->dims < s->L ? r->dims : s->L;
    if (rank(s, r) != 0 || (r->dim_list && parse_dim_list(r->dim_list, s->L, s->rows, &dims) != 0))
        return -1;
    if (!r->dim_list)
        memcpy(s->rows, s->order, (size_t)dims * sizeof *s->rows);
    if (base_code(s, r->base) != 0 || draw(s, r, dims) != 0)
        return -1;
    if (!r->quiet)
        cli_wrote("traverse", r->out, "%d dimensions x %d steps", dims, r->steps);
    return 0;
}

int cmd_traverse(int argc, char **argv) {
    traverse_args r = {.dims = 8, .steps = 9, .scale = 1, .kl_images = 256, .range = 3.0f,
                       .out = "traverse.png"};
    int status = parse(&r, argc, argv);
    if (status != 0)
        return status > 0 ? 0 : 2;
    traverse_state s;
    memset(&s, 0, sizeof s);
    status = 1;
    if (model_load(&s.m, "traverse", r.checkpoint, &r.device, 64, r.quiet) == 0 && run(&s, &r) == 0)
        status = 0;
    vae_dataset_close(s.ds);
    model_unload(&s.m);
    free(s.kl);
    free(s.order);
    free(s.rows);
    free(s.base);
    return status;
}
