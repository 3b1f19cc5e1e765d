/* Checking a backend against the CPU reference: every op alone on awkward
 * sizes and special values, then a short training run. `vae-vk selftest`
 * and the tests in tests/vk run these; they take the backend under test and
 * the reference backend, so they know nothing of Vulkan.
 *
 * Agreement is measured as a normalized MSE, Σ(a-b)²/Σb² over the values
 * where the reference is finite (b the reference), plus NaN/±Inf at the same
 * positions, bit-identical values where the op is only correctly rounded
 * + - × in the reference's order, and nothing written outside the outputs. */
#ifndef VAEVK_SELFTEST_H
#define VAEVK_SELFTEST_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/backend.h"
#include "vaevk/model.h"
#include "vaevk/program.h"

/* One op: fp32 sums on a device against the reference's double sums land
 * near 1e-14; 1e-10 leaves room for any summation order, none for a wrong
 * index or a lost term (each of those costs far more than 1e-10). */
#define VAE_SELFTEST_OP_NMSE 1e-10
/* Training: every step's loss terms relative to the reference. */
#define VAE_SELFTEST_LOSS_REL 1e-5
/* Training: parameters and Adam's moments after the last step. */
#define VAE_SELFTEST_STATE_NMSE 1e-8
/* Training in mixed precision. Rounding an operand to binary16 is a step
 * function: where the reference's double sums and a device's fp32 sums
 * leave a value an ulp apart near a tie, the two round it to neighbouring
 * halves (2^-11 apart), and over 20 steps of Adam those flips compound.
 * Measured on the default run (vae_selftest_train_default): correct
 * backends reach 7.9e-4 (cpu) and 2.2e-3 (Vulkan on llvmpipe) relative on
 * the KL term (loss and recon stay near 1e-7) and 2.0e-8 / 2.4e-8 nMSE on
 * the parameters; a backend that does not round its operands 1.5e-2 on KL
 * and 3.8e-6 on the parameters (tests/fast/test_fast_mixed.c checks that
 * it fails). In either precision the loss scale and the count of skipped
 * steps must agree exactly at every step. */
#define VAE_SELFTEST_MIXED_LOSS_REL 5e-3
#define VAE_SELFTEST_MIXED_STATE_NMSE 3e-7
/* The training bounds for a run in `precision`. */
double vae_selftest_loss_rel(vae_precision precision);
double vae_selftest_state_nmse(vae_precision precision);

/* How far `got` is from `ref`, n values each. */
typedef struct {
    double nmse;          /* Σ(got-ref)²/Σref² where both are finite */
    double max_abs;       /* largest |got-ref| where both are finite */
    uint32_t max_ulp;     /* largest distance in units of the last place */
    size_t inexact;       /* values not bit-identical (any NaN equals any NaN) */
    size_t special_diff;  /* positions where NaN/±Inf differ */
} vae_selftest_diff;

vae_selftest_diff vae_selftest_compare(const float *got, const float *ref, size_t n);

/* ---- one op at a time ---------------------------------------------------- */

/* One case: an op as a one-op program, each tensor with guard words around
 * it, run on both backends from the same arenas. Figures are the worst over
 * the op's outputs. */
typedef struct {
    vae_op op;              /* kind, sizes, and its tensors as placed */
    char sizes[64];         /* d[] by name: "B=2 Cin=5 H=8 W=10 Cout=3" */
    int outputs;            /* tensors the op writes */
    size_t values;          /* output values compared */
    int specials;           /* NaN and ±Inf were among the float inputs */
    vae_selftest_diff diff; /* worst nmse, max_abs, max_ulp; summed counts */
    size_t changed_outside; /* words outside the outputs that changed */
    int exact_expected;     /* + - × only, in the reference's order */
    int nan_match;          /* diff.special_diff == 0 */
    int guards_ok;          /* changed_outside == 0 */
    int exact_ok;           /* !exact_expected or diff.inexact == 0 */
    int pass;               /* all of the above and nmse <= VAE_SELFTEST_OP_NMSE */
    char error[800];        /* a backend failed to run the case; "" otherwise */
} vae_selftest_op_result;

typedef void (*vae_selftest_op_fn)(void *ctx, const vae_selftest_op_result *r);

/* One op of any kind, sizes (op->d) and options (op->f) run as the cases
 * below are: tensors laid out from vae_op_size_of with guard words, filled
 * from `seed` (NaN/Inf among the float inputs with `specials`). `ref` may
 * be any backend: two fast backends with different thread counts, say. */
void vae_selftest_op(vae_backend *be, vae_backend *ref, const vae_op *op, int specials, uint64_t seed,
                     vae_selftest_op_result *r);

/* Number of cases vae_selftest_ops runs on these two: every op kind,
 * forward and backward, at least once; every product again in mixed
 * precision where both compute it (backend.h's `mixed`). */
int vae_selftest_op_count(const vae_backend *be, const vae_backend *ref);
/* Runs those cases on be and ref, calling fn after each. Returns the number
 * of cases that failed (a case a backend could not run fails, with error
 * set). */
int vae_selftest_ops(vae_backend *be, vae_backend *ref, vae_selftest_op_fn fn, void *ctx);

/* ---- a short training run ------------------------------------------------ */

#define VAE_SELFTEST_MAX_STEPS 64

typedef struct {
    vae_config cfg;
    int batch;
    int steps;             /* <= VAE_SELFTEST_MAX_STEPS */
    long images;           /* synthetic faces, reshuffled every epoch */
    float anneal_epochs;   /* beta ramps from 0 to 1 over these */
    float lr;
    uint64_t seed;         /* initialisation, data, noise, flips, shuffles */
    vae_precision precision; /* mixed: both backends need mixed products */
} vae_selftest_train_options;

/* Widths 4,8,8,16, latent 8, batch 4, 20 steps over 32 faces (2.5 epochs,
 * so two reshuffles), beta reaching 1 after 2 epochs, lr 1e-3, flips on:
 * seconds on a CPU Vulkan driver. */
void vae_selftest_train_default(vae_selftest_train_options *o);

typedef struct {
    float beta;
    vae_step_out got, ref;  /* loss terms on the backend and the reference */
    double rel[3];          /* |got-ref|/|ref| of loss, recon, kl */
    int pass;               /* every rel within the bound of the precision, the loss scale
                             * and skipped steps the same */
} vae_selftest_step;

typedef struct {
    vae_selftest_train_options o;
    int steps_run;
    vae_selftest_step step[VAE_SELFTEST_MAX_STEPS];
    double max_rel;                       /* over every step's terms */
    vae_selftest_diff params, adam_m, adam_v; /* after the last step */
    /* Parameters more than lr apart. Adam's first steps move every weight
     * by about ±lr whatever its gradient's size, so a gradient within
     * rounding of zero (but above Adam's eps) can step the two runs 2·lr
     * apart. In the default run one such weight alone costs 3e-8 of nMSE,
     * past the bound; this count tells that case from a general drift. */
    size_t params_apart;
    int pass;               /* every step, and params, m, v within the state bound */
    char error[800];        /* the run could not be done; "" otherwise */
} vae_selftest_train_result;

/* Trains o->steps steps on be and on ref from the same initialisation and
 * batches. 0 when both ran (r->pass says whether they agreed), -1 with
 * r->error when they could not. */
int vae_selftest_train(vae_backend *be, vae_backend *ref, const vae_selftest_train_options *o,
                       vae_selftest_train_result *r);

#endif
