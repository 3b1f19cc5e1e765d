/* Recording an op on the fast backend: which implementation runs it, with
 * what precomputed. Ops without a fast version run on the reference. */
#include <stdio.h>
#include <stdlib.h>

#include "cpu/reference_run.h"
#include "fast/fast_internal.h"
#include "fast/fast_ops.h"
#include "fast/fast_product.h"

static int reserve(fast_backend *f, float **space, size_t *have, size_t words) {
    if (words <= *have)
        return 0;
    float *s = aligned_alloc(64, (words * 4 + 63) / 64 * 64);
    if (!s) {
        snprintf(f->base.error, sizeof f->base.error,
                 "out of memory: the CPU backend needs %zu MiB of work space (try a smaller --batch)",
                 (words * 4) >> 20);
        return -1;
    }
    free(*space);
    *space = s;
    *have = words;
    return 0;
}

int fast_scratch_reserve(fast_backend *f, size_t words) { return reserve(f, &f->scratch, &f->scratch_words, words); }
int fast_keep_reserve(fast_backend *f, size_t words) { return reserve(f, &f->keep, &f->keep_words, words); }

static int run_product(fast_backend *f, const fast_step *s) {
    fast_product_plan_run(f, s->plan, &s->op);
    return 0;
}

static void free_product(void *plan) {
    if (plan)
        fast_product_plan_free(plan);
    free(plan);
}

static int plan_product(fast_backend *f, const vae_op *op, fast_step *s) {
    fast_product_plan *pp = calloc(1, sizeof *pp);
    if (!pp) {
        snprintf(f->base.error, sizeof f->base.error, "out of memory planning %s", vae_op_name(op->kind));
        return -1;
    }
    s->plan = pp;
    s->free_plan = free_product;
    s->run = run_product;
    int status = vae_op_info_of(op->kind)->layer == VAE_LAYER_LINEAR
                     ? fast_plan_linear(op, pp, f->base.error, sizeof f->base.error)
                     : fast_plan_conv(op, pp, f->base.error, sizeof f->base.error);
    if (status == 0 && op->precision == VAE_PRECISION_MIXED)
        status = fast_plan_mixed(op, pp, f->base.error, sizeof f->base.error);
    s->scratch_words = fast_product_plan_scratch(pp);
    return status;
}

int fast_plan_op(fast_backend *f, const vae_op *op, fast_step *s) {
    s->op = *op;
    s->run = NULL;
    s->plan = NULL;
    s->free_plan = NULL;
    s->scratch_words = 0;
    switch (vae_op_info_of(op->kind)->family) {
    case VAE_FAMILY_PRODUCT:
        if (plan_product(f, op, s) != 0)
            return -1;
        break;
    case VAE_FAMILY_ELEMENTWISE:
        s->run = fast_elementwise_op(op->kind);
        break;
    case VAE_FAMILY_REDUCTION:
        s->run = fast_reduction_op(op->kind);
        s->scratch_words = fast_reduction_scratch(op);
        break;
    }
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
