/* The aggregate posterior's log-density at points.
 * Float op and its double twin from one body: see cpu/ops_template.h. */
#include "vaevk/ops.h"
#include "cpu/ops_f64.h"

#include <math.h>
#include <stddef.h>

#define LOG_2PI 1.8378770664093453

/* One term of a running log-sum-exp: sum holds Σ exp(e_k - best). A term of
 * -inf adds nothing (exp(-inf - -inf) would be NaN); NaN propagates. */
static void lse_add(double *best, double *sum, double e) {
    if (e == -INFINITY)
        return;
    if (e > *best) {
        *sum = *sum * exp(*best - e) + 1.0;
        *best = e;
    } else {
        *sum += exp(e - *best);
    }
}

#define OPS_BODY "cpu/ops_aggregate.inc"
#include "cpu/ops_template.h"
