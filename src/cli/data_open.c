/* See data_open.h. */
#include "cli/data_open.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/progress.h"
#include "cli/run_dir.h"
#include "cli/wrote.h"

int cli_parse_crop(const char *cmd, const char *text, int *crop) {
    char *end;
    if (strcmp(text, "auto") == 0) {
        *crop = VAE_CROP_AUTO;
        return 0;
    }
    if (strcmp(text, "square") == 0) {
        *crop = VAE_CROP_SQUARE;
        return 0;
    }
    long v = strtol(text, &end, 10);
    if (end != text && !*end && v >= 1 && v <= VAE_MAX_IMAGE_SIDE) {
        *crop = (int)v;
        return 0;
    }
    fprintf(stderr, "vae-vk %s: --crop %s must be auto, square or a side from 1 to %d pixels\n",
            cmd, text, VAE_MAX_IMAGE_SIDE);
    return -1;
}

const char *cli_crop_name(int crop, char *buf, int buflen) {
    if (crop == VAE_CROP_AUTO)
        return "auto";
    if (crop == VAE_CROP_SQUARE)
        return "square";
    snprintf(buf, (size_t)buflen, "%d", crop);
    return buf;
}

int cli_data_spec(const char *cmd, const char *data, char *out, size_t outlen) {
    char cwd[4096] = "";
    int relative = strcmp(data, "synthetic") != 0 && data[0] != '/';
    if (relative && !getcwd(cwd, sizeof cwd))
        relative = 0; /* keep it as given */
    int n = snprintf(out, outlen, "%s%s%s", relative ? cwd : "", relative ? "/" : "", data);
    if (n < 0 || (size_t)n >= outlen) {
        fprintf(stderr, "vae-vk %s: --data %s: the path is too long (at most %zu characters)\n", cmd,
                data, outlen - 1);
        return -1;
    }
    return 0;
}

void cli_data_progress(void *ctx, const char *what, long done, long total) {
    progress *p = ctx;
    char text[160];
    double s = now_seconds() - p->start;
    snprintf(text, sizeof text, "%s: %ld/%ld (%.0f/s)", what, done, total, s > 0 ? done / s : 0.0);
    progress_update(p, done, total, text, done == total);
}

static void print_summary(const char *cmd, const char *spec, const vae_dataset *ds,
                          const vae_cache_summary *built) {
    if (built && built->reason[0])
        cli_wrote(cmd, ds->path, "a cache of %ld images from %ld files, in %.1f s, %.0f images/s, "
                  "because %s", ds->count, ds->files, built->seconds,
                  built->seconds > 0 ? built->files / built->seconds : 0.0, built->reason);
    char skipped[1024] = "";
    if (ds->skipped)
        vae_skipped_line(ds->skipped_list, ds->skipped, 8, skipped, sizeof skipped);
    fprintf(stderr, "vae-vk %s: %s: %ld images from %ld files, %ld skipped%s%s\n", cmd, spec,
            ds->count, ds->files, ds->skipped, ds->skipped ? ": " : "", skipped);
}

/* A folder or cache without a single image is an error, not a dataset. */
static vae_dataset *refuse_empty(const char *cmd, const char *spec, vae_dataset *ds) {
    if (ds && ds->count == 0) {
        fprintf(stderr, "vae-vk %s: %s holds no usable image (.jpg, .jpeg, .png or .bmp, in "
                        "subfolders too; %ld skipped)\n", cmd, spec, ds->skipped);
        vae_dataset_close(ds);
        return NULL;
    }
    return ds;
}

vae_dataset *cli_open_data(const char *cmd, const char *spec, int crop, const char *cache_dir,
                           long synthetic_count, uint64_t seed, int quiet) {
    char err[1200];
    vae_dataset *ds = NULL;
    struct stat st;
    if (strcmp(spec, "synthetic") == 0 || stat(spec, &st) != 0 || !S_ISDIR(st.st_mode)) {
        if (vae_dataset_open(spec, synthetic_count, seed, &ds, err, sizeof err) != 0) {
            fprintf(stderr, "vae-vk %s: %s\n", cmd, err);
            return NULL;
        }
        if (!quiet && ds->path[0])
            print_summary(cmd, spec, ds, NULL);
        return refuse_empty(cmd, spec, ds);
    }
    if (cache_dir && access(spec, W_OK) != 0 && make_dirs(cache_dir, err, sizeof err) != 0) {
        fprintf(stderr, "vae-vk %s: %s is read-only and its cache cannot go in %s either: %s\n",
                cmd, spec, cache_dir, err);
        return NULL;
    }
    vae_data_options o;
    vae_data_options_default(&o);
    progress pg;
    progress_init(&pg, quiet);
    o.crop = crop;
    o.cache_dir = cache_dir;
    o.progress = cli_data_progress;
    o.progress_ctx = &pg;
    vae_cache_summary built;
    int status = vae_cache_open_for_dir(spec, &o, &ds, &built, err, sizeof err);
    progress_end(&pg);
    if (status != 0) {
        fprintf(stderr, "vae-vk %s: %s\n", cmd, err);
    } else {
        snprintf(ds->description, sizeof ds->description, "%ld images of %s", ds->count, spec);
        if (!quiet)
            print_summary(cmd, spec, ds, &built);
    }
    vae_cache_summary_free(&built);
    return refuse_empty(cmd, spec, ds);
}
