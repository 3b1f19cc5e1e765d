/* The tiles of fast_kernels.h for x86-64 with AVX2 and FMA: 6 rows by two
 * 8-float vectors in 12 of the 16 ymm registers; each term is two vector
 * loads, six broadcasts and twelve fused multiply-adds, four terms per
 * pass of the loop. Compiled for AVX2 whatever the build's flags, and used
 * only where the processor has it. */
#include "fast/fast_kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))

/* Twelve accumulators as named variables: GCC keeps them in registers
 * (an array of vectors would be stored back to memory every term). */
#define ACC_DECLARE __m256 a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51
#define ACC_START(acc, load)                                                                  \
    if (load) {                                                                               \
        a00 = _mm256_loadu_ps(acc + 0), a01 = _mm256_loadu_ps(acc + 8);                      \
        a10 = _mm256_loadu_ps(acc + 16), a11 = _mm256_loadu_ps(acc + 24);                    \
        a20 = _mm256_loadu_ps(acc + 32), a21 = _mm256_loadu_ps(acc + 40);                    \
        a30 = _mm256_loadu_ps(acc + 48), a31 = _mm256_loadu_ps(acc + 56);                    \
        a40 = _mm256_loadu_ps(acc + 64), a41 = _mm256_loadu_ps(acc + 72);                    \
        a50 = _mm256_loadu_ps(acc + 80), a51 = _mm256_loadu_ps(acc + 88);                    \
    } else {                                                                                  \
        a00 = a01 = a10 = a11 = a20 = a21 = _mm256_setzero_ps();                              \
        a30 = a31 = a40 = a41 = a50 = a51 = _mm256_setzero_ps();                              \
    }
#define ACC_FINISH(acc)                                                                       \
    _mm256_storeu_ps(acc + 0, a00), _mm256_storeu_ps(acc + 8, a01);                           \
    _mm256_storeu_ps(acc + 16, a10), _mm256_storeu_ps(acc + 24, a11);                         \
    _mm256_storeu_ps(acc + 32, a20), _mm256_storeu_ps(acc + 40, a21);                         \
    _mm256_storeu_ps(acc + 48, a30), _mm256_storeu_ps(acc + 56, a31);                         \
    _mm256_storeu_ps(acc + 64, a40), _mm256_storeu_ps(acc + 72, a41);                         \
    _mm256_storeu_ps(acc + 80, a50), _mm256_storeu_ps(acc + 88, a51)
