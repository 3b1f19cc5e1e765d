/* Opening datasets by spec, the synthetic one, shuffles and batches. */
#include "vaevk/dataset.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vaevk/rng.h"
#include "vaevk/synthetic.h"

typedef struct {
    vae_dataset base;
    uint64_t seed;
} synthetic_dataset;

static int synthetic_read(vae_dataset *ds, long index, uint8_t *rgb) {
    synth_face(rgb, ((synthetic_dataset *)ds)->seed, (uint32_t)index);
    return 0;
}

static void synthetic_close(vae_dataset *ds) { free(ds); }

static int open_synthetic(long count, uint64_t seed, vae_dataset **out, char *err, size_t errlen) {
    synthetic_dataset *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->base.count = count;
    s->base.unbounded = 1;
    s->base.costly_read = 1; /* ~0.3 ms a face: one thread feeds ~3,000 images/s */
    s->base.read = synthetic_read;
    s->base.close = synthetic_close;
    s->seed = seed;
    snprintf(s->base.description, sizeof s->base.description, "synthetic faces (%ld, seed %llu)",
             count, (unsigned long long)seed);
    *out = &s->base;
    return 0;
}

void vae_data_options_default(vae_data_options *o) {
    memset(o, 0, sizeof *o);
    o->crop = VAE_CROP_AUTO;
}

int vae_dataset_open_with(const char *spec, const vae_data_options *o, long synthetic_count,
                          uint64_t seed, vae_dataset **out, char *err, size_t errlen) {
    *out = NULL;
    if (strcmp(spec, "synthetic") == 0)
        return open_synthetic(synthetic_count, seed, out, err, errlen);
    struct stat st;
    if (stat(spec, &st) != 0) {
        snprintf(err, errlen, "--data %s: %s (give synthetic, a folder of images or a cache file)",
                 spec, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode))
        return vae_cache_open(spec, out, err, errlen);
    vae_cache_summary built;
    int status = vae_cache_open_for_dir(spec, o, out, &built, err, errlen);
    vae_cache_summary_free(&built);
    if (status == 0)
        snprintf((*out)->description, sizeof (*out)->description, "%ld images of %s", (*out)->count,
                 spec);
    return status;
}

int vae_dataset_open(const char *spec, long synthetic_count, uint64_t seed, vae_dataset **out,
                     char *err, size_t errlen) {
    vae_data_options o;
    vae_data_options_default(&o);
    return vae_dataset_open_with(spec, &o, synthetic_count, seed, out, err, errlen);
}

void vae_dataset_close(vae_dataset *ds) {
    if (ds)
        ds->close(ds);
}

void vae_dataset_shuffle(long *order, long n, uint64_t seed, uint32_t epoch) {
    for (long i = 0; i < n; i++)
        order[i] = i;
    for (long i = n - 1; i > 0; i--) {
        uint64_t r = (uint64_t)vae_rng_u32(seed, VAE_STREAM_SHUFFLE, epoch, (uint32_t)i);
        long j = (long)((r * (uint64_t)(i + 1)) >> 32); /* uniform in [0, i] */
        long t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

int vae_dataset_read_batch(vae_dataset *ds, const long *order, long first, int n, uint8_t *rgb) {
    for (int i = 0; i < n; i++) {
        long index = order ? order[first + i] : first + i;
        if (ds->read(ds, index, rgb + (size_t)i * VAE_DATA_IMAGE_BYTES) != 0)
            return -1;
    }
    return 0;
}

/* One thread's share of a list: images worker, worker + threads, ... */
typedef struct {
    vae_dataset *ds;
    const long *images;
    long n;
    uint8_t *rgb;
    int worker, threads, status;
    pthread_t thread;
} list_part;

static void *read_part(void *arg) {
    list_part *p = arg;
    p->status = 0;
    for (long i = p->worker; i < p->n && p->status == 0; i += p->threads)
        p->status = p->ds->read(p->ds, p->images[i], p->rgb + (size_t)i * VAE_DATA_IMAGE_BYTES);
    return NULL;
}

int vae_dataset_read_list(vae_dataset *ds, const long *images, long n, uint8_t *rgb, int threads) {
    list_part parts[VAE_LOADER_MAX_WORKERS];
    int created[VAE_LOADER_MAX_WORKERS] = {0}, status = 0;
    threads = threads < 1 ? 1 : threads > VAE_LOADER_MAX_WORKERS ? VAE_LOADER_MAX_WORKERS : threads;
    for (int w = 0; w < threads; w++) {
        parts[w] = (list_part){.ds = ds, .images = images, .n = n, .rgb = rgb, .worker = w, .threads = threads};
        /* part 0 is this thread's, and so is any helper that cannot start */
        created[w] = w > 0 && pthread_create(&parts[w].thread, NULL, read_part, &parts[w]) == 0;
    }
    for (int w = 0; w < threads; w++) {
        if (created[w])
            pthread_join(parts[w].thread, NULL);
        else
            read_part(&parts[w]);
        status |= parts[w].status;
    }
    return status ? -1 : 0;
}

int vae_dataset_read_threads(const vae_dataset *ds) {
    if (!ds->costly_read)
        return 1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return (int)(cores < 1 ? 1 : cores > VAE_LOADER_MAX_WORKERS ? VAE_LOADER_MAX_WORKERS : cores);
}

int vae_batch_order_init(vae_batch_order *o, long n, int batch, uint64_t seed) {
    *o = (vae_batch_order){.n = n, .epoch = -1, .batch = batch, .seed = seed};
    o->perm = malloc((size_t)(n > 0 ? n : 1) * sizeof *o->perm);
    return o->perm ? 0 : -1;
}

const long *vae_batch_order_step(vae_batch_order *o, long step) {
    long spe = o->n / o->batch, epoch = step / spe;
    if (epoch != o->epoch) {
        vae_dataset_shuffle(o->perm, o->n, o->seed, (uint32_t)epoch);
        o->epoch = epoch;
    }
    return o->perm + (step % spe) * o->batch;
}

void vae_batch_order_free(vae_batch_order *o) {
    free(o->perm);
    o->perm = NULL;
}
