/* Shared by the data tests: small helpers on (64, 64, 3) face images (the
 * check and allocation helpers come from tests/common/check.h). */
#ifndef VAEVK_TESTS_DATA_CHECK_H
#define VAEVK_TESTS_DATA_CHECK_H

#include <stdint.h>
#include <stdlib.h>

#include "../common/check.h"
#include "vaevk/synthetic.h"

#define FACE_BYTES (SYNTH_SIZE * SYNTH_SIZE * 3)

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
