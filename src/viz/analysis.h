/* The analysis of one trained model on held-out images: the KL term
 * decomposed (viz/kl_decompose.h), the active units, the ELBO and the
 * importance-weighted bounds (viz/iwae.h) and the prior holes
 * (viz/holes.h); what `vae-vk analyze` prints and the report shows. */
#ifndef VAEVK_VIZ_ANALYSIS_H
#define VAEVK_VIZ_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/dataset.h"
#include "vaevk/train.h"
#include "viz/holes.h"
#include "viz/iwae.h"
#include "viz/kl_decompose.h"

#define VIZ_ACTIVE_VAR 0.01 /* a unit is active when Var over images of its mu exceeds this */

typedef struct {
    int n;           /* held-out images encoded: the aggregate posterior's components */
    int samples;     /* draws from each q(z|x) per repeat of the KL decomposition */
    int repeats;     /* of the KL decomposition, with other draws */
    int iwae_images; /* the first of the n images get the ELBO and the bounds */
    int nk, k[VIZ_IWAE_MAX_K];
    int holes;       /* z ~ N(0, I) scored for the prior holes */
    uint64_t seed;   /* of the analysis's draws (the ANALYSIS stream) */
} viz_analysis_options;

/* What runs in seconds on the CPU backend for the full model. */
void viz_analysis_defaults(viz_analysis_options *o);

typedef struct {
    viz_analysis_options o;
    int n, L;
    int held_out;    /* the images are ones the model never trained on */
    float *mu, *log_var; // (n, L)
    double *kl_dim;  // (L): per-dimension KL (viz_kl_per_dim)
    int *order;      // (L): dimensions by KL, largest first
    double *mu_var;  // (L): variance over the n images of mu
    int active;      /* dimensions with mu_var > VIZ_ACTIVE_VAR */
    viz_kl_split kl;
    viz_iwae iwae;
    viz_holes holes;
} viz_analysis;

/* Var over the n codes of each dimension's mu (divided by n). */
void viz_mu_variance(double *var, const float *mu, int n, int L);
// var (L), mu (n, L)
/* The active units: how many of var[0..L) exceed VIZ_ACTIVE_VAR. */
int viz_count_active(const double *mu_var, int L);

/* Analyses t's model on ds: its held-out images (synthetic faces past the
 * training set, else the run's validation split; else, with fewer than two
 * held out, its first images), at most o->n of them. run: the run's options
 * (data seed, validation fraction). fn (may be NULL) hears of long work.
 * 0, or -1 with one line in err; free a with viz_analysis_free either way. */
int viz_analyze(vae_trainer *t, vae_dataset *ds, const vae_train_options *run,
                const viz_analysis_options *o, vae_progress_fn fn, void *ctx, viz_analysis *a,
                char *err, size_t errlen);
void viz_analysis_free(viz_analysis *a);

#endif
