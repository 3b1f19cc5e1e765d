/* The thread pool (fast_threads.h): a job is published by bumping a
 * generation counter; workers spin on it for a while, then wait on a
 * condition variable; the caller waits for a count of busy workers to
 * reach zero the same way. */
#include "fast/fast_threads.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define relax() _mm_pause()
#else
#define relax() ((void)0)
#endif

/* Spin rounds before sleeping: up to about a millisecond, longer than most
 * gaps between two ops of a step (a quarter of that measured 5% slower at
 * batch 64: the workers fell asleep between ops). */
#define SPIN 400000

typedef struct {
    fast_pool *pool;
    int index;
} worker_arg;

struct fast_pool {
    int threads;
    pthread_t *workers;
    worker_arg *args;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    atomic_ulong generation;
    atomic_int busy;
    atomic_int stop;
    /* the current job */
    int64_t n;
    fast_range_fn fn;
    void *ctx;
};

static void run_share(fast_pool *p, int index) {
    const int64_t n = p->n, t = p->threads;
    int64_t begin = n * index / t, end = n * (index + 1) / t;
    if (begin < end)
        p->fn(p->ctx, begin, end);
}

static void *worker(void *arg) {
    fast_pool *p = ((worker_arg *)arg)->pool;
    const int index = ((worker_arg *)arg)->index;
    unsigned long seen = 0;
    for (;;) {
        unsigned long g = atomic_load(&p->generation);
        for (int spin = 0; spin < SPIN && g == seen; spin++) {
            relax();
            g = atomic_load(&p->generation);
        }
        if (g == seen) {
            pthread_mutex_lock(&p->mu);
            while ((g = atomic_load(&p->generation)) == seen)
                pthread_cond_wait(&p->wake, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        seen = g;
        if (atomic_load(&p->stop))
            return NULL;
        run_share(p, index);
        if (atomic_fetch_sub(&p->busy, 1) == 1) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}

fast_pool *fast_pool_create(int threads) {
    fast_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->threads = threads > 0 ? threads : 1;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    atomic_init(&p->generation, 0);
    atomic_init(&p->busy, 0);
    atomic_init(&p->stop, 0);
    p->workers = calloc((size_t)p->threads, sizeof *p->workers);
    p->args = calloc((size_t)p->threads, sizeof *p->args);
    if (!p->workers || !p->args) {
        fast_pool_destroy(p);
        return NULL;
    }
    for (int i = 1; i < p->threads; i++) {
        p->args[i] = (worker_arg){p, i};
        if (pthread_create(&p->workers[i], NULL, worker, &p->args[i]) != 0) {
            fast_pool_destroy(p);
            return NULL;
        }
        p->started = i;
    }
    return p;
}

void fast_pool_destroy(fast_pool *p) {
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->stop, 1);
    atomic_fetch_add(&p->generation, 1);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i <= p->started; i++)
        pthread_join(p->workers[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    free(p->workers);
    free(p->args);
    free(p);
}

int fast_pool_threads(const fast_pool *p) { return p->threads; }

void fast_parallel_for(fast_pool *p, int64_t n, int64_t grain, fast_range_fn fn, void *ctx) {
    if (n <= 0)
        return;
    if (p->threads == 1 || n < grain * p->threads) {
        fn(ctx, 0, n);
        return;
    }
    p->n = n;
    p->fn = fn;
    p->ctx = ctx;
    atomic_store(&p->busy, p->threads - 1);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add(&p->generation, 1);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    run_share(p, 0);
    for (int spin = 0; spin < SPIN && atomic_load(&p->busy) > 0; spin++)
        relax();
    if (atomic_load(&p->busy) > 0) {
        pthread_mutex_lock(&p->mu);
        while (atomic_load(&p->busy) > 0)
            pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}
