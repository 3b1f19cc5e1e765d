/* bench_coopmat's parts (bench_coopmat.c says what it does): the CPU
 * reference and check (bench_coopmat_ref.c), the device (bench_coopmat_vk.c). */
#ifndef VAEVK_TOOLS_BENCH_COOPMAT_H
#define VAEVK_TOOLS_BENCH_COOPMAT_H

#include <stdint.h>

#include "vk/vk_context.h"
#include "vk/vk_coopmat.h"
#include "vk/vk_memory.h"
#include "vk/vk_oneshot.h"
#include "vk/vk_pipelines.h"

#define GUARD 64u /* words after C that must stay as written */
#define GUARD_VALUE 12345.0f

typedef struct {
    uint32_t M, N, K;
    int transposed; /* A, B and C column-major */
    float scale;    /* of the operands */
} bench_case;

/* The push constants of case c: strides for row- or column-major. */
vk_coopmat_push bench_push(const bench_case *c);

/* A (M×K) and B (K×N) of case c, laid out as its push constants say. */
void bench_operands(const bench_case *c, float *a, float *b);

/* What the check found over all outputs. */
typedef struct {
    uint64_t bad;          /* outputs past the bound, NaN or unwritten */
    uint64_t first;        /* the first of them (m·N + n) */
    double got, want;      /* its value and the reference's */
    double worst_ratio;    /* max |got - ref| / (K·2^-23·Σ|ab|): <= 1 passes */
    double nmse;           /* Σ(got - ref)² / Σ ref² */
    int guard_ok;
} bench_verdict;

/* Compares C (as the device wrote it, GUARD words after it) with the
 * reference on `threads` threads. */
void bench_check(const bench_case *c, const float *a, const float *b, const float *got, int threads,
                 bench_verdict *v);

/* What the kernel should compute, on the CPU, for the self-check: C as the
 * kernel does it (operands rounded to nearest-even halves, products summed
 * in fp32 in k order), or with one thing wrong, as listed. The guard words
 * after C are written too. */
typedef enum {
    SIM_RIGHT,           /* as the kernel should */
    SIM_UNROUNDED,       /* fp32 operands, not rounded */
    SIM_TRUNCATED,       /* operands rounded toward zero */
    SIM_FLUSHED,         /* subnormal halves flushed to zero */
    SIM_ONE_UNWRITTEN,   /* one output left as it was (NaN) */
    SIM_PAST_THE_END,    /* a guard word overwritten */
    SIM_MODES
} bench_sim;
void bench_simulate(const bench_case *c, const float *a, const float *b, float *got, bench_sim how);

typedef struct {
    vk_context ctx;
    vk_memory mem;
    vk_pipelines pipes;
    vk_coopmat_config cfg;
    vk_oneshot run;
} bench;

/* Opens device `device` with cooperative matrices and room for every case.
 * 0; 77 and one line when it has no kernel for them; 2 on other errors. */
int bench_open(bench *b, int device, const bench_case *cases, int n);
/* Case c: checked, then timed over `reps` dispatches (0: about 10 TFLOP).
 * Counts a failed check in *failed; 0, or 2 on a device error. */
int bench_case_run(bench *b, const bench_case *c, int reps, int *failed);
void bench_close(bench *b);

#endif
