/* Shared by the data tests: a check that prints what it measured and counts
 * failures, and small helpers on (64, 64, 3) face images. */
#ifndef VAEVK_TESTS_DATA_CHECK_H
#define VAEVK_TESTS_DATA_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "vaevk/synthetic.h"

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

#define FACE_BYTES (SYNTH_SIZE * SYNTH_SIZE * 3)

static inline void *test_alloc(size_t bytes) {
    void *p = calloc(bytes ? bytes : 1, 1);
    if (!p) {
        fprintf(stderr, "out of memory allocating %zu bytes for a test\n", bytes);
        exit(2);
    }
    return p;
}

/* Largest channel difference at pixel (y, x). */
static inline int pixel_diff(const uint8_t *a, const uint8_t *b, int y, int x) {
    int worst = 0;
    for (int c = 0; c < 3; c++) {
        int d = abs((int)a[(y * SYNTH_SIZE + x) * 3 + c] - (int)b[(y * SYNTH_SIZE + x) * 3 + c]);
        if (d > worst) worst = d;
    }
    return worst;
}

/* Pixels whose largest channel difference exceeds `above`. */
static inline int count_changed(const uint8_t *a, const uint8_t *b, int above) {
    int n = 0;
    for (int y = 0; y < SYNTH_SIZE; y++)
        for (int x = 0; x < SYNTH_SIZE; x++)
            n += pixel_diff(a, b, y, x) > above;
    return n;
}

#endif
