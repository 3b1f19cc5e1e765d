/* The op cases of the selftest (src/core/selftest_ops.c): which ops at
 * which sizes, where their tensors live and what goes in them. */
#ifndef VAEVK_CORE_SELFTEST_CASES_H
#define VAEVK_CORE_SELFTEST_CASES_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/program.h"

typedef struct {
    vae_op_kind kind;
    int32_t d[VAE_OP_MAX_DIMS];
    float f[3];
    int specials;     /* NaN and ±Inf among the float inputs (2: and the loss scaler's found set) */
    vae_precision precision; /* products: mixed cases run where the backend has it */
} selftest_case;

extern const selftest_case selftest_cases[];
extern const int selftest_case_count;

/* The arena tensor k of a case lives in: the host-written step inputs,
 * pixels and indices in IO, input_gather's images in DATA, the rest spread
 * over the other arenas so all get used. */
vae_arena selftest_arena(vae_op_kind kind, int k);
/* Tensor k's initial words (op->t[k].count of them) into w; `rng` is the
 * case's splitmix64 state. */
void selftest_fill(const selftest_case *c, const vae_op *op, int k, uint32_t *w, uint64_t *rng);

#endif
