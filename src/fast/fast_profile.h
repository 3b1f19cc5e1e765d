/* VAEVK_PROFILE=1: per-op wall times of the fast backend's recordings. */
#ifndef VAEVK_FAST_PROFILE_H
#define VAEVK_FAST_PROFILE_H

#include "fast/fast_internal.h"

int fast_profile_wanted(void);
double fast_now(void);
/* One line per distinct op (kind and sizes): time per submission, share,
 * and GFLOP/s for products. */
void fast_profile_report(const fast_step *steps, const double *seconds, int count, int submissions);

#endif
