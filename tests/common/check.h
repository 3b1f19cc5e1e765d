/* What every C test program shares, header-only (each test is its own
 * program, so nothing here needs linking):
 *   - CHECK(cond, fmt, ...): prints "ok"/"FAIL", the claim and the measured
 *     figure on one line, and counts failures in `failures`; a test ends with
 *     `return failures ? 1 : 0;`.
 *   - test_alloc: zeroed memory, or exit 2 (a set-up failure, not a result).
 *   - test_next / test_uniform: a small seeded generator for test data.
 *   - test_float_bits / test_bits_float: a float's bit pattern and back.
 * Area headers (tests/<area>/<area>_check.h) include this one and add only
 * what their own tests need; areas with nothing of their own (viz, cli)
 * include it directly. Included by relative path ("../common/check.h"), so
 * no meson include_directories are needed. */
#ifndef VAEVK_TESTS_COMMON_CHECK_H
#define VAEVK_TESTS_COMMON_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tests that report through their own counts (the CPU op tests) leave it unused. */
static int failures __attribute__((unused)) = 0;

#define CHECK(cond, ...)                       \
    do {                                       \
        int ok_ = (cond);                      \
        printf("%s  ", ok_ ? "ok  " : "FAIL"); \
        printf(__VA_ARGS__);                   \
        printf("\n");                          \
        if (!ok_) failures++;                  \
    } while (0)

static inline void *test_alloc(size_t bytes) {
    void *p = calloc(bytes ? bytes : 1, 1);
    if (!p) {
        fprintf(stderr, "out of memory allocating %zu bytes for a test\n", bytes);
        exit(2);
    }
    return p;
}

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

static inline uint32_t test_float_bits(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline float test_bits_float(uint32_t u) {
    float x;
    memcpy(&x, &u, sizeof x);
    return x;
}

#endif
