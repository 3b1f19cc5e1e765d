/* Inside the fast CPU backend: the backend, a recorded step per op, and
 * the kernels of this machine. */
#ifndef VAEVK_FAST_INTERNAL_H
#define VAEVK_FAST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/backend.h"
#include "vaevk/fast.h"

/* The register tile every product runs on (fast_kernels.h): FAST_ROWS
 * broadcast rows by FAST_COLS vector columns. */
#define FAST_ROWS 6
#define FAST_COLS 16

typedef struct fast_kernels fast_kernels;
typedef struct fast_pool fast_pool;

typedef struct {
    vae_backend base;
    int threads;
    fast_pool *pool;     /* the threads every op runs on (fast_threads.h) */
    const fast_kernels *kernels;
    void *arena[VAE_ARENA_COUNT];
    uint32_t words[VAE_ARENA_COUNT];
    /* Work space shared by every recording (ops run one at a time), sized
     * at record time to the largest need. */
    float *scratch;
    size_t scratch_words;
    /* Copies an op makes for later ops of the same submission (fast_product.h). */
    float *keep;
    size_t keep_words;
} fast_backend;

typedef struct fast_step fast_step;
struct fast_step {
    vae_op op;
    /* NULL: the reference runs the op (cpu/reference_run.h). */
    int (*run)(fast_backend *f, const fast_step *s);
    void *plan;               /* the op's own precomputed tables */
    void (*free_plan)(void *plan);
    size_t scratch_words;     /* what run needs of f->scratch */
};

struct vae_recording {
    fast_step *step;
    int count;
    double *seconds;   /* VAEVK_PROFILE=1: each step's time, summed */
    int submissions;
};

static inline void *fast_at(const fast_backend *f, vae_tensor t) {
    return (float *)f->arena[t.arena] + t.offset;
}

/* Plans one op (vae_program_check has passed); -1 with be->error set. */
int fast_plan_op(fast_backend *f, const vae_op *op, fast_step *s);
int fast_run_step(fast_backend *f, const fast_step *s);
void fast_plan_free(fast_step *s);
/* Grow f->scratch and f->keep to at least `words`; -1 with be->error set. */
int fast_scratch_reserve(fast_backend *f, size_t words);
int fast_keep_reserve(fast_backend *f, size_t words);

/* This machine: the processor's name, and the kernels to use. */
void fast_cpu_name(char *out, size_t len);
const fast_kernels *fast_kernels_pick(void);

#endif
