/* What the latent dimensions track on the synthetic faces, whose attributes
 * are known: the correlation over images of each dimension's mu with each
 * attribute of the generator (vaevk/synthetic.h). */
#ifndef VAEVK_VIZ_ATTRIBUTES_H
#define VAEVK_VIZ_ATTRIBUTES_H

#include <stdint.h>

#include "vaevk/synthetic.h"

/* 1 for the angles (light_angle, background_hue, shirt_hue): a turn wraps,
 * so they are measured through their cosine and sine. */
int viz_attribute_is_angle(int k);

/* r[d * SYNTH_NUM_ATTRIBUTES + k] for the n faces index[0..n) of seed:
 * Pearson's r of mu[:, d] with attribute k, or for an angle the multiple
 * correlation of mu[:, d] with (cos, sin) of it, which is its correlation
 * with the best direction on the circle, in [0, 1]. 0 where either side
 * does not vary. */
void viz_attribute_correlations(double *r, const float *mu, int n, int L, uint64_t seed,
                                const long *index);
// r (L, SYNTH_NUM_ATTRIBUTES), mu (n, L), index (n)

#endif
