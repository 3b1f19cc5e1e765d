/* The seed's "marbles in the bell" (section 5), drawn: each image's
 * posterior q(z|x) in two latent dimensions as an ellipse centred on mu
 * with semi-axes sigma, over the prior N(0, 1)'s circles at 1, 2 and 3
 * standard deviations. An inline SVG for the report. */
#ifndef VAEVK_VIZ_MARBLES_H
#define VAEVK_VIZ_MARBLES_H

#include "viz/strbuf.h"

/* Appends one square <svg> of `size` pixels with the id `id`: dimensions
 * dx (across) and dy (up) of n posteriors, the axes labelled with each
 * dimension's KL. The range is at least -3.5..3.5, wider (up to 8) when
 * marbles lie outside; what lies further is clipped. */
void viz_marbles_svg(strbuf *b, const char *id, const float *mu, const float *log_var, int n,
                     int L, int dx, int dy, double kl_x, double kl_y, int size);
// mu (n, L), log_var (n, L)

#endif
