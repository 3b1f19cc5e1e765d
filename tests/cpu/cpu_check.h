/* Shared helpers of the CPU op tests: a seeded generator for test data and
 * one-line reports of a measured error against its bound. Header-only; each
 * test is its own program. */
#ifndef VAEVK_TESTS_CPU_CHECK_H
#define VAEVK_TESTS_CPU_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* splitmix64: test data only needs to be varied and reproducible. */
static inline uint64_t test_next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi), on a 2^-24 grid so the value is exact in float too. */
static inline double test_uniform(uint64_t *s, double lo, double hi) {
    double u = (double)(test_next(s) >> 40) * 0x1p-24;
    return lo + (hi - lo) * u;
}

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

static inline void *test_alloc(size_t bytes) {
    void *p = calloc(bytes ? bytes : 1, 1);
    if (!p) {
        fprintf(stderr, "out of memory allocating %zu bytes for a test\n", bytes);
        exit(2);
    }
    return p;
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
