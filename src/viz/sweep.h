/* A sweep's page: DIR/sweep.html, the runs of a grid over beta and the
 * beta ramp side by side (vae-vk sweep). Every run is shown and measured
 * on the same held-out faces and the same z; the page's answers to the
 * seed's questions are sentences built from those numbers. */
#ifndef VAEVK_VIZ_SWEEP_H
#define VAEVK_VIZ_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/train.h"
#include "viz/strbuf.h"

#define SWEEP_PAGE "sweep.html"
#define SWEEP_SHOWN 8       /* faces shown per run */
#define SWEEP_MEASURED 256  /* held-out faces, and samples, behind the numbers */

/* What every run is shown and measured on. */
typedef struct {
    int n;            /* held-out faces */
    uint8_t *faces;   // (n, 64, 64, 3)
    int held_out;     /* the faces are images no run trained on */
    int L;
    float *z;         // (n, L): N(0, I) from the SAMPLE stream of the seed, as `vae-vk sample` draws
    double face_spread; /* mean squared distance between two of the faces */
    double face_detail; /* mean squared difference of neighbouring pixels in the faces */
} viz_sweep_inputs;

/* One run of the grid and its numbers. Distances are squared and summed
 * over pixels in [-1, 1], the units of the loss's reconstruction term. */
typedef struct {
    char name[64];        /* its directory under the sweep's: beta-1_anneal-3 */
    float beta, anneal;   /* beta-max, and the ramp's length in epochs */
    long step, total;     /* steps trained, of the run's budget */
    long val_step;        /* val.csv's last row: step (0: none), recon, KL, images */
    double val_recon, val_kl;
    long val_images;
    int measured;         /* the fields below were filled */
    int L, active;        /* latent size; dimensions whose mu varies (VIZ_ACTIVE_VAR, viz/analysis.h) */
    double qz_var;        /* mean over dimensions of Var(mu) + E[sigma^2]: the spread of q(z); the prior's is 1 */
    double recon_detail;  /* neighbouring-pixel differences of the reconstructions over the faces' */
    double recon_gap;     /* mean distance from a reconstruction to the nearest other one */
    double sample_gap;    /* mean distance from a sample to the nearest reconstruction */
    double gap_ratio;     /* sample_gap / recon_gap; NaN when the reconstructions are all alike */
    double sample_spread; /* mean distance between two samples */
    double sample_detail; /* as recon_detail, for the samples */
    uint8_t *recon;       // (SWEEP_SHOWN, 64, 64, 3): reconstructions of the first faces
    uint8_t *samples;     // (SWEEP_SHOWN, 64, 64, 3): decodings of the first z
} viz_sweep_run;

/* The faces (the run's validation split, or synthetic faces past the
 * training set) and z, from the options every run shares. 0, or -1 + err. */
int viz_sweep_inputs_make(viz_sweep_inputs *in, const vae_train_options *o, char *err, size_t errlen);
void viz_sweep_inputs_free(viz_sweep_inputs *in);

/* Reads the last row of RUN_DIR/val.csv into r (val_step 0 when there is
 * none). 0, or -1 + err. */
int viz_sweep_read_validation(const char *run_dir, viz_sweep_run *r, char *err, size_t errlen);

/* Encodes the faces and decodes z with t (the run's model) and fills r's
 * measures and pictures. 0, or -1 + err. */
int viz_sweep_measure(vae_trainer *t, const viz_sweep_inputs *in, viz_sweep_run *r, char *err,
                      size_t errlen);
void viz_sweep_run_free(viz_sweep_run *r);

/* The seed's three questions as HTML, each answered by sentences built
 * from the runs' numbers with the measure named (sweep_answers.c), or, when
 * the grid lacks the runs to compare, what it lacks. */
void viz_sweep_answers(strbuf *b, const viz_sweep_inputs *in, const viz_sweep_run *runs, int n);

/* Writes DIR/sweep.html atomically: the answers (viz_sweep_answers), the
 * runs' numbers, reconstructions, samples and loss curves (each run's
 * DIR/NAME/log.csv and val.csv). o: the options the runs share. */
int viz_sweep_write(const char *dir, const vae_train_options *o, const viz_sweep_inputs *in,
                    const viz_sweep_run *runs, int n, char *err, size_t errlen);

#endif
