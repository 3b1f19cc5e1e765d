/* The batch loader: one thread fills a ring of VAE_LOADER_SLOTS batch
 * buffers, step after step, while the trainer works on the batch it was
 * handed. Slot s % SLOTS holds step s; the thread runs at most SLOTS - 1
 * steps ahead (the trainer holds the remaining slot). A dataset whose reads
 * compute (the synthetic faces) has each batch split over `workers` threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vaevk/dataset.h"

struct vae_loader {
    vae_dataset *ds;
    const long *index;
    long n, steps_per_epoch;
    int batch;
    uint64_t seed;
    int workers;         /* threads that read one batch together */
    vae_batch_order order; /* (loader thread only) */
    long *images;        /* the batch being read (loader thread only) */
    uint8_t *slots[VAE_LOADER_SLOTS];
    long next_fill;      /* step the thread fills next; under lock */
    long next_take;      /* step the trainer takes next; under lock */
    int failed, stop;    /* under lock */
    char error[800];
    double waited;
    long served;
    pthread_mutex_t lock;
    pthread_cond_t filled, taken;
    pthread_t thread;
    int started;
};

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Assembles step `step` into out (batch, 64, 64, 3). */
static int fill(vae_loader *l, long step, uint8_t *out) {
    const long *positions = vae_batch_order_step(&l->order, step);
    for (int i = 0; i < l->batch; i++)
        l->images[i] = l->index ? l->index[positions[i]] : positions[i];
    if (vae_dataset_read_list(l->ds, l->images, l->batch, out, l->workers) == 0)
        return 0;
    snprintf(l->error, sizeof l->error, "%s", l->ds->error);
    return -1;
}

static void *loader_thread(void *arg) {
    vae_loader *l = arg;
    pthread_mutex_lock(&l->lock);
    for (;;) {
        while (!l->stop && l->next_fill >= l->next_take + VAE_LOADER_SLOTS - 1)
            pthread_cond_wait(&l->taken, &l->lock);
        if (l->stop)
            break;
        long step = l->next_fill;
        pthread_mutex_unlock(&l->lock); /* the slot is ours until next_fill moves */
        int status = fill(l, step, l->slots[step % VAE_LOADER_SLOTS]);
        pthread_mutex_lock(&l->lock);
        if (status != 0)
            l->failed = 1;
        else
            l->next_fill = step + 1;
        pthread_cond_broadcast(&l->filled);
        if (status != 0)
            break;
    }
    pthread_mutex_unlock(&l->lock);
    return NULL;
}

int vae_loader_start(vae_loader **out, vae_dataset *ds, const long *index, long n, int batch,
                     uint64_t seed, long first_step, char *err, size_t errlen) {
    *out = NULL;
    if (batch < 1 || n < batch) {
        snprintf(err, errlen, "%ld training images do not fill one batch of %d", n, batch);
        return -1;
    }
    vae_loader *l = calloc(1, sizeof *l);
    if (!l) {
        snprintf(err, errlen, "out of memory for the batch loader");
        return -1;
    }
    *l = (vae_loader){.ds = ds, .index = index, .n = n, .steps_per_epoch = n / batch,
                      .batch = batch, .seed = seed,
                      .next_fill = first_step, .next_take = first_step};
    l->workers = vae_dataset_read_threads(ds);
    if (l->workers > batch)
        l->workers = batch;
    int ok = vae_batch_order_init(&l->order, n, batch, seed) == 0 &&
             (l->images = malloc((size_t)batch * sizeof *l->images)) != NULL;
    for (int s = 0; s < VAE_LOADER_SLOTS; s++)
        ok = ok && (l->slots[s] = malloc((size_t)batch * VAE_DATA_IMAGE_BYTES)) != NULL;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->filled, NULL);
    pthread_cond_init(&l->taken, NULL);
    if (ok)
        ok = (l->started = pthread_create(&l->thread, NULL, loader_thread, l) == 0);
    if (!ok) {
        vae_loader_stop(l);
        snprintf(err, errlen, "out of memory (or threads) for the batch loader");
        return -1;
    }
    *out = l;
    return 0;
}

const uint8_t *vae_loader_next(vae_loader *l) {
    double t0 = seconds_now();
    pthread_mutex_lock(&l->lock);
    while (!l->failed && l->next_fill <= l->next_take)
        pthread_cond_wait(&l->filled, &l->lock);
    const uint8_t *batch = NULL;
    if (l->next_fill > l->next_take) {
        batch = l->slots[l->next_take % VAE_LOADER_SLOTS];
        l->next_take++; /* frees the slot of the batch handed out before */
        l->served++;
        pthread_cond_broadcast(&l->taken);
    }
    pthread_mutex_unlock(&l->lock);
    l->waited += seconds_now() - t0;
    return batch;
}

const char *vae_loader_error(const vae_loader *l) { return l->error; }
double vae_loader_wait_seconds(const vae_loader *l) { return l->waited; }
long vae_loader_batches(const vae_loader *l) { return l->served; }

void vae_loader_stop(vae_loader *l) {
    if (!l)
        return;
    if (l->started) {
        pthread_mutex_lock(&l->lock);
        l->stop = 1;
        pthread_cond_broadcast(&l->taken);
        pthread_mutex_unlock(&l->lock);
        pthread_join(l->thread, NULL);
    }
    pthread_cond_destroy(&l->filled);
    pthread_cond_destroy(&l->taken);
    pthread_mutex_destroy(&l->lock);
    for (int s = 0; s < VAE_LOADER_SLOTS; s++)
        free(l->slots[s]);
    vae_batch_order_free(&l->order);
    free(l->images);
    free(l);
}
