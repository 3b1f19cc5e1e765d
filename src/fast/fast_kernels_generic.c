/* The tile of fast_kernels.h in plain C, for processors without the SIMD
 * extensions the other kernels need. The compiler vectorises the column
 * loop; multiplies and adds are rounded separately (no fused multiply-add). */
#include "fast/fast_kernels.h"

static void tile(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                 float acc[FAST_ROWS * FAST_COLS], int load) {
    float a[FAST_ROWS][FAST_COLS];
    for (int r = 0; r < FAST_ROWS; r++)
        for (int c = 0; c < FAST_COLS; c++)
            a[r][c] = load ? acc[r * FAST_COLS + c] : 0.0f;
    for (int k = 0; k < K; k++) {
        const float *vk = v + (size_t)k * FAST_COLS;
        for (int r = 0; r < FAST_ROWS; r++) {
            float x = s[r][tab[k]];
            for (int c = 0; c < FAST_COLS; c++)
                a[r][c] += x * vk[c];
        }
    }
    for (int r = 0; r < FAST_ROWS; r++)
        for (int c = 0; c < FAST_COLS; c++)
            acc[r * FAST_COLS + c] = a[r][c];
}

const fast_kernels fast_kernels_generic = {"generic", tile};