/* One term: row r's value at offset o times the two column vectors. */
#define ROW(r, o, v0, v1)                                                                     \
    do {                                                                                      \
        const __m256 x = _mm256_broadcast_ss(s##r + (o));                                     \
        a##r##0 = _mm256_fmadd_ps(x, v0, a##r##0);                                            \
        a##r##1 = _mm256_fmadd_ps(x, v1, a##r##1);                                            \
    } while (0)
#define TERM(o, v0, v1) \
    ROW(0, o, v0, v1); ROW(1, o, v0, v1); ROW(2, o, v0, v1); ROW(3, o, v0, v1); ROW(4, o, v0, v1); ROW(5, o, v0, v1)
#define ROWS_FROM(s) \
    const float *s0 = s[0], *s1 = s[1], *s2 = s[2], *s3 = s[3], *s4 = s[4], *s5 = s[5]

TARGET static void panel(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                         float acc[FAST_ROWS * FAST_COLS], int load) {
    ROWS_FROM(s);
    ACC_DECLARE;
    ACC_START(acc, load)
#pragma GCC unroll 4
    for (int k = 0; k < K; k++) {
        const int32_t o = tab[k];
        const __m256 v0 = _mm256_loadu_ps(v), v1 = _mm256_loadu_ps(v + 8);
        TERM(o, v0, v1);
        v += FAST_COLS;
    }
    ACC_FINISH(acc);
}

TARGET static void halves(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                          const int32_t *vtab, int vrow, float acc[FAST_ROWS * FAST_COLS], int load) {
    ROWS_FROM(s);
    ACC_DECLARE;
    ACC_START(acc, load)
#pragma GCC unroll 4
    for (int k = 0; k < K; k++) {
        const int32_t o = tab[k];
        const float *p = v + vtab[k];
        const __m256 v0 = _mm256_loadu_ps(p), v1 = _mm256_loadu_ps(p + vrow);
        TERM(o, v0, v1);
    }
    ACC_FINISH(acc);
}

/* A tile's twelve chains of fused multiply-adds on 8 floats. */
TARGET static void peak(long iterations, float *sink) {
    ACC_DECLARE;
    float start[FAST_ROWS * FAST_COLS];
    for (int i = 0; i < FAST_ROWS * FAST_COLS; i++)
        start[i] = 1e-3f * (float)i;
    ACC_START(start, 1)
    const __m256 v0 = _mm256_set1_ps(0.999f), v1 = _mm256_set1_ps(1e-4f);
    for (long i = 0; i < iterations; i++) {
        a00 = _mm256_fmadd_ps(a00, v0, v1), a01 = _mm256_fmadd_ps(a01, v0, v1);
        a10 = _mm256_fmadd_ps(a10, v0, v1), a11 = _mm256_fmadd_ps(a11, v0, v1);
        a20 = _mm256_fmadd_ps(a20, v0, v1), a21 = _mm256_fmadd_ps(a21, v0, v1);
        a30 = _mm256_fmadd_ps(a30, v0, v1), a31 = _mm256_fmadd_ps(a31, v0, v1);
        a40 = _mm256_fmadd_ps(a40, v0, v1), a41 = _mm256_fmadd_ps(a41, v0, v1);
        a50 = _mm256_fmadd_ps(a50, v0, v1), a51 = _mm256_fmadd_ps(a51, v0, v1);
    }
    ACC_FINISH(start);
    float sum = 0;
    for (int i = 0; i < FAST_ROWS * FAST_COLS; i++)
        sum += start[i];
    *sink = sum;
}

/* An 8×8 transpose in registers per 8 columns; the rest one by one. */
TARGET static void columns8(const float *const rows[8], int cols, float *out, int64_t stride) {
    int j = 0;
    for (; j + 8 <= cols; j += 8) {
        __m256 r0 = _mm256_loadu_ps(rows[0] + j), r1 = _mm256_loadu_ps(rows[1] + j);
        __m256 r2 = _mm256_loadu_ps(rows[2] + j), r3 = _mm256_loadu_ps(rows[3] + j);
        __m256 r4 = _mm256_loadu_ps(rows[4] + j), r5 = _mm256_loadu_ps(rows[5] + j);
        __m256 r6 = _mm256_loadu_ps(rows[6] + j), r7 = _mm256_loadu_ps(rows[7] + j);
        __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
        __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
        __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
        __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
        __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
        __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
        __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
        __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
        float *o = out + j * stride;
        _mm256_storeu_ps(o + 0 * stride, _mm256_permute2f128_ps(u0, u4, 0x20));
        _mm256_storeu_ps(o + 1 * stride, _mm256_permute2f128_ps(u1, u5, 0x20));
        _mm256_storeu_ps(o + 2 * stride, _mm256_permute2f128_ps(u2, u6, 0x20));
        _mm256_storeu_ps(o + 3 * stride, _mm256_permute2f128_ps(u3, u7, 0x20));
        _mm256_storeu_ps(o + 4 * stride, _mm256_permute2f128_ps(u0, u4, 0x31));
        _mm256_storeu_ps(o + 5 * stride, _mm256_permute2f128_ps(u1, u5, 0x31));
        _mm256_storeu_ps(o + 6 * stride, _mm256_permute2f128_ps(u2, u6, 0x31));
        _mm256_storeu_ps(o + 7 * stride, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
    for (; j < cols; j++)
        for (int r = 0; r < 8; r++)
            out[j * stride + r] = rows[r][j];
}

/* F16C's conversions there and back, rounding to nearest even by the
 * immediate (not MXCSR's mode), give vae_round_f16's bits: binary16
 * subnormals kept (the conversion to half ignores flush-to-zero; float
 * subnormals, zero either way, keep their sign under denormals-are-zero),
 * |x| >= 65520 to ±inf. Only NaN differs (quietened, low payload bits
 * dropped), so a NaN is put back as it was. tests/fast/test_fast_mixed.c
 * checks every binary16 tie, with FTZ and DAZ set and without. */
__attribute__((target("avx2,f16c"))) static void round_f16(float *x, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 r = _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
        _mm256_storeu_ps(x + i, _mm256_blendv_ps(r, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q)));
    }
    fast_round_f16_plain(x + i, n - i);
}

static const fast_kernels avx2 = {"AVX2+FMA", panel, halves, peak, columns8, round_f16};
static const fast_kernels avx2_no_f16c = {"AVX2+FMA", panel, halves, peak, columns8, fast_round_f16_plain};

const fast_kernels *fast_kernels_avx2(void) {
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
        return NULL;
    return __builtin_cpu_supports("f16c") ? &avx2 : &avx2_no_f16c;
}
#else
const fast_kernels *fast_kernels_avx2(void) { return NULL; }
#endif
