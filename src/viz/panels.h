/* The pictures made from a model: interpolations between pairs of images,
 * reconstructions, traversals. Each fills an array of 64x64 images for a
 * canvas; any count, in chunks of the trainer's batch. */
#ifndef VAEVK_VIZ_PANELS_H
#define VAEVK_VIZ_PANELS_H

#include <stddef.h>
#include <stdint.h>

#include "vaevk/train.h"

/* Row i: `steps` decodings from mu(a[i]) to mu(b[i]) (viz_interpolate).
 * 0, or -1 with one line in err. */
int viz_interpolation_images(vae_trainer *t, const uint8_t *a, const uint8_t *b, int pairs,
                             int steps, int slerp, uint8_t *out, char *err, size_t errlen);
// a (pairs, 64, 64, 3), b (pairs, 64, 64, 3), out (pairs * steps, 64, 64, 3)

/* out[2i] = orig[i], out[2i + 1] = decode(mu(orig[i])). 0 or -1 + err. */
int viz_reconstruction_images(vae_trainer *t, const uint8_t *orig, int n, uint8_t *out,
                              char *err, size_t errlen);
// orig (n, 64, 64, 3), out (2n, 64, 64, 3)

/* Decodes viz_traverse_latents(base, dims, rows, steps, range). 0 or -1 + err. */
int viz_traversal_images(vae_trainer *t, const float *base, const int *dims, int rows, int steps,
                         float range, uint8_t *out, char *err, size_t errlen);
// base (L), out (rows * steps, 64, 64, 3)

/* `pairs` pairs of distinct indices in [0, count) (count >= 2), a pure
 * function of seed: the SAMPLE stream at step 1 (sample's z uses step 0). */
void viz_random_pairs(long *a, long *b, int pairs, long count, uint64_t seed);

#endif
