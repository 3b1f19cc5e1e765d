/* Index arithmetic shared by conv2d and conv_transpose2d. */
#ifndef VAEVK_CPU_OPS_CONV_TAP_H
#define VAEVK_CPU_OPS_CONV_TAP_H

#include "vaevk/ops.h"

/* A convolution tap links large-side row `big` and small-side row `small`
 * through kernel row k when big = small·STRIDE - PAD + k (the same holds for
 * columns). Given big and k, returns the small row, or -1 when no row
 * 0 <= small < n satisfies it (the tap lands in the padding or between
 * strides). Lets the backward and transposed passes gather instead of
 * scatter, so each output is one sum accumulated in double. */
static inline int conv_tap_small(int big, int k, int n) {
    int t = big + VAE_PAD - k;
    if (t < 0 || t % VAE_STRIDE != 0) return -1;
    t /= VAE_STRIDE;
    return t < n ? t : -1;
}

#endif
