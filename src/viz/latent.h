/* The latent space seen from outside: encoding and decoding any number of
 * images in chunks of a trainer's batch, per-dimension KL and its ranking,
 * and paths between two codes. */
#ifndef VAEVK_VIZ_LATENT_H
#define VAEVK_VIZ_LATENT_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/dataset.h"
#include "vaevk/train.h"

/* Any n, batch by batch. 0, or -1 with one line in err. */
int viz_encode(vae_trainer *t, const uint8_t *pixels, int n, float *mu, float *log_var,
               char *err, size_t errlen);
// pixels (n, 64, 64, 3), mu (n, L), log_var (n, L)
int viz_decode(vae_trainer *t, const float *z, int n, uint8_t *rgb, char *err, size_t errlen);
// z (n, L), rgb (n, 64, 64, 3)

/* kl[d] = mean over the n codes of -0.5 (1 + lv - mu^2 - exp(lv)), the KL of
 * q(z_d | x) from N(0, 1) that the loss charges for dimension d. */
void viz_kl_per_dim(double *kl, const float *mu, const float *log_var, int n, int L);
// kl (L), mu (n, L), log_var (n, L)

/* Encodes images first..first+n-1 of ds. 0 or -1 + err. */
int viz_dataset_encode(vae_trainer *t, vae_dataset *ds, long first, int n, float *mu,
                       float *log_var, char *err, size_t errlen);
// mu (n, L), log_var (n, L)
/* The same, then kl (L) from the codes. 0 or -1 + err. */
int viz_dataset_kl(vae_trainer *t, vae_dataset *ds, long first, int n, double *kl,
                   char *err, size_t errlen);

/* order[0..L): dimensions by KL, largest first; equal KL by smaller index. */
void viz_rank_dims(int *order, const double *kl, int L);

/* z[j] for j = 0..steps-1 at t = j / (steps - 1) from a to b: along the line
 * (slerp = 0) or the great circle (slerp = 1; the line when a and b are
 * parallel or zero). z[0] is a and z[steps-1] is b exactly. steps >= 2. */
void viz_interpolate(float *z, const float *a, const float *b, int L, int steps, int slerp);
// z (steps, L), a (L), b (L)

#endif
