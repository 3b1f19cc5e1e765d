/* Recording an op on the fast backend: which implementation runs it, with
 * what precomputed. Ops without a fast version run on the reference. */
#include <stdio.h>
#include <stdlib.h>

#include "cpu/reference_run.h"
#include "fast/fast_internal.h"

int fast_scratch_reserve(fast_backend *f, size_t words) {
    if (words <= f->scratch_words)
        return 0;
    float *s = aligned_alloc(64, (words * 4 + 63) / 64 * 64);
    if (!s) {
        snprintf(f->base.error, sizeof f->base.error,
                 "out of memory: the CPU backend needs %zu MiB of work space (try a smaller --batch)",
                 (words * 4) >> 20);
        return -1;
    }
    free(f->scratch);
    f->scratch = s;
    f->scratch_words = words;
    return 0;
}

int fast_plan_op(fast_backend *f, const vae_op *op, fast_step *s) {
    s->op = *op;
    s->run = NULL;
    s->plan = NULL;
    s->free_plan = NULL;
    s->scratch_words = 0;
    return fast_scratch_reserve(f, s->scratch_words);
}

int fast_run_step(fast_backend *f, const fast_step *s) {
    if (s->run)
        return s->run(f, s);
    vae_reference_run_op(&s->op, f->arena);
    return 0;
}

void fast_plan_free(fast_step *s) {
    if (s->free_plan)
        s->free_plan(s->plan);
    s->plan = NULL;
}
