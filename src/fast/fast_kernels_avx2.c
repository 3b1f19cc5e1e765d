/* The tile of fast_kernels.h for x86-64 with AVX2 and FMA: 6 rows by two
 * 8-float vectors in 12 of the 16 ymm registers; each term is two vector
 * loads, six broadcasts and twelve fused multiply-adds. */
#include "fast/fast_kernels.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,fma")))

TARGET static void tile(const float *const s[FAST_ROWS], const int32_t *tab, int K, const float *v,
                        float acc[FAST_ROWS * FAST_COLS], int load) {
    __m256 a00, a01, a10, a11, a20, a21, a30, a31, a40, a41, a50, a51;
    if (load) {
        a00 = _mm256_loadu_ps(acc + 0), a01 = _mm256_loadu_ps(acc + 8);
        a10 = _mm256_loadu_ps(acc + 16), a11 = _mm256_loadu_ps(acc + 24);
        a20 = _mm256_loadu_ps(acc + 32), a21 = _mm256_loadu_ps(acc + 40);
        a30 = _mm256_loadu_ps(acc + 48), a31 = _mm256_loadu_ps(acc + 56);
        a40 = _mm256_loadu_ps(acc + 64), a41 = _mm256_loadu_ps(acc + 72);
        a50 = _mm256_loadu_ps(acc + 80), a51 = _mm256_loadu_ps(acc + 88);
    } else {
        a00 = a01 = a10 = a11 = a20 = a21 = _mm256_setzero_ps();
        a30 = a31 = a40 = a41 = a50 = a51 = _mm256_setzero_ps();
    }
    const float *s0 = s[0], *s1 = s[1], *s2 = s[2], *s3 = s[3], *s4 = s[4], *s5 = s[5];
    for (int k = 0; k < K; k++) {
        const int32_t o = tab[k];
        const __m256 v0 = _mm256_loadu_ps(v), v1 = _mm256_loadu_ps(v + 8);
        __m256 x;
        x = _mm256_broadcast_ss(s0 + o), a00 = _mm256_fmadd_ps(x, v0, a00), a01 = _mm256_fmadd_ps(x, v1, a01);
        x = _mm256_broadcast_ss(s1 + o), a10 = _mm256_fmadd_ps(x, v0, a10), a11 = _mm256_fmadd_ps(x, v1, a11);
        x = _mm256_broadcast_ss(s2 + o), a20 = _mm256_fmadd_ps(x, v0, a20), a21 = _mm256_fmadd_ps(x, v1, a21);
        x = _mm256_broadcast_ss(s3 + o), a30 = _mm256_fmadd_ps(x, v0, a30), a31 = _mm256_fmadd_ps(x, v1, a31);
        x = _mm256_broadcast_ss(s4 + o), a40 = _mm256_fmadd_ps(x, v0, a40), a41 = _mm256_fmadd_ps(x, v1, a41);
        x = _mm256_broadcast_ss(s5 + o), a50 = _mm256_fmadd_ps(x, v0, a50), a51 = _mm256_fmadd_ps(x, v1, a51);
        v += FAST_COLS;
    }
    _mm256_storeu_ps(acc + 0, a00), _mm256_storeu_ps(acc + 8, a01);
    _mm256_storeu_ps(acc + 16, a10), _mm256_storeu_ps(acc + 24, a11);
    _mm256_storeu_ps(acc + 32, a20), _mm256_storeu_ps(acc + 40, a21);
    _mm256_storeu_ps(acc + 48, a30), _mm256_storeu_ps(acc + 56, a31);
    _mm256_storeu_ps(acc + 64, a40), _mm256_storeu_ps(acc + 72, a41);
    _mm256_storeu_ps(acc + 80, a50), _mm256_storeu_ps(acc + 88, a51);
}

static const fast_kernels avx2 = {"AVX2+FMA", tile};

const fast_kernels *fast_kernels_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &avx2 : NULL;
}
#else
const fast_kernels *fast_kernels_avx2(void) { return NULL; }
#endif
