/* One op of the reference on arenas in host memory: what the reference
 * backend does for every op of a program, and what a faster backend calls
 * for the ops it does not accelerate. */
#ifndef VAEVK_CPU_REFERENCE_RUN_H
#define VAEVK_CPU_REFERENCE_RUN_H

#include "vaevk/program.h"

/* arena[a] is the first word of arena a, floats (the IO and DATA arenas
 * raw words: vae_arena_holds_words). The op's tensors must have passed
 * vae_program_check. */
void vae_reference_run_op(const vae_op *op, void *const arena[VAE_ARENA_COUNT]);
/* The same in double precision: every arena but IO and DATA holds doubles. */
void vae_reference_run_op_f64(const vae_op *op, void *const arena[VAE_ARENA_COUNT]);

#endif
