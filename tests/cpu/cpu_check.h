/* Shared helpers of the CPU op tests: float/double test data from the common
 * seeded generator, and one-line reports of a measured error against its
 * bound. Header-only; each test is its own program. */
#ifndef VAEVK_TESTS_CPU_CHECK_H
#define VAEVK_TESTS_CPU_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/check.h"

static inline void fill_f64(double *x, size_t n, uint64_t *s, double lo, double hi) {
    for (size_t i = 0; i < n; i++) x[i] = test_uniform(s, lo, hi);
}

/* Float data and its exact double copy, so both precisions see the same inputs. */
static inline void fill_pair(float *xf, double *xd, size_t n, uint64_t *s, double lo, double hi) {
    for (size_t i = 0; i < n; i++) {
        xf[i] = (float)test_uniform(s, lo, hi);
        xd[i] = (double)xf[i];
    }
}

#define ALLOC_F(n) ((float *)test_alloc((size_t)(n) * sizeof(float)))
#define ALLOC_D(n) ((double *)test_alloc((size_t)(n) * sizeof(double)))

/* Prints one check's figure against its bound; returns 1 on failure. */
static inline int report(const char *what, double worst, double bound) {
    int ok = worst <= bound;  /* false for NaN too */
    printf("%-4s %-58s worst %.3e  bound %.3e\n", ok ? "ok" : "FAIL", what, worst, bound);
    return ok ? 0 : 1;
}

static inline double dot_f64(const double *a, const double *b, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

#endif
