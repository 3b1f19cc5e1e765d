/* The element-wise ops and reductions of the fast backend, by kind. */
#ifndef VAEVK_FAST_OPS_H
#define VAEVK_FAST_OPS_H

#include <stddef.h>

#include "fast/fast_internal.h"

typedef int (*fast_run_fn)(fast_backend *f, const fast_step *s);

/* NULL for a kind the reference runs. */
fast_run_fn fast_elementwise_op(vae_op_kind kind);
fast_run_fn fast_reduction_op(vae_op_kind kind);
/* Scratch words a reduction needs. */
size_t fast_reduction_scratch(const vae_op *op);

/* VAE_OP_AGGREGATE_LOG_DENSITY (fast_aggregate.c) and its scratch words. */
int fast_aggregate_log_density(fast_backend *f, const fast_step *s);
size_t fast_aggregate_scratch(const vae_op *op);

#endif
