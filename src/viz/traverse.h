/* Latent traversals: one row per dimension, that dimension swept from
 * -range to +range around a base code while the others stay put. */
#ifndef VAEVK_VIZ_TRAVERSE_H
#define VAEVK_VIZ_TRAVERSE_H

#include <stddef.h>

#include "viz/canvas.h"

/* Label margins of a traversal picture, in pixels at scale 1. */
#define VIZ_TRAVERSE_LEFT 52
#define VIZ_TRAVERSE_TOP 12

/* Offset of column j of `steps`: -range + 2 range j / (steps - 1) (0 for one step). */
float viz_traverse_offset(int j, int steps, float range);

/* z[r * steps + j] = base with dimension dims[r] moved by offset j. */
void viz_traverse_latents(float *z, const float *base, const int *dims, int rows, int steps,
                          float range, int L);
// z (rows * steps, L), base (L)

/* The decoded rows as a picture: each row labelled "z<d>" and, unless kl is
 * NULL, "KL <kl[d]>" in a left margin, the offsets above the columns. The
 * text is scaled with the images. 0, or -1 with one line in err. */
int viz_traverse_canvas(viz_canvas *c, const uint8_t *images, const int *dims, const double *kl,
                        int rows, int steps, float range, int scale, char *err, size_t errlen);
// images (rows * steps, 64, 64, 3)

#endif
