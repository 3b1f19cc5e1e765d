/* The fast backend's own threads: a pool that runs a loop's range split in
 * contiguous runs, one per thread, the caller taking the first. Workers
 * spin briefly for the next loop (ops follow each other within
 * microseconds), then sleep, so an idle backend, or one sharing the cores
 * with other programs, does not burn them. Which thread runs which run
 * never changes a result: every item is computed the same way wherever it
 * runs. */
#ifndef VAEVK_FAST_THREADS_H
#define VAEVK_FAST_THREADS_H

#include <stdint.h>

typedef struct fast_pool fast_pool;

/* A pool of `threads` threads, the caller counted; NULL when out of memory
 * or threads cannot start. */
fast_pool *fast_pool_create(int threads);
void fast_pool_destroy(fast_pool *p);
int fast_pool_threads(const fast_pool *p);

typedef void (*fast_range_fn)(void *ctx, int64_t begin, int64_t end);

/* fn over [0, n): thread t gets [n·t/T, n·(t+1)/T). With fewer than
 * `grain` items per thread the caller runs it all (no hand-off for tiny
 * loops). Not re-entrant: fn must not call it. */
void fast_parallel_for(fast_pool *p, int64_t n, int64_t grain, fast_range_fn fn, void *ctx);

#endif
