/* vae-vk dataset export: synthetic faces written as image files, to make
 * test and benchmark folders: DIR/000/000000.png, 1000 files a folder.
 * --shape celeba puts each face, enlarged to 148x148 by nearest neighbour,
 * where the CelebA crop finds it in a 178x218 picture (edges extended), so
 * a folder can stand in for img_align_celeba, decoding cost included. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "cli/dataset_cmds.h"
#include "cli/progress.h"
#include "cli/run_dir.h"
#include "cli/wrote.h"
#include "io/image.h"
#include "vaevk/dataset.h"
#include "vaevk/synthetic.h"

#define PER_FOLDER 1000

typedef struct {
    const char *dir;
    long first, n;
    uint64_t seed;
    int jpg, celeba, threads, index;
    int failed;
    char error[600];   /* the first write that failed */
} export_job;

/* The face as the centre 148x148 of a 178x218 picture. */
static void celeba_canvas(uint8_t *out, const uint8_t *face) {
    const int W = VAE_CELEBA_WIDTH, H = VAE_CELEBA_HEIGHT, C = VAE_CELEBA_CROP;
    const int x0 = (W - C) / 2, y0 = (H - C) / 2;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int fy = (y - y0) * 64 / C, fx = (x - x0) * 64 / C;
            fy = y < y0 ? 0 : fy > 63 ? 63 : fy;
            fx = x < x0 ? 0 : fx > 63 ? 63 : fx;
            memcpy(out + ((size_t)y * W + x) * 3, face + ((size_t)fy * 64 + fx) * 3, 3);
        }
}

static void *export_worker(void *arg) {
    export_job *j = arg;
    uint8_t face[VAE_DATA_IMAGE_BYTES], canvas[VAE_CELEBA_WIDTH * VAE_CELEBA_HEIGHT * 3];
    char path[1200];
    for (long i = j->index; i < j->n && !j->failed; i += j->threads) {
        long k = j->first + i;
        synth_face(face, j->seed, (uint32_t)k);
        const uint8_t *img = face;
        int w = 64, h = 64;
        if (j->celeba) {
            celeba_canvas(canvas, face);
            img = canvas, w = VAE_CELEBA_WIDTH, h = VAE_CELEBA_HEIGHT;
        }
        snprintf(path, sizeof path, "%s/%03ld/%06ld.%s", j->dir, k / PER_FOLDER, k,
                 j->jpg ? "jpg" : "png");
        /* encoded in memory and written whole: a full disk is an error, not an empty file */
        if ((j->jpg ? jpg_write_rgb(path, img, w, h, 90, j->error, sizeof j->error)
                    : png_write_rgb(path, img, w, h, j->error, sizeof j->error)) != 0)
            j->failed = 1;
    }
    return NULL;
}

/* Images [first, first + n) on `threads` threads, interleaved. 0, or -1
 * with the first failure in err. */
static int export_block(const export_job *proto, long first, long n, int threads, char *err, size_t errlen) {
    export_job jobs[64];
    pthread_t tid[64];
    int started = 0, failed = 0;
    for (int t = 0; t < threads; t++) {
        jobs[t] = *proto;
        jobs[t].first = first, jobs[t].n = n, jobs[t].threads = threads, jobs[t].index = t;
        if (pthread_create(&tid[t], NULL, export_worker, &jobs[t]) != 0)
            break;
        started++;
    }
    for (int t = 0; t < started; t++) {
        pthread_join(tid[t], NULL);
        if (jobs[t].failed && !failed)
            snprintf(err, errlen, "%s", jobs[t].error);
        failed |= jobs[t].failed;
    }
    if (started != threads && !failed)
        snprintf(err, errlen, "cannot start %d threads", threads);
    return started == threads && !failed ? 0 : -1;
}

int dataset_export(int argc, char **argv) {
    const char *out = NULL, *format = "png", *shape = "face";
    long n = 1000, first = 0;
    int threads = 0, quiet = 0;
    uint64_t seed = 1;
    arg_spec specs[] = {
        {"out", ARG_STRING, &out, 1, 0, "folder to fill (created)", 0},
        {"n", ARG_LONG, &n, 1, 1e9, "number of faces (1000)", 0},
        {"first", ARG_LONG, &first, 0, 4e9, "index of the first face (0)", 0},
        {"seed", ARG_U64, &seed, 1, 0, "synthetic faces' seed (1)", 0},
        {"format", ARG_STRING, &format, 1, 0, "png (default) or jpg (quality 90)", 0},
        {"shape", ARG_STRING, &shape, 1, 0, "face: 64x64 (default); celeba: 178x218 around it", 0},
        {"threads", ARG_INT, &threads, 1, 64, "encoding threads (one per core)", 0},
        {"quiet", ARG_FLAG, &quiet, 1, 0, "print nothing but errors", 0},
    };
    int status = args_parse("dataset export",
                            "--out DIR [--n 1000] [--format png|jpg] [--shape face|celeba]", specs, (int)(sizeof specs / sizeof specs[0]), argc, argv, NULL, 0, NULL);
    if (status != 0)
        return status > 0 ? 0 : 2;
    int jpg = strcmp(format, "jpg") == 0, celeba = strcmp(shape, "celeba") == 0;
    if (!out || (!jpg && strcmp(format, "png") != 0) || (!celeba && strcmp(shape, "face") != 0)) {
        fprintf(stderr, "vae-vk dataset export: give --out DIR, --format png or jpg, "
                        "--shape face or celeba\n");
        return 2;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    threads = threads ? threads : cores > 0 ? (int)(cores < 64 ? cores : 64) : 1;
    export_job proto = {.dir = out, .seed = seed, .jpg = jpg, .celeba = celeba};
    char sub[1200], err[1300] = "";
    progress pg;
    progress_init(&pg, quiet);
    double t0 = now_seconds();
    for (long done = 0; done < n;) {
        long k = first + done, block = PER_FOLDER - k % PER_FOLDER; /* to the end of a folder */
        block = block < n - done ? block : n - done;
        snprintf(sub, sizeof sub, "%s/%03ld", out, k / PER_FOLDER);
        if (make_dirs(sub, err, sizeof err) != 0 || export_block(&proto, k, block, threads, err, sizeof err) != 0) {
            progress_end(&pg);
            fprintf(stderr, "vae-vk dataset export: %s; stopped (every image file written is whole)\n", err);
            return 1;
        }
        done += block;
        char text[160];
        snprintf(text, sizeof text, "exporting: %ld/%ld faces", done, n);
        progress_update(&pg, done, n, text, done == n);
    }
    progress_end(&pg);
    double s = now_seconds() - t0;
    if (!quiet)
        cli_wrote("dataset export", out, "%ld faces as %s %s files, in %.1f s, %.0f images/s", n,
                  celeba ? "178x218" : "64x64", jpg ? "JPEG" : "PNG", s, s > 0 ? n / s : 0.0);
    return 0;
}
