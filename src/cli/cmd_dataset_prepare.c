/* vae-vk dataset prepare: a folder of images into a cache file, once. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/data_open.h"
#include "cli/dataset_cmds.h"
#include "cli/progress.h"
#include "cli/wrote.h"
#include "vaevk/dataset.h"

int dataset_prepare(int argc, char **argv) {
    const char *dir = NULL, *out = NULL, *crop_text = "auto", *positional[1];
    int threads = 0, quiet = 0, npositional = 0;
    arg_spec specs[] = {
        {"data", ARG_STRING, &dir, 1, 0, "the folder (or give it as the first word)", 0},
        {"out", ARG_STRING, &out, 1, 0, "cache file to write (DIR/.vae-vk-cache-64.bin)", 0},
        {"crop", ARG_STRING, &crop_text, 1, 0, "auto (default), square or a side N", 0},
        {"threads", ARG_INT, &threads, 1, 64, "decoding threads (one per core)", 0},
        {"quiet", ARG_FLAG, &quiet, 1, 0, "print nothing but errors", 0},
    };
    int status = args_parse("dataset prepare", "DIR [--out FILE] [--crop auto|square|N]", specs,
                            (int)(sizeof specs / sizeof specs[0]), argc, argv, positional, 1,
                            &npositional);
    if (status != 0)
        return status > 0 ? 0 : 2;
    if (npositional)
        dir = positional[0];
    vae_data_options o;
    vae_data_options_default(&o);
    if (!dir) {
        fprintf(stderr, "vae-vk dataset prepare: give the folder of images: "
                        "dataset prepare DIR --out FILE\n");
        return 2;
    }
    if (cli_parse_crop("dataset prepare", crop_text, &o.crop) != 0)
        return 2;
    char default_out[1100], err[1200];
    if (!out) {
        snprintf(default_out, sizeof default_out, "%s/.vae-vk-cache-64.bin", dir);
        out = default_out;
    }
    progress pg;
    progress_init(&pg, quiet);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = threads ? threads : cores > 0 ? (int)cores : 1;
    o.progress = cli_data_progress;
    o.progress_ctx = &pg;
    vae_cache_summary sum;
    status = vae_cache_build(dir, out, &o, &sum, err, sizeof err);
    progress_end(&pg);
    if (status != 0) {
        fprintf(stderr, "vae-vk dataset prepare: %s\n", err);
        return 1;
    }
    char skipped[1024] = "";
    vae_skipped_line(sum.skipped_list, sum.skipped, 8, skipped, sizeof skipped);
    if (!quiet)
        cli_wrote("dataset prepare", out, "a cache of %ld images from %ld files, %.1f MiB, in %.1f s: "
                  "%.0f images/s on %d threads; %ld skipped%s%s", sum.images, sum.files,
                  (double)sum.images * VAE_DATA_IMAGE_BYTES / (1 << 20), sum.seconds,
                  sum.seconds > 0 ? (double)sum.files / sum.seconds : 0.0, o.threads, sum.skipped,
                  sum.skipped ? ": " : "", skipped);
    vae_cache_summary_free(&sum);
    return 0;
}
