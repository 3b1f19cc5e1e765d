/* The tiles of fast_kernels.h in plain C, for processors without the SIMD
 * extensions the other kernels need. The compiler vectorises the column
 * loops; multiplies and adds are rounded separately (no fused multiply-add). */
#include "fast/fast_kernels.h"

#include "vaevk/half.h"

static void start(float a[FAST_ROWS][FAST_COLS], const float *acc, int load) {
    for (int r = 0; r < FAST_ROWS; r++)
        for (int c = 0; c < FAST_COLS; c++)
            a[r][c] = load ? acc[r * FAST_COLS + c] : 0.0f;
}

static void finish(float a[FAST_ROWS][FAST_COLS], float *acc) {
    for (int r = 0; r < FAST_ROWS; r++)
        for (int c = 0; c < FAST_COLS; c++)
            acc[r * FAST_COLS + c] = a[r][c];
}

static void term(float a[FAST_ROWS][FAST_COLS], const float *const s[FAST_ROWS], int32_t o, const float vk[FAST_COLS]) {
    for (int r = 0; r < FAST_ROWS; r++) {
        float x = s[r][o];
        for (int c = 0; c < FAST_COLS; c++)
            a[r][c] += x * vk[c];
    }
}

static void panel(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                  float acc[FAST_ROWS * FAST_COLS], int load) {
    float a[FAST_ROWS][FAST_COLS];
    start(a, acc, load);
    for (int k = 0; k < K; k++)
        term(a, s, tab[k], v + (size_t)k * FAST_COLS);
    finish(a, acc);
}

static void halves(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                   const int32_t *vtab, int vrow, float acc[FAST_ROWS * FAST_COLS], int load) {
    float a[FAST_ROWS][FAST_COLS], vk[FAST_COLS];
    start(a, acc, load);
    for (int k = 0; k < K; k++) {
        const float *p = v + vtab[k];
        for (int j = 0; j < 8; j++)
            vk[j] = p[j], vk[8 + j] = p[vrow + j];
        term(a, s, tab[k], vk);
    }
    finish(a, acc);
}

/* A tile's multiply-adds, as the tile runs them. */
static void peak(long iterations, float *sink) {
    float a[FAST_ROWS][FAST_COLS];
    for (int r = 0; r < FAST_ROWS; r++)
        for (int c = 0; c < FAST_COLS; c++)
            a[r][c] = 1e-3f * (float)(r * FAST_COLS + c);
    for (long i = 0; i < iterations; i++)
        for (int r = 0; r < FAST_ROWS; r++)
            for (int c = 0; c < FAST_COLS; c++)
                a[r][c] = a[r][c] * 0.999f + 1e-4f;
    float sum = 0;
    for (int r = 0; r < FAST_ROWS; r++)
        for (int c = 0; c < FAST_COLS; c++)
            sum += a[r][c];
    *sink = sum;
}

static void columns8(const float *const rows[8], int cols, float *out, int64_t stride) {
    for (int j = 0; j < cols; j++)
        for (int r = 0; r < 8; r++)
            out[j * stride + r] = rows[r][j];
}

/* Also the AVX2 set's, on a processor without F16C. */
void fast_round_f16_plain(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        x[i] = vae_round_f16(x[i]);
}

const fast_kernels fast_kernels_generic = {"generic", panel, halves, peak, columns8, fast_round_f16_plain};
