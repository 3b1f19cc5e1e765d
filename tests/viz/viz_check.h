/* Shared by the viz tests: a check that prints what it measured and counts
 * failures, and small file and process helpers. */
#ifndef VAEVK_TESTS_VIZ_CHECK_H
#define VAEVK_TESTS_VIZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int failures = 0;

/* Prints "ok"/"FAIL", the claim and the measured figure, on one line. */
#define CHECK(cond, ...)                                       \
    do {                                                       \
        int ok_ = (cond);                                      \
        printf("%s  ", ok_ ? "ok  " : "FAIL");                 \
        printf(__VA_ARGS__);                                   \
        printf("\n");                                          \
        if (!ok_) failures++;                                  \
    } while (0)

static inline void *test_alloc(size_t bytes) {
    void *p = calloc(bytes ? bytes : 1, 1);
    if (!p) {
        fprintf(stderr, "out of memory allocating %zu bytes for a test\n", bytes);
        exit(2);
    }
    return p;
}

#endif
